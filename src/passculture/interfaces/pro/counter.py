"""The counter (guichet): look a countermark up, validate it in one click, undo a validation, cancel a
booking with its reason, and today's validations.

Every operation goes through core.bookings.services with a CounterActor built from the request, so each
attempt (found or not, allowed or not) lands in the scan log with the device and the IP address.
Lookups are POSTed, not GET parameters: a countermark is what the beneficiary shows to get in, it has
no business in access logs or the browser history.

A countermark is also a bearer secret: lookups are rate-limited per user and per address, and unknown
countermarks much more, so that nobody can walk the code space to find (and validate) others' bookings.

A refusal shows what is known about the booking only when it is one of the pro's own offerers'
(`selectors.counter_booking_of_offerers`): another offerer's booking shows as little as an unknown code.

Keyboard flow, with or without JavaScript: the code field has the focus; Enter looks the code up and the
focus moves to "Valider la contremarque"; Enter validates and the focus is back in the emptied field.
counter.js submits these forms in place and moves the focus (the result region is aria-live).
"""

from functools import partial

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.bookings import exceptions as booking_exceptions
from passculture.core.bookings import rules, selectors, services
from passculture.core.bookings.constants import (
    AUTO_VALIDATOR_LABEL,
    CANCELLATION_MESSAGE_MAX_LENGTH,
    BookingStatus,
    CancellationReason,
    CounterResult,
)
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.constants import DEFAULT_TIMEZONE
from passculture.core.users import throttling
from passculture.interfaces.errors import status_for
from passculture.interfaces.http import client_ip, with_retry_after
from passculture.interfaces.security import allow_browser_features

from .access import pro_required

DEVICE_MAX_LENGTH = 255
RECENT_ATTEMPTS = 20

# Per address, twice the per-user figures: the tills of a multiplex share one public address.
_LOOKUPS_MESSAGE = "Trop de recherches de contremarques : réessayez dans {wait}."
_MISSES_MESSAGE = "Trop de contremarques inconnues saisies : réessayez dans {wait}."
LOOKUPS_PER_USER = throttling.RateLimit("pro-counter-lookups:user", 60, 60, _LOOKUPS_MESSAGE)
LOOKUPS_PER_CLIENT = throttling.RateLimit("pro-counter-lookups:client", 120, 60, _LOOKUPS_MESSAGE)
MISSES_PER_USER = throttling.RateLimit("pro-counter-misses:user", 20, 10 * 60, _MISSES_MESSAGE)
MISSES_PER_CLIENT = throttling.RateLimit("pro-counter-misses:client", 40, 10 * 60, _MISSES_MESSAGE)

ACTION_LABELS = {
    "check": "Recherche",
    "use": "Validation",
    "keep": "Annulation de la validation",
    "cancel": "Annulation de la réservation",
}
# The scan log keeps the refusal's code; people read the domain's own message for it.
REFUSAL_MESSAGES = {
    error.code: error.message
    for error in vars(booking_exceptions).values()
    if isinstance(error, type) and issubclass(error, DomainError)
}
# What the person at the counter does next, for each refusal (the domain's message says why).
NEXT_STEPS = {
    "COUNTERMARK_NOT_FOUND": "Vérifiez les 6 caractères avec le bénéficiaire (ni I ni O, ni 0 ni 1), "
    "ou scannez le QR code de sa réservation.",
    "INVALID_COUNTERMARK": "Vérifiez la saisie, ou scannez le QR code de la réservation.",
    "BOOKING_OTHER_OFFERER": "Demandez au bénéficiaire de vérifier dans son application le cinéma où il "
    "a réservé.",
    "BOOKING_CANCELLED": "Ne laissez pas entrer sur cette contremarque : le bénéficiaire peut réserver "
    "une autre séance depuis son application.",
    "BOOKING_ALREADY_USED": "La place a déjà servi : ne laissez pas entrer une seconde fois. "
    "Si la validation était une erreur, annulez-la.",
    "BOOKING_REIMBURSED": "Cette réservation est déjà remboursée : il n'y a rien à faire au guichet.",
    "BOOKING_NOT_YET_VALIDATABLE": "Vérifiez la date de la séance avec le bénéficiaire : il s'est "
    "peut-être trompé de jour.",
    "BOOKING_NOT_USED": "Il n'y a pas de validation à annuler : vous pouvez valider la contremarque.",
    "CANCELLATION_MESSAGE_TOO_LONG": "Raccourcissez le message, puis confirmez l'annulation.",
    "RATE_LIMITED": "Patientez, puis saisissez à nouveau la contremarque.",
}
DEFAULT_NEXT_STEP = "Réessayez ; si le problème persiste, contactez le support pass Culture."
# Refusals that never show a booking: nothing matched, or it is not the pro's to see.
_BLIND_REFUSALS = {
    "COUNTERMARK_NOT_FOUND",
    "INVALID_COUNTERMARK",
    "BOOKING_OTHER_OFFERER",
    "RATE_LIMITED",
}


class CountermarkForm(forms.Form):
    # No 6-character limit here: a handheld scanner types the whole QR payload into the field, and
    # the domain (rules.normalize_token) accepts it; the domain also refuses malformed codes, logged.
    token = forms.CharField(
        label="Contremarque",
        max_length=64,
        error_messages={"required": "Saisissez la contremarque (6 caractères)."},
    )


# The pro picks why; the beneficiary reads it (with the pro's own words, if any) in the cancellation email.
CANCEL_REASONS = [
    ("SHOWTIME_CANCELLED", "Séance annulée"),
    ("TECHNICAL", "Problème technique : la projection est impossible"),
    ("BENEFICIARY_REQUEST", "Annulation demandée par le bénéficiaire"),
    ("BOOKING_ERROR", "Réservation faite par erreur"),
    ("OTHER", "Autre motif, précisé dans le message"),
]
_REASON_PREFIX = "Motif : "
# The reason and the message travel together within the domain's limit for the offerer's words.
CANCEL_MESSAGE_MAX_LENGTH = (
    CANCELLATION_MESSAGE_MAX_LENGTH - len(_REASON_PREFIX) - max(len(label) for _, label in CANCEL_REASONS) - 2
)


class CounterCancelForm(forms.Form):
    token = forms.CharField(max_length=64)
    reason = forms.ChoiceField(
        label="Motif de l'annulation",
        choices=[("", "Choisissez un motif"), *CANCEL_REASONS],
        error_messages={
            "required": "Choisissez le motif de l'annulation.",
            "invalid_choice": "Choisissez un motif de la liste.",
        },
    )
    message = forms.CharField(
        label="Message au bénéficiaire (facultatif)",
        help_text=f"Il figure avec le motif dans l'e-mail d'annulation ; {CANCEL_MESSAGE_MAX_LENGTH} "
        "caractères au plus.",
        required=False,
        max_length=CANCEL_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == "OTHER" and not (data.get("message") or "").strip():
            self.add_error("message", "Précisez le motif de l'annulation dans le message.")
        return data

    def reason_text(self) -> str:
        label = dict(CANCEL_REASONS)[self.cleaned_data["reason"]]
        message = (self.cleaned_data.get("message") or "").strip()
        return f"{_REASON_PREFIX}{label}." + (f" {message}" if message else "")


def _actor(request) -> services.CounterActor:
    return services.CounterActor.for_user(
        request.user,
        device=request.META.get("HTTP_USER_AGENT", "")[:DEVICE_MAX_LENGTH],
        ip_address=client_ip(request),
    )


def _validated_by(booking: Booking, *, short: bool = False) -> str:
    if booking.validated_by_label == AUTO_VALIDATOR_LABEL:
        return "validation automatique, 48 h après la séance"
    user = booking.validated_by
    if user is not None and user.full_name:
        return user.full_name if short else f"{user.full_name} ({user.email})"
    return booking.validated_by_label or "—"


def _clock(moment, tz_name: str) -> str:
    local = to_local(moment, tz_name)
    return f"{local.hour:02d}h{local.minute:02d}"


def _booking_view(booking: Booking, *, refusal_code: str = "", actionable: bool = True) -> dict:
    """What the counter shows of one of the pro's bookings, times in its venue's timezone. `refusal_code`:
    why the counter refused it; `actionable`: whether its actions are offered (not on a confirmation step)."""
    refused = bool(refusal_code)
    tz_name = booking.venue.timezone
    start = booking.stock.beginning_datetime
    limit = booking.cancellation_limit_datetime
    validatable_from = rules.counter_validatable_from(limit, start)
    confirmed = booking.status == BookingStatus.CONFIRMED
    cancelled = booking.status == BookingStatus.CANCELLED
    return {
        "token": booking.token,
        "beneficiary": booking.user.full_name or booking.user.email,
        "offer": booking.offer.name,
        "when": format_local(start, tz_name, with_weekday=True) if start else "",
        "quantity": booking.quantity,
        "price_label": booking.price_label,
        "unit_price": format_euros(booking.amount_cents),
        "total": format_euros(booking.total_amount_cents),
        "venue": booking.venue.display_name,
        "status": booking.get_status_display(),
        "status_code": booking.status,
        "is_used": booking.status == BookingStatus.USED,
        "is_validatable": actionable and confirmed and not refused,
        "is_cancellable": actionable and confirmed,
        "is_undoable": actionable and booking.status == BookingStatus.USED,
        "used_at": format_local(booking.used_at, tz_name) if booking.used_at else "",
        "validated_by": _validated_by(booking) if booking.used_at else "",
        "cancelled_at": format_local(booking.cancelled_at, tz_name)
        if cancelled and booking.cancelled_at
        else "",
        "cancellation_reason": (
            CancellationReason(booking.cancellation_reason).label
            if cancelled and booking.cancellation_reason
            else ""
        ),
        "cancellation_message": selectors.cancellation_message_of(booking) if cancelled else "",
        "validatable_from": format_local(validatable_from, tz_name)
        if refusal_code == booking_exceptions.BookingNotYetValidatable.code and validatable_from
        else "",
    }


def _attempt_rows(request) -> list[dict]:
    rows = []
    for attempt in selectors.latest_counter_attempts(request.user, request.pro.offerer_ids, RECENT_ATTEMPTS):
        booking = attempt.booking
        tz_name = booking.venue.timezone if booking is not None else DEFAULT_TIMEZONE
        refused = attempt.result == CounterResult.REFUSED
        rows.append(
            {
                "at": format_local(attempt.created_at, tz_name),
                "token": attempt.token,
                "action": ACTION_LABELS.get(attempt.action, attempt.action),
                "result": attempt.get_result_display(),
                "refused": refused,
                "reason": REFUSAL_MESSAGES.get(attempt.error_code, attempt.error_code) if refused else "",
                "who": attempt.actor_label or "—",
            }
        )
    return rows


def _today_rows(request) -> list[dict]:
    return [
        {
            "at": _clock(booking.used_at, booking.venue.timezone),
            "offer": booking.offer.name,
            "when": _clock(booking.stock.beginning_datetime, booking.venue.timezone)
            if booking.stock.beginning_datetime
            else "",
            "venue": booking.venue.display_name,
            "beneficiary": booking.user.full_name or booking.user.email,
            "token": booking.token,
            "quantity": booking.quantity,
            "validated_by": _validated_by(booking, short=True),
            "undoable": booking.status == BookingStatus.USED,
        }
        for booking in selectors.validations_of_the_day(request.pro.offerer_ids, at=utcnow())
    ]


def _render(
    request,
    *,
    form=None,
    booking=None,
    refused_booking=None,
    success="",
    error=None,
    cancel_form=None,
    status=200,
):
    shown = booking if booking is not None else refused_booking
    booking_view = None
    if shown is not None:
        booking_view = _booking_view(
            shown,
            refusal_code=error.code if error is not None and refused_booking is not None else "",
            actionable=cancel_form is None,
        )
    if cancel_form is not None:
        focus = "reason"
    elif booking_view is not None and booking_view["is_validatable"] and not success:
        focus = "validate"
    else:
        focus = "code"
    context = {
        "title": "Guichet",
        "form": form if form is not None else CountermarkForm(),
        "booking": booking_view,
        "success": success,
        "error": error,
        "next_step": NEXT_STEPS.get(error.code, DEFAULT_NEXT_STEP) if error is not None else "",
        "cancel_form": cancel_form,
        "focus": focus,
        "today": _today_rows(request),
        "today_limit": selectors.COUNTER_VALIDATIONS_LIMIT,
        "attempts": _attempt_rows(request),
    }
    return render(request, "pro/counter/page.html", context, status=status)


def _is_miss(error: DomainError) -> bool:
    return error.code == booking_exceptions.CountermarkNotFound.code


def _run(request, raw: str, operation, on_success, *, keep_typed_value: bool, cancel_form=None):
    """Runs one counter service on the countermark `raw` under the rate limits; renders `on_success(booking)`
    or the refusal, with what may be shown of the booking."""
    user, client = request.user.pk, client_ip(request, "unknown")
    misses = ((MISSES_PER_USER, user), (MISSES_PER_CLIENT, client))
    try:
        # A miss slot is taken before the lookup and kept only if the countermark is unknown.
        with throttling.reserve(*misses, failure=_is_miss):
            throttling.hit((LOOKUPS_PER_USER, user), (LOOKUPS_PER_CLIENT, client))
            booking = operation(_actor(request), raw)
    except DomainError as error:
        typed = CountermarkForm(initial={"token": raw}) if keep_typed_value else None
        known = None
        if error.code not in _BLIND_REFUSALS:
            known = selectors.counter_booking_of_offerers(raw, request.pro.offerer_ids)
        response = _render(
            request,
            form=typed,
            error=error,
            refused_booking=known,
            # A refused confirmation keeps what was chosen (a too long message, for instance).
            cancel_form=cancel_form
            if known is not None and known.status == BookingStatus.CONFIRMED
            else None,
            status=status_for(error),
        )
        return with_retry_after(response, error)
    return on_success(booking)


def _parse_token(request):
    form = CountermarkForm(request.POST)
    if not form.is_valid():
        return None, _render(request, form=form, status=400)
    return form.cleaned_data["token"], None


def _run_simple(request, operation, *, success_message: str, keep_typed_value: bool):
    raw, invalid = _parse_token(request)
    if invalid is not None:
        return invalid
    return _run(
        request,
        raw,
        operation,
        lambda booking: _render(
            request,
            booking=booking,
            success=success_message.format(token=booking.token) if success_message else "",
        ),
        keep_typed_value=keep_typed_value,
    )


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_http_methods(["GET", "POST"])
@pro_required
def counter(request):
    if request.method == "GET":
        return _render(request)
    return _run_simple(request, services.check_countermark, success_message="", keep_typed_value=True)


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_POST
@pro_required
def validate(request):
    return _run_simple(
        request,
        services.validate_countermark,
        success_message="Contremarque {token} validée : la réservation est utilisée.",
        keep_typed_value=False,
    )


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_POST
@pro_required
def undo(request):
    return _run_simple(
        request,
        services.undo_validation,
        success_message="La validation de la contremarque {token} a été annulée.",
        keep_typed_value=False,
    )


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_POST
@pro_required
def cancel(request):
    """Two steps: the booking with a reason to choose (nothing changes), then, confirmed, the cancellation.
    The offerer's rules are cancel_countermark's (the counter's cancel_booking_by_offerer): any booking
    not yet validated, the beneficiary told by email with the reason and recovering the credit."""
    raw, invalid = _parse_token(request)
    if invalid is not None:
        return invalid
    confirmed = request.POST.get("confirm") == "1"
    form = CounterCancelForm(request.POST if confirmed else None, initial={"token": raw})
    if confirmed and form.is_valid():
        return _run(
            request,
            raw,
            partial(services.cancel_countermark, reason_text=form.reason_text()),
            lambda booking: _render(
                request,
                booking=booking,
                success=f"La réservation {booking.token} est annulée : le bénéficiaire est prévenu par "
                "e-mail avec le motif et récupère son crédit.",
            ),
            keep_typed_value=False,
            cancel_form=form,
        )
    # The confirmation step, or a reason missing: the booking again, only if it may still be cancelled.
    return _run(
        request,
        raw,
        services.check_cancellable_countermark,
        lambda booking: _render(
            request, booking=booking, cancel_form=form, status=400 if form.is_bound else 200
        ),
        keep_typed_value=False,
    )
