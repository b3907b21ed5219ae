"""The counter (guichet): look a countermark up, validate it in one click, undo a validation.

Every operation goes through core.bookings.services with a CounterActor built from the request, so each
attempt (found or not, allowed or not) lands in the scan log with the device and the IP address.
Lookups are POSTed, not GET parameters: a countermark is what the beneficiary shows to get in, it has
no business in access logs or the browser history.

A countermark is also a bearer secret: lookups are rate-limited per user and per address, and unknown
countermarks much more, so that nobody can walk the code space to find (and validate) others' bookings.
"""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.bookings import exceptions as booking_exceptions
from passculture.core.bookings import selectors, services
from passculture.core.bookings.constants import BookingStatus, CounterResult
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local
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


class CountermarkForm(forms.Form):
    # No 6-character limit here: a handheld scanner types the whole QR payload into the field, and
    # the domain (rules.normalize_token) accepts it; the domain also refuses malformed codes, logged.
    token = forms.CharField(
        label="Contremarque",
        max_length=64,
        error_messages={"required": "Saisissez la contremarque (6 caractères)."},
    )


def _actor(request) -> services.CounterActor:
    return services.CounterActor.for_user(
        request.user,
        device=request.META.get("HTTP_USER_AGENT", "")[:DEVICE_MAX_LENGTH],
        ip_address=client_ip(request),
    )


def _booking_view(booking: Booking) -> dict:
    start = booking.stock.beginning_datetime
    return {
        "token": booking.token,
        "beneficiary": booking.user.full_name or booking.user.email,
        "offer": booking.offer.name,
        "when": format_local(start, booking.venue.timezone, with_weekday=True) if start else "",
        "quantity": booking.quantity,
        "unit_price": format_euros(booking.amount_cents),
        "total": format_euros(booking.total_amount_cents),
        "venue": booking.venue.display_name,
        "status": booking.get_status_display(),
        "is_used": booking.status == BookingStatus.USED,
        "is_validatable": booking.status == BookingStatus.CONFIRMED,
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


def _render(request, *, form=None, booking=None, success="", error=None, undo_token="", status=200):
    context = {
        "title": "Guichet",
        "form": form if form is not None else CountermarkForm(),
        "booking": _booking_view(booking) if booking is not None else None,
        "success": success,
        "error": error,
        "undo_token": undo_token,
        "attempts": _attempt_rows(request),
    }
    return render(request, "pro/counter/page.html", context, status=status)


def _is_miss(error: DomainError) -> bool:
    return error.code == booking_exceptions.CountermarkNotFound.code


def _run(request, operation, *, success_message: str, keep_typed_value: bool):
    """Parses the countermark, runs one counter service, renders its booking or its refusal."""
    form = CountermarkForm(request.POST)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    raw = form.cleaned_data["token"]
    user, client = request.user.pk, client_ip(request, "unknown")
    misses = ((MISSES_PER_USER, user), (MISSES_PER_CLIENT, client))
    try:
        # A miss slot is taken before the lookup and kept only if the countermark is unknown.
        with throttling.reserve(*misses, failure=_is_miss):
            throttling.hit((LOOKUPS_PER_USER, user), (LOOKUPS_PER_CLIENT, client))
            booking = operation(_actor(request), raw)
    except DomainError as error:
        typed = CountermarkForm(initial={"token": raw}) if keep_typed_value else None
        response = _render(
            request,
            form=typed,
            error=error,
            # Offered only where the domain said "already validated": the undo service re-checks
            # the offerer and the reimbursement itself.
            undo_token=raw if error.code == booking_exceptions.BookingAlreadyUsed.code else "",
            status=status_for(error),
        )
        return with_retry_after(response, error)
    return _render(request, booking=booking, success=success_message.format(token=booking.token))


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_http_methods(["GET", "POST"])
@pro_required
def counter(request):
    if request.method == "GET":
        return _render(request)
    return _run(request, services.check_countermark, success_message="", keep_typed_value=True)


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_POST
@pro_required
def validate(request):
    return _run(
        request,
        services.validate_countermark,
        success_message="Contremarque {token} validée : la réservation est utilisée.",
        keep_typed_value=False,
    )


@allow_browser_features("camera")  # the QR scanner, on every page showing the counter
@require_POST
@pro_required
def undo(request):
    return _run(
        request,
        services.undo_validation,
        success_message="La validation de la contremarque {token} a été annulée.",
        keep_typed_value=False,
    )
