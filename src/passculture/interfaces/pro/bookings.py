"""The pro's bookings: a searchable, filtered, paginated list with each booking's history, the bookings of
one showtime, and cancelling one booking. The exports live in booking_exports.py."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import CANCELLATION_MESSAGE_MAX_LENGTH, BookingStatus
from passculture.core.bookings.export_jobs import JOB_THRESHOLD
from passculture.core.bookings.rules import offerer_may_cancel
from passculture.core.bookings.selectors import (
    SEARCH_MAX_LENGTH,
    BookingFilters,
    DateKind,
    booking_histories,
    booking_of_offerers,
    bookings_for_offerers,
    bookings_of_stock,
)
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import format_local
from passculture.core.offerers.selectors import venues_of_offerers
from passculture.core.offers.selectors import offers_of_offerers, stock_of_offerers
from passculture.interfaces.errors import status_for
from passculture.interfaces.http import client_ip

from .access import own_or_404, pro_required

PAGE_SIZE = 50
DEVICE_MAX_LENGTH = 255


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class OfferChoiceField(forms.ModelChoiceField):
    """Two cinemas may show the same film: the label says which venue ("Film — Cinéma X")."""

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.venue.display_name}"


class BookingFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        help_text="Contremarque, nom ou e-mail du bénéficiaire",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": f"Saisissez au plus {SEARCH_MAX_LENGTH} caractères."},
    )
    date_kind = forms.ChoiceField(
        label="Période portant sur",
        choices=[(DateKind.BOOKING, "la date de réservation"), (DateKind.EVENT, "la date de la séance")],
        widget=forms.RadioSelect,
        required=False,
        initial=DateKind.BOOKING,
    )
    date_from = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    venue = VenueChoiceField(label="Lieu", queryset=None, required=False, empty_label="Tous les lieux")
    offer = OfferChoiceField(label="Offre", queryset=None, required=False, empty_label="Toutes les offres")
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les statuts"), *BookingStatus.choices], required=False
    )

    def __init__(self, *args, offerer_ids, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the current offerer's venues and offers are valid choices: another offerer's id is a form error.
        self.fields["venue"].queryset = venues_of_offerers(offerer_ids)
        self.fields["offer"].queryset = offers_of_offerers(offerer_ids).select_related("venue")
        for name in ("date_from", "date_to"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
            self.fields[name].error_messages["invalid"] = "Saisissez une date valide (JJ/MM/AAAA)."

    def clean_q(self) -> str:
        # Runs of spaces are noise in a search box (control characters are refused by the field).
        return " ".join(self.cleaned_data["q"].split())

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "La date de fin doit être postérieure ou égale à la date de début.")
        return cleaned

    def to_filters(self) -> BookingFilters:
        data = self.cleaned_data
        return BookingFilters(
            date_kind=data.get("date_kind") or DateKind.BOOKING,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            venue_id=data["venue"].pk if data.get("venue") else None,
            offer_id=data["offer"].pk if data.get("offer") else None,
            status=data.get("status") or None,
            search=data.get("q") or "",
        )

    def active_filters(self, query: QueryDict) -> list[dict]:
        """The filters in force, each with the list's URL without it (the removable tags)."""
        if not self.is_bound or not self.is_valid():
            return []
        data = self.cleaned_data
        on_event = data.get("date_kind") == DateKind.EVENT
        labels = {
            "q": f"Recherche : « {data['q']} »" if data.get("q") else "",
            "date_from": (
                f"{'Séance' if on_event else 'Réservation'} depuis le {data['date_from']:%d/%m/%Y}"
                if data.get("date_from")
                else ""
            ),
            "date_to": (
                f"{'Séance' if on_event else 'Réservation'} jusqu'au {data['date_to']:%d/%m/%Y}"
                if data.get("date_to")
                else ""
            ),
            "venue": f"Lieu : {data['venue'].display_name}" if data.get("venue") else "",
            "offer": (
                f"Offre : {self.fields['offer'].label_from_instance(data['offer'])}"
                if data.get("offer")
                else ""
            ),
            "status": f"Statut : {BookingStatus(data['status']).label}" if data.get("status") else "",
        }
        tags = []
        for name, label in labels.items():
            if not label:
                continue
            rest = query.copy()
            rest.pop(name, None)
            if name in ("date_from", "date_to") and not (rest.get("date_from") or rest.get("date_to")):
                rest.pop("date_kind", None)
            rest_query = rest.urlencode()
            tags.append(
                {"label": label, "url": reverse("pro:bookings") + (f"?{rest_query}" if rest_query else "")}
            )
        return tags


def _query_without_page(request) -> QueryDict:
    query = request.GET.copy()
    query.pop("page", None)
    # Empty fields are no filter: links (tags, pages, exports) carry only those in force.
    for key in [key for key, value in query.items() if value == ""]:
        del query[key]
    return query


def _filter_form(request) -> BookingFilterForm:
    data = _query_without_page(request)
    return BookingFilterForm(data or None, offerer_ids=[request.pro.current_id])


def _render_list(request, form, page_obj=None, status=200, has_any=True):
    query = _query_without_page(request)
    active = form.active_filters(query) if form is not None else []
    return render(
        request,
        "pro/bookings/list.html",
        {
            "title": "Réservations",
            "form": form,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "is_filtered": form is not None and form.is_bound,
            "active_filters": active,
            "has_any_booking": has_any,
            "export_job_threshold": JOB_THRESHOLD,
        },
        status=status,
    )


@pro_required
def booking_list(request):
    if request.pro.current is None:
        return _render_list(request, None)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _render_list(request, form, status=400)
    filters = form.to_filters() if form.is_bound else BookingFilters()
    paginator = Paginator(bookings_for_offerers([request.pro.current_id], filters), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    # django-dsfr's pagination shows numbered links only when the page carries this list.
    page_obj.pages_list = list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
    histories = booking_histories(page_obj.object_list)
    for booking in page_obj.object_list:
        booking.history = histories[booking.pk]
    has_any = paginator.count > 0 or bookings_for_offerers([request.pro.current_id]).exists()
    return _render_list(request, form, page_obj, has_any=has_any)


@pro_required
def showtime_bookings(request, stock_id: int):
    """Who is coming to one showtime: seats booked out of the total, and each beneficiary (printable)."""
    stock = own_or_404(stock_of_offerers(stock_id, request.pro.offerer_ids))
    bookings = list(bookings_of_stock(stock))
    venue = stock.offer.venue
    active = [b for b in bookings if b.status != BookingStatus.CANCELLED]
    return render(
        request,
        "pro/bookings/showtime.html",
        {
            "title": f"Réservations de la séance – {stock.offer.name}",
            "stock": stock,
            "offer": stock.offer,
            "venue": venue,
            "when": (
                format_local(stock.beginning_datetime, venue.timezone, with_weekday=True)
                if stock.beginning_datetime
                else ""
            ),
            "bookings": bookings,
            "seats_booked": sum(b.quantity for b in active),
            "beneficiaries": len(active),
        },
    )


# --- Cancelling one booking (RULES.md: the pro may cancel any booking not yet used) ---------------


class CancelBookingForm(forms.Form):
    reason_text = forms.CharField(
        label="Message au bénéficiaire (facultatif)",
        help_text="Il figure dans l'e-mail qui prévient le bénéficiaire de l'annulation.",
        required=False,
        max_length=CANCELLATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _cancel_page(request, booking, form, error: DomainError | None = None):
    start = booking.stock.beginning_datetime
    status = 200
    if error is not None:
        status = status_for(error)
    elif form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "pro/bookings/cancel.html",
        {
            "title": "Annuler une réservation",
            "booking": booking,
            "when": format_local(start, booking.venue.timezone, with_weekday=True) if start else "",
            "cancellable": offerer_may_cancel(booking.status),
            "form": form,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@pro_required
def booking_cancel(request, booking_id: int):
    """A confirmation page, then the cancellation: places and credit go back, the beneficiary is told."""
    booking = own_or_404(booking_of_offerers(booking_id, request.pro.offerer_ids))
    form = CancelBookingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actor = booking_services.CounterActor.for_user(
            request.user,
            device=request.META.get("HTTP_USER_AGENT", "")[:DEVICE_MAX_LENGTH],
            ip_address=client_ip(request),
        )
        try:
            booking_services.cancel_booking_by_offerer(
                actor, booking.pk, reason_text=form.cleaned_data["reason_text"]
            )
        except DomainError as error:
            # Shown with the booking as it is now (used or cancelled meanwhile, for instance).
            booking = own_or_404(booking_of_offerers(booking_id, request.pro.offerer_ids))
            return _cancel_page(request, booking, form, error)
        messages.success(
            request,
            f"La réservation {booking.token} est annulée : le bénéficiaire en est informé et récupère "
            "son crédit.",
        )
        return redirect("pro:bookings")
    return _cancel_page(request, booking, form)
