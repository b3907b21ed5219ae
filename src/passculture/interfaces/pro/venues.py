"""Venues (lieux): list for the current offerer, create, detail, edit.

The rules (SIRET of the offerer's SIREN or a reason, geocoding, department and timezone, audit log)
live in core.offerers.services; these views parse the form, call one service and show its French
messages next to the field they are about.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.bookings import feedback as booking_feedback
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import format_local, now
from passculture.core.finance.selectors import current_bank_account
from passculture.core.offerers import selectors, services
from passculture.core.offerers.constants import BOOKING_EMAIL_MAX_LENGTH
from passculture.core.providers.ticketing import links
from passculture.core.providers.ticketing import selectors as ticketing_selectors
from passculture.core.providers.ticketing.models import VENUE_ID_AT_PROVIDER_MAX_LENGTH

from .access import own_venue_or_404, pro_required
from .allocine import allocine_context

ACCESSIBILITY = [
    ("audio_disability_accessible", "Handicap auditif"),
    ("mental_disability_accessible", "Handicap psychique ou cognitif"),
    ("motor_disability_accessible", "Handicap moteur"),
    ("visual_disability_accessible", "Handicap visuel"),
]
# Which form field a domain refusal is about (the message itself comes from the domain).
FIELD_BY_ERROR_CODE = {
    "INVALID_SIRET": "siret",
    "SIRET_NOT_MATCHING_SIREN": "siret",
    "SIRET_ALREADY_REGISTERED": "siret",
    "SIRET_OR_REASON_REQUIRED": "siret",
    "INVALID_POSTAL_CODE": "postal_code",
    "VENUE_NAME_REQUIRED": "name",
    "VENUE_ADDRESS_REQUIRED": "address",
    "INVALID_BOOKING_EMAIL": "booking_email",
    "BOOKING_EMAIL_TOO_LONG": "booking_email",
    "DIGEST_NEEDS_BOOKING_EMAIL": "booking_email",
    "INVALID_COORDINATES": "latitude",
    "COORDINATES_INCOMPLETE": "latitude",
}
# Refusals that the pro fixes in the "Corriger la position" section: it opens by itself.
POSITION_ERROR_CODES = {"ADDRESS_NOT_GEOCODED", "INVALID_COORDINATES", "COORDINATES_INCOMPLETE"}


class VenueForm(forms.Form):
    name = forms.CharField(label="Nom du lieu", max_length=140)
    public_name = forms.CharField(label="Nom public", max_length=255, required=False)
    siret = forms.CharField(label="SIRET", max_length=20, required=False)
    no_siret_reason = forms.CharField(
        label="Raison de l'absence de SIRET", max_length=500, required=False, widget=forms.Textarea
    )
    address = forms.CharField(label="Adresse", max_length=200)
    postal_code = forms.CharField(label="Code postal", max_length=5, min_length=5)
    city = forms.CharField(label="Ville", max_length=100)
    booking_email = forms.CharField(
        label="E-mail de réservation",
        required=False,
        max_length=BOOKING_EMAIL_MAX_LENGTH,
        error_messages={
            "max_length": f"L'adresse e-mail de réservation est trop longue : {BOOKING_EMAIL_MAX_LENGTH} "
            "caractères au plus."
        },
    )
    withdrawal_details = forms.CharField(
        label="Modalités de retrait", max_length=2000, required=False, widget=forms.Textarea
    )
    audio_disability_accessible = forms.BooleanField(required=False)
    mental_disability_accessible = forms.BooleanField(required=False)
    motor_disability_accessible = forms.BooleanField(required=False)
    visual_disability_accessible = forms.BooleanField(required=False)
    # Text, not numbers: French decimal commas are welcome, and the domain checks the ranges.
    latitude = forms.CharField(label="Latitude", max_length=20, required=False)
    longitude = forms.CharField(label="Longitude", max_length=20, required=False)

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(FIELD_BY_ERROR_CODE.get(error.code), error.message)

    @classmethod
    def initial_for(cls, venue) -> dict:
        initial = {name: getattr(venue, name) for name in cls.base_fields}
        initial["siret"] = venue.siret or ""
        initial["latitude"] = "" if venue.latitude is None else str(venue.latitude)
        initial["longitude"] = "" if venue.longitude is None else str(venue.longitude)
        return initial


def _form_page(request, form, *, venue=None, position_open=False):
    offerer = venue.offerer if venue is not None else request.pro.current
    return render(
        request,
        "pro/venues/form.html",
        {
            "title": f"Modifier {venue.display_name}" if venue else "Nouveau lieu",
            "form": form,
            "venue": venue,
            "offerer": offerer,
            "accessibility": [(form[name], label) for name, label in ACCESSIBILITY],
            "position_open": position_open or bool(form["latitude"].errors or form["longitude"].errors),
        },
    )


@pro_required
def venue_list(request):
    offerer = request.pro.current
    venues = list(selectors.venues_of_offerer(offerer.pk)) if offerer else []
    return render(request, "pro/venues/list.html", {"title": "Lieux", "offerer": offerer, "venues": venues})


@require_http_methods(["GET", "POST"])
@pro_required
def venue_create(request):
    offerer = request.pro.current
    if offerer is None:
        messages.warning(request, "Vous pourrez créer un lieu dès que votre structure sera validée.")
        return redirect("pro:venues")
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.create_venue(offerer=offerer, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            return _form_page(request, form, position_open=error.code in POSITION_ERROR_CODES)
        messages.success(
            request, f"Le lieu « {venue.display_name} » est créé. Vérifiez sa position ci-dessous."
        )
        return redirect("pro:venue", venue_id=venue.pk)
    return _form_page(request, form)


@pro_required
def venue_detail(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    return _detail_page(request, venue, TicketingLinkForm())


def ticketing_health(link, tz: str) -> dict | None:
    """The health of an active link as the venue page and the back office show it (local times)."""
    if link is None or link.status != "active":
        return None

    def when(value):
        return format_local(value, tz) if value is not None else ""

    return {
        "last_call": when(link.last_call_at),
        "last_success": when(link.last_success_at),
        "error_count": link.error_count,
        "last_error": link.last_error,
        "last_error_at": when(link.last_error_at),
        "is_healthy": link.error_count == 0,
    }


# The venue page lists the offers with the most answers; the summary counts them all (one query).
FEEDBACK_ROWS = 10


def feedback_context(venue, offerer_ids) -> dict:
    rows = booking_feedback.counts_by_offer_of_venue(venue.pk, offerer_ids)
    return {
        "total": booking_feedback.total_of(rows),
        "rows": rows[:FEEDBACK_ROWS],
        "more": max(len(rows) - FEEDBACK_ROWS, 0),
        "threshold": booking_feedback.MIN_ANSWERS_SHOWN,
    }


def _detail_page(request, venue, ticketing_form, *, status: int = 200):
    ticketing_link = links.current_link_of_venue(venue.pk)
    return render(
        request,
        "pro/venues/detail.html",
        {
            "title": venue.display_name,
            "venue": venue,
            "accessibility": [(label, getattr(venue, name)) for name, label in ACCESSIBILITY],
            "local_now": format_local(now(), venue.timezone),
            "bank_account": current_bank_account(venue),
            "ticketing_link": ticketing_link,
            "ticketing_health": ticketing_health(ticketing_link, venue.timezone),
            "ticketing_form": ticketing_form,
            "feedback": feedback_context(venue, request.pro.offerer_ids),
            **allocine_context(venue),
        },
        status=status,
    )


class TicketingLinkForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="Logiciel de billetterie",
        queryset=links.active_providers(),
        empty_label="Choisissez un logiciel",
        error_messages={"invalid_choice": "Choisissez un logiciel de la liste."},
    )
    venue_id_at_provider = forms.CharField(
        label="Identifiant du lieu chez le logiciel", max_length=VENUE_ID_AT_PROVIDER_MAX_LENGTH
    )


@require_POST
@pro_required
def venue_ticketing_request(request, venue_id: int):
    """Asks for the venue to be sold through a ticketing software; staff activate the link."""
    venue = own_venue_or_404(request, venue_id)
    form = TicketingLinkForm(request.POST)
    if form.is_valid():
        try:
            links.request_link(
                request.user, venue, form.cleaned_data["provider"], form.cleaned_data["venue_id_at_provider"]
            )
        except DomainError as error:
            field = "venue_id_at_provider" if error.code == "INVALID_INPUT" else None
            form.add_error(field, error.message)
        else:
            messages.success(
                request, "Demande envoyée : l'équipe pass Culture vérifie le lien avec le logiciel."
            )
            return redirect("pro:venue", venue_id=venue.pk)
    return _detail_page(request, venue, form, status=400)


@require_POST
@pro_required
def venue_ticketing_selling(request, venue_id: int):
    """The switch of the venue page: stop or resume selling through the ticketing software's link."""
    venue = own_venue_or_404(request, venue_id)
    link = ticketing_selectors.active_link_of_venue(venue.pk)
    if link is None:
        messages.error(request, "Ce lieu n'a pas de lien actif avec un logiciel de billetterie.")
        return redirect("pro:venue", venue_id=venue.pk)
    selling = request.POST.get("selling") == "1"
    try:
        links.set_selling(request.user, link, selling)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "La vente par le logiciel de billetterie a repris."
            if selling
            else "Vente suspendue : les séances de ce lieu ne sont plus réservables sur pass Culture.",
        )
    return redirect(reverse("pro:venue", args=[venue.pk]) + "#venue-ticketing-section")


@require_http_methods(["GET", "POST"])
@pro_required
def venue_edit(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    if request.method == "POST":
        form = VenueForm(request.POST, initial=VenueForm.initial_for(venue))
        if form.is_valid():
            try:
                services.update_venue(venue, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
                return _form_page(
                    request, form, venue=venue, position_open=error.code in POSITION_ERROR_CODES
                )
            messages.success(request, "Modifications enregistrées.")
            return redirect("pro:venue", venue_id=venue.pk)
    else:
        form = VenueForm(initial=VenueForm.initial_for(venue))
    return _form_page(request, form, venue=venue)
