"""A venue's Allociné import settings: one price and capacity for every showtime, duo, on/off.

The rules (membership, eligibility, price and capacity, audit, requesting the import) live in
core.providers.allocine.services; this view parses euros into cents and shows the service's refusals.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import parse_euros
from passculture.core.common.time import format_local, now, to_local
from passculture.core.offerers.selectors import venues_of_offerer
from passculture.core.offers.constants import MAX_STOCK_QUANTITY
from passculture.core.providers.allocine import selectors
from passculture.core.providers.allocine.services import keep_vanished_showtime, save_allocine_settings
from passculture.interfaces.http import safe_next_url

from .access import own_or_404, own_venue_or_404, pro_required

RUN_LIMIT = 10
# While an import is requested or running, the state box asks the server again every few seconds.
POLL_EVERY = "2s"
STATE_BADGE_LEVELS = {
    selectors.STATE_PENDING: "info",
    selectors.STATE_RUNNING: "info",
    selectors.STATE_INTERRUPTED: "warning",
    "Échec": "error",
    "Partiel": "warning",
    "Réussi": "success",
}
KEPT_MESSAGE = "Séance gardée : elle reste en vente et l'alerte est close."
SAVED_MESSAGE = "Importation programmée : les séances apparaîtront d'ici quelques minutes."
FIELD_BY_ERROR_CODE = {"ALLOCINE_PRICE_INVALID": "price", "ALLOCINE_QUANTITY_INVALID": "quantity"}


class AllocineSettingsForm(forms.Form):
    # Text, not a number input: French decimal commas ("7,50") are welcome.
    price = forms.CharField(label="Prix de chaque séance (en euros)", max_length=10)
    quantity = forms.IntegerField(
        label="Places par séance", required=False, min_value=1, max_value=MAX_STOCK_QUANTITY
    )
    is_duo = forms.BooleanField(label="Offres duo : un jeune peut réserver 2 places", required=False)
    is_active = forms.BooleanField(label="Importation active", required=False)

    def clean_price(self) -> int:
        try:
            return parse_euros(self.cleaned_data["price"])
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code.lower()) from error

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


def _hour(moment, tz_name: str) -> str:
    local = to_local(moment, tz_name)
    return f"{local.hour:02d}h{local.minute:02d}"


def allocine_context(venue, *, with_alerts: bool = True) -> dict:
    """What the venue pages show of the import: eligibility, current settings, state, progress (the run
    in progress or the request waiting for a worker), the last finished run, the latest runs and the
    booked showtimes that vanished from the feed."""
    at = now()
    settings_obj = selectors.settings_of_venue(venue)
    runs = selectors.runs_of_venue(venue, RUN_LIMIT)
    for run in runs:
        # Shown in the venue's timezone, like every time on the pro pages.
        run.started_local = format_local(run.started_at, venue.timezone)
        run.finished_local = format_local(run.finished_at, venue.timezone) if run.finished_at else ""
    latest = runs[0] if runs else None
    running = latest if selectors.is_run_in_progress(latest, at) else None
    pending = running is None and selectors.is_import_pending(settings_obj, at)
    state = selectors.import_state(settings_obj, runs, at)
    alerts = selectors.vanished_showtime_alerts_of_venue(venue, at=at) if with_alerts else []
    return {
        **vanished_alerts_context(alerts, reverse("pro:venue", args=[venue.pk])),
        "allocine": selectors.venue_allocine_eligibility(venue),
        "allocine_settings": settings_obj,
        "allocine_runs": runs,
        "allocine_state": state,
        "allocine_state_level": STATE_BADGE_LEVELS.get(state, "new"),
        "allocine_running_since": _hour(running.started_at, venue.timezone) if running else "",
        "allocine_requested_at": (
            _hour(settings_obj.import_requested_at, venue.timezone) if pending and settings_obj else ""
        ),
        "allocine_last_run": next((run for run in runs if run.finished_at is not None), None),
        "allocine_polling": running is not None or pending,
        "allocine_poll_every": POLL_EVERY,
        "allocine_status_url": reverse("pro:venue-allocine-status", args=[venue.pk]),
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


@require_GET
@pro_required
def allocine_overview(request):
    """Paramètres › AlloCiné: each venue of the current structure, whether it is listed on AlloCiné and the
    state of its import, each linking to its settings."""
    current = request.pro.current
    venues = []
    if current is not None:
        at = now()
        all_venues = list(venues_of_offerer(current.pk))
        # Listed venues and whether their import is on: two queries; the state only for those importing.
        imports = selectors.allocine_import_of_venues(all_venues)
        for venue in all_venues:
            active = imports.get(venue.pk, False)
            state = ""
            if active:
                state = selectors.import_state(
                    selectors.settings_of_venue(venue), selectors.runs_of_venue(venue, 1), at
                )
            venues.append(
                {
                    "venue": venue,
                    "listed": venue.pk in imports,
                    "active": active,
                    "state": state,
                    "url": reverse("pro:venue-allocine", args=[venue.pk]),
                }
            )
    return render(
        request,
        "pro/allocine/overview.html",
        {"title": "Importation AlloCiné", "offerer": current, "venues": venues},
    )


@require_GET
@pro_required
def venue_allocine_status(request, venue_id: int):
    """The state box alone (and the runs table, swapped out of band), polled while an import runs."""
    venue = own_venue_or_404(request, venue_id)
    return render(
        request,
        "pro/allocine/_status.html",
        {"venue": venue, "partial": True, **allocine_context(venue, with_alerts=False)},
    )


# --- Booked showtimes that vanished from Allociné -----------------------------------------------------


def vanished_alerts_context(alerts, next_url: str) -> dict:
    """The alert block of the dashboard and the venue page: each showtime in its venue's timezone, with
    the page where the pro deletes it and the "Garder la séance" form."""
    items = [
        {
            "alert": alert,
            "film": alert.stock.offer.name,
            "venue": alert.venue,
            "when": format_local(alert.stock.beginning_datetime, alert.venue.timezone, with_weekday=True),
            "version": alert.stock.version,
            "booked": alert.stock.booked_quantity,
            "detected": format_local(alert.detected_at, alert.venue.timezone),
            "offer_url": reverse("pro:offer-detail", args=[alert.stock.offer_id]),
            "delete_url": reverse("pro:stock-delete", args=[alert.stock.offer_id, alert.stock_id]),
            "keep_url": reverse("pro:allocine-vanished-keep", args=[alert.pk]),
        }
        for alert in alerts
    ]
    # The same alert serves showtimes pushed by ticketing software (core.providers.ticketing.sessions).
    from_allocine = all(alert.stock.provider_ref.startswith("allocine:") for alert in alerts)
    source = "AlloCiné" if from_allocine else "importé (AlloCiné ou logiciel de billetterie)"
    return {"vanished_showtimes": items, "vanished_next": next_url, "vanished_source": source}


@require_POST
@pro_required
def vanished_showtime_keep(request, alert_id: int):
    """ "Garder la séance": only for an open alert of the user's offerers (another's is a 404)."""
    alert = own_or_404(selectors.vanished_showtime_alert_of_offerers(alert_id, request.pro.offerer_ids))
    try:
        keep_vanished_showtime(request.user, alert.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, KEPT_MESSAGE)
    return redirect(safe_next_url(request, request.POST.get("next", ""), reverse("pro:dashboard")))
