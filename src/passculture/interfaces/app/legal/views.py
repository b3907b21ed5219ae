"""The accessibility statement and the legal notices: linked from the footer of every audience's pages."""

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

# The last audit: the automated axe-core checks of the browser suite (tests/browser.py assert_accessible),
# run on every app page and state. Update it with the statement when a new audit is made.
ACCESSIBILITY_AUDIT_DATE = dt.date(2026, 12, 7)
ACCESSIBILITY_STATUS = "partiellement conforme"


@require_GET
def accessibility(request):
    return render(
        request,
        "app/legal/accessibility.html",
        {
            "audit_date": ACCESSIBILITY_AUDIT_DATE,
            "status": ACCESSIBILITY_STATUS,
            "publisher": settings.PASSCULTURE_PUBLISHER_NAME,
            "contact_email": settings.PASSCULTURE_ACCESSIBILITY_EMAIL,
        },
    )


@require_GET
def legal_notices(request):
    return render(
        request,
        "app/legal/legal_notices.html",
        {
            "publisher": settings.PASSCULTURE_PUBLISHER_NAME,
            "publisher_address": settings.PASSCULTURE_PUBLISHER_ADDRESS,
            "director": settings.PASSCULTURE_PUBLICATION_DIRECTOR,
            "host": settings.PASSCULTURE_HOST_NAME,
            "host_address": settings.PASSCULTURE_HOST_ADDRESS,
            "contact_email": settings.PASSCULTURE_CONTACT_EMAIL,
            "privacy_email": settings.PASSCULTURE_PRIVACY_EMAIL,
            "accessibility_email": settings.PASSCULTURE_ACCESSIBILITY_EMAIL,
        },
    )
