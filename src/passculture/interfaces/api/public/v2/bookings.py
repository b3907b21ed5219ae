"""The four countermark routes of the v2 contract. Each runs one counter service of core.bookings with the
caller as a CounterActor: the validation rules, the offerer check and the scan log are the counter's own.

Countermarks are bearer secrets: unknown ones, malformed ones and other offerers' ones are counted per
credential and per address, and past the limit the caller waits, so that nobody walks the code space.
"""

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router

from passculture.core.bookings import services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import cents_to_euros
from passculture.core.offers.constants import EVENT_CATEGORIES
from passculture.core.providers.allocine.selectors import settings_of_venue
from passculture.core.users import throttling
from passculture.interfaces.http import client_ip

from .schemas import BookingOut, ErrorOut, Formula, OfferType

router = Router(tags=["Contremarques"])

_MISSES_MESSAGE = "Trop de contremarques inconnues ou d'une autre structure : réessayez dans {wait}."
MISSES_PER_CREDENTIAL = throttling.RateLimit("api-v2-misses:credential", 60, 10 * 60, _MISSES_MESSAGE)
MISSES_PER_CLIENT = throttling.RateLimit("api-v2-misses:client", 120, 10 * 60, _MISSES_MESSAGE)
MISS_CODES = frozenset({"COUNTERMARK_NOT_FOUND", "INVALID_COUNTERMARK", "BOOKING_OTHER_OFFERER"})
ALLOCINE_REF_PREFIX = "allocine:"

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut, 429: ErrorOut}
TOKEN = Path(
    ...,
    description="La contremarque (6 caractères, insensible à la casse) ou la charge utile du QR code.",
    example="XK4F2M",
)


def _iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _theater(booking: Booking) -> dict:
    offer = booking.offer
    movie_id = (offer.extra_data or {}).get("allocine_id")
    if not offer.provider_ref.startswith(ALLOCINE_REF_PREFIX) or not movie_id:
        return {}
    settings_obj = settings_of_venue(booking.venue)
    room_id = settings_obj.theater.theater_id if settings_obj is not None else None
    return {"allocine_movie_id": movie_id, "allocine_room_id": room_id}


def booking_payload(booking: Booking) -> dict:
    """The v2 body. Personal data are in it: only the booking's own offerer ever gets it (the counter
    services refuse others before this runs)."""
    user, offer, venue, start = booking.user, booking.offer, booking.venue, booking.stock.beginning_datetime
    is_event = offer.category in EVENT_CATEGORIES
    return {
        "booking_id": str(booking.pk),
        "date_of_birth": user.birth_date.isoformat() if user.birth_date else None,
        "datetime": _iso_utc(start) if start is not None else "",
        "ean13": None,
        "email": user.email,
        "formula": Formula.PLACE if is_event else Formula.ABO,
        "is_used": booking.status in (BookingStatus.USED, BookingStatus.REIMBURSED),
        "offer_id": offer.pk,
        "public_offer_id": str(offer.pk),
        "offer_name": offer.name,
        "offer_type": OfferType.EVENEMENT if is_event else OfferType.BIEN,
        "phone_number": user.phone_number or None,
        "price": float(cents_to_euros(booking.amount_cents)),
        "quantity": booking.quantity,
        "theater": _theater(booking),
        "user_name": user.full_name,
        "first_name": user.first_name or None,
        "last_name": user.last_name or None,
        "venue_address": venue.full_address,
        "venue_department_code": venue.department_code or None,
        "venue_name": venue.display_name,
    }


def _run(request: HttpRequest, operation: Callable, action: str, token: str) -> Booking:
    return run_counter_operation(request, request.auth, operation, action, token)  # type: ignore[attr-defined]


def run_counter_operation(
    request: HttpRequest, actor: services.CounterActor, operation: Callable, action: str, token: str
) -> Booking:
    """Runs a counter service for `actor`, counting misses per credential and per address (also used by
    the public API's booking routes, /public/bookings/v1)."""
    credential = actor.api_key_prefix or f"user:{getattr(actor.user, 'pk', '')}"
    misses = ((MISSES_PER_CREDENTIAL, credential), (MISSES_PER_CLIENT, client_ip(request, "unknown")))
    try:
        # A miss slot is taken before the lookup and kept only if the lookup misses.
        reservation = throttling.reserve(*misses, failure=lambda error: error.code in MISS_CODES)
    except DomainError as error:
        services.record_refused_attempt(actor, token, action, error.code)
        raise
    with reservation:
        return operation(actor, token)


@router.get(
    "/bookings/token/{token}",
    url_name="get_booking",
    response={200: BookingOut, **ERRORS},
    by_alias=True,
    summary="Consulter une contremarque",
    description=(
        "La réservation derrière la contremarque (insensible à la casse), si elle peut être validée "
        "maintenant ; sinon le refus et sa raison. Ne modifie rien."
    ),
)
def get_booking(request: HttpRequest, token: str = TOKEN):
    return booking_payload(_run(request, services.check_countermark, "check", token))


@router.patch(
    "/bookings/use/token/{token}",
    url_name="use_booking",
    response={204: None, **ERRORS},
    summary="Valider une contremarque",
    description="La réservation devient utilisée (et sera remboursée). 204 sans corps.",
)
def use_booking(request: HttpRequest, token: str = TOKEN):
    _run(request, services.validate_countermark, "use", token)
    return HttpResponse(status=204)


@router.patch(
    "/bookings/keep/token/{token}",
    url_name="keep_booking",
    response={204: None, **ERRORS},
    summary="Annuler la validation d'une contremarque",
    description="La réservation validée redevient confirmée, tant qu'elle n'est pas remboursée.",
)
def keep_booking(request: HttpRequest, token: str = TOKEN):
    _run(request, services.undo_validation, "keep", token)
    return HttpResponse(status=204)


@router.patch(
    "/bookings/cancel/token/{token}",
    url_name="cancel_booking",
    response={204: None, **ERRORS},
    summary="Annuler une réservation",
    description=(
        "Annulation par la structure d'une réservation pas encore validée : le bénéficiaire est "
        "prévenu et recrédité, la place est remise en vente."
    ),
)
def cancel_booking(request: HttpRequest, token: str = TOKEN):
    _run(request, services.cancel_countermark, "cancel", token)
    return HttpResponse(status=204)
