"""Staff's page for the Allociné theatre reference list: upload the CSV, read the report, search the list.

The parsing and upsert rules live in core.providers.allocine.theaters; this view only checks the upload
(a .csv, small enough) and shows the service's report or its French refusal.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passculture.core.common.exceptions import DomainError
from passculture.core.providers.allocine.selectors import active_theater_count, search_theaters
from passculture.core.providers.allocine.theaters import import_theaters_csv

MAX_THEATER_FILE_BYTES = 2 * 1024 * 1024
PAGE_SIZE = 50


def queue_entry() -> dict:
    """This page's line on the queues page."""
    return {
        "label": "Cinémas référencés sur AlloCiné",
        "url": reverse("backoffice:allocine-theaters"),
        "count": active_theater_count(),
    }


class TheaterFileForm(forms.Form):
    file = forms.FileField(label="Fichier CSV (siret, theater_id, internal_id)")
    replace = forms.BooleanField(
        label="Remplacer la liste : désactiver les cinémas absents du fichier", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Le fichier doit être un CSV (extension .csv).")
        if upload.size > MAX_THEATER_FILE_BYTES:
            raise forms.ValidationError("Le fichier dépasse 2 Mo.")
        return upload


@require_http_methods(["GET", "POST"])
@staff_member_required(login_url="admin:login")
def theaters(request):
    report = None
    if request.method == "POST":
        form = TheaterFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = import_theaters_csv(
                    form.cleaned_data["file"].read(), actor=request.user, replace=form.cleaned_data["replace"]
                )
            except DomainError as error:
                form.add_error("file", error.message)
    else:
        form = TheaterFileForm()
    search = request.GET.get("siret", "").strip()
    page = Paginator(search_theaters(search), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": "Cinémas référencés sur AlloCiné",
        "form": form,
        "report": report,
        "search": search,
        "page": page,
        "max_megabytes": MAX_THEATER_FILE_BYTES // (1024 * 1024),
    }
    return render(request, "backoffice/allocine_theaters.html", context)
