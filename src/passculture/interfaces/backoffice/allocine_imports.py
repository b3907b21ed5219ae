"""Staff's page of Allociné import runs: failures (error, partial) first, filterable by status."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from passculture.core.providers.allocine.models import AllocineImportRun
from passculture.core.providers.allocine.selectors import latest_runs

RUN_LIMIT = 200


@staff_member_required(login_url="admin:login")
def imports(request):
    status = request.GET.get("status", "")
    if status not in AllocineImportRun.Status.values:
        status = ""
    context = {
        **admin.site.each_context(request),
        "title": "Imports AlloCiné",
        "runs": latest_runs(status, RUN_LIMIT),
        "status": status,
        "statuses": AllocineImportRun.Status.choices,
        "limit": RUN_LIMIT,
    }
    return render(request, "backoffice/allocine_imports.html", context)
