"""/public/bookings/v1: the bookings of the venues linked to the provider, and the counter operations on
a countermark (check, use, keep, cancel) through the counter services of core.bookings, with the same
rules, rate limit of misses and scan log as API v2 (channel PUBLIC_API, the key's prefix)."""

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from passculture.core.bookings import services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import InvalidInput
from passculture.core.common.time import check_input_date
from passculture.core.offers.price_categories import UNIQUE_PRICE_LABEL
from passculture.core.providers.ticketing import events
from passculture.interfaces.api.inputs import MAX_ID
from passculture.interfaces.api.public.v2.bookings import run_counter_operation

from .auth import caller_of
from .offers import MAX_PAGE, PAGING, page
from .schemas import BookingOut, BookingsOut, ErrorOut, InvalidInputOut

router = Router(tags=["Réservations"])

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    410: ErrorOut,
    422: InvalidInputOut,
    429: ErrorOut,
}
TOKEN = Path(
    ...,
    max_length=64,
    description="La contremarque (6 caractères, insensible à la casse) ou la charge utile du QR code.",
    example="XK4F2M",
)
COUNTER_ERRORS = (
    "Erreurs : `COUNTERMARK_NOT_FOUND` (404 : inconnue, ou réservation d'un lieu non relié à votre "
    "logiciel), `BOOKING_CANCELLED`, `BOOKING_ALREADY_USED`, `BOOKING_NOT_USED` (410), "
    "`BOOKING_REIMBURSED`, `BOOKING_NOT_YET_VALIDATABLE` (403), `RATE_LIMITED` (429)."
)


def booking_out(booking: Booking) -> dict:
    user, stock = booking.user, booking.stock
    category = stock.price_category
    return {
        "id": booking.pk,
        "token": booking.token,
        "status": booking.status,
        "creation_date": booking.booked_at,
        "date_used": booking.used_at,
        "cancellation_date": booking.cancelled_at,
        "offer_id": booking.offer_id,
        "offer_name": booking.offer.name,
        "offer_id_at_provider": booking.offer.id_at_provider or None,
        "stock_id": booking.stock_id,
        "stock_id_at_provider": stock.id_at_provider or None,
        "beginning_datetime": stock.beginning_datetime,
        "price_category_id": stock.price_category_id,
        "price_category_label": booking.price_category_label
        or (category.label.label if category is not None else UNIQUE_PRICE_LABEL),
        "price": booking.amount_cents,
        "quantity": booking.quantity,
        "venue_id": booking.venue_id,
        "venue_name": booking.venue.display_name,
        "user_email": user.email,
        "user_first_name": user.first_name,
        "user_last_name": user.last_name,
        "user_phone_number": user.phone_number or None,
        "user_birth_date": user.birth_date,
    }


@router.get(
    "/bookings",
    response={200: BookingsOut, **ERRORS},
    by_alias=True,
    summary="Lister les réservations",
    description="Les réservations des lieux reliés à votre logiciel, filtrées par offre, tarif, séance, "
    "statut et jour de la séance (`beginningDatetime`, AAAA-MM-JJ, dans le fuseau du lieu). " + PAGING,
)
def list_bookings(
    request: HttpRequest,
    offer_id: int | None = Query(None, alias="offerId", ge=1, le=MAX_ID),
    price_category_id: int | None = Query(None, alias="priceCategoryId", ge=1, le=MAX_ID),
    stock_id: int | None = Query(None, alias="stockId", ge=1, le=MAX_ID),
    status: BookingStatus | None = None,
    beginning_datetime: str | None = Query(None, alias="beginningDatetime", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    first_index: int = Query(1, alias="firstIndex", ge=1, le=MAX_ID),
    limit: int = Query(MAX_PAGE, ge=1, le=MAX_PAGE),
):
    day = None
    if beginning_datetime is not None:
        try:
            day = check_input_date(dt.date.fromisoformat(beginning_datetime))
        except ValueError:
            raise InvalidInput("Date invalide : AAAA-MM-JJ.", code="INVALID_DATE") from None
    filters = events.BookingFilters(
        offer_id=offer_id,
        price_category_id=price_category_id,
        stock_id=stock_id,
        status=status,
        beginning_date=day,
    )
    bookings = events.bookings_of_provider(caller_of(request).provider, filters)
    return {"bookings": [booking_out(booking) for booking in page(bookings, first_index, limit)]}


def _counter(request: HttpRequest, operation: Callable, action: str, token: str) -> Booking:
    actor = caller_of(request).counter_actor()
    return run_counter_operation(request, actor, operation, action, token)


@router.get(
    "/token/{token}",
    url_name="v1_get_booking",
    response={200: BookingOut, **ERRORS},
    by_alias=True,
    summary="Consulter une contremarque",
    description="La réservation, si elle peut être validée maintenant ; sinon le refus. " + COUNTER_ERRORS,
)
def get_booking_by_token(request: HttpRequest, token: str = TOKEN):
    return booking_out(_counter(request, services.check_countermark, "check", token))


@router.patch(
    "/use/token/{token}",
    response={204: None, **ERRORS},
    summary="Valider une contremarque",
    description="La réservation devient utilisée (et sera remboursée). " + COUNTER_ERRORS,
)
def use_booking(request: HttpRequest, token: str = TOKEN):
    _counter(request, services.validate_countermark, "use", token)
    return HttpResponse(status=204)


@router.patch(
    "/keep/token/{token}",
    response={204: None, **ERRORS},
    summary="Annuler la validation d'une contremarque",
    description="La réservation validée redevient confirmée, tant qu'elle n'est pas remboursée. "
    + COUNTER_ERRORS,
)
def keep_booking(request: HttpRequest, token: str = TOKEN):
    _counter(request, services.undo_validation, "keep", token)
    return HttpResponse(status=204)


@router.patch(
    "/cancel/token/{token}",
    response={204: None, **ERRORS},
    summary="Annuler une réservation",
    description="Annulation par le cinéma d'une réservation pas encore validée : le bénéficiaire est "
    "prévenu et recrédité. " + COUNTER_ERRORS,
)
def cancel_booking(request: HttpRequest, token: str = TOKEN):
    _counter(request, services.cancel_countermark, "cancel", token)
    return HttpResponse(status=204)
