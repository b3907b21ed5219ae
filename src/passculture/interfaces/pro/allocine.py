"""A venue's Allociné import settings: one price and capacity for every showtime, duo, on/off.

The rules (membership, eligibility, price and capacity, audit, requesting the import) live in
core.providers.allocine.services; this view parses euros into cents and shows the service's refusals.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import format_local
from passculture.core.providers.allocine import selectors
from passculture.core.providers.allocine.services import save_allocine_settings

from .access import own_venue_or_404, pro_required

RUN_LIMIT = 10
SAVED_MESSAGE = "Importation programmée : les séances apparaîtront d'ici quelques minutes."
FIELD_BY_ERROR_CODE = {"ALLOCINE_PRICE_INVALID": "price", "ALLOCINE_QUANTITY_INVALID": "quantity"}


class AllocineSettingsForm(forms.Form):
    # Text, not a number input: French decimal commas ("7,50") are welcome.
    price = forms.CharField(label="Prix de chaque séance (en euros)", max_length=10)
    quantity = forms.IntegerField(label="Places par séance", required=False, min_value=1)
    is_duo = forms.BooleanField(label="Offres duo : un jeune peut réserver 2 places", required=False)
    is_active = forms.BooleanField(label="Importation active", required=False)

    def clean_price(self) -> int:
        raw = self.cleaned_data["price"].strip().replace(",", ".").replace("€", "").strip()
        try:
            euros = Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError("Saisissez un prix en euros, par exemple 7,50.") from None
        if not euros.is_finite() or euros != euros.quantize(Decimal("0.01")):
            raise forms.ValidationError("Saisissez un prix en euros avec au plus deux décimales.")
        return int(euros * 100)

    @staticmethod
    def initial_for(settings_obj) -> dict:
        if settings_obj is None:
            return {"is_active": True}
        return {
            "price": f"{settings_obj.price_cents / 100:.2f}".replace(".", ","),
            "quantity": settings_obj.quantity,
            "is_duo": settings_obj.is_duo,
            "is_active": settings_obj.is_active,
        }


def allocine_context(venue) -> dict:
    """What the venue pages show of the import: eligibility, current settings, state, latest runs."""
    settings_obj = selectors.settings_of_venue(venue)
    runs = selectors.runs_of_venue(venue, RUN_LIMIT)
    for run in runs:
        # Shown in the venue's timezone, like every time on the pro pages.
        run.started_local = format_local(run.started_at, venue.timezone)
        run.finished_local = format_local(run.finished_at, venue.timezone) if run.finished_at else ""
    return {
        "allocine": selectors.venue_allocine_eligibility(venue),
        "allocine_settings": settings_obj,
        "allocine_runs": runs,
        "allocine_state": selectors.import_state(settings_obj, runs),
    }


@require_http_methods(["GET", "POST"])
@pro_required
def venue_allocine(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    context = allocine_context(venue)
    form = AllocineSettingsForm(
        request.POST or None, initial=AllocineSettingsForm.initial_for(context["allocine_settings"])
    )
    if request.method == "POST" and context["allocine"].eligible and form.is_valid():
        data = form.cleaned_data
        try:
            save_allocine_settings(
                request.user,
                venue,
                price_cents=data["price"],
                quantity=data["quantity"],
                is_duo=data["is_duo"],
                is_active=data["is_active"],
            )
        except DomainError as error:
            form.add_error(FIELD_BY_ERROR_CODE.get(error.code), error.message)
        else:
            messages.success(request, SAVED_MESSAGE)
            return redirect("pro:venue-allocine", venue_id=venue.pk)
    return render(
        request,
        "pro/allocine/settings.html",
        {"title": f"Importation AlloCiné – {venue.display_name}", "venue": venue, "form": form, **context},
    )
