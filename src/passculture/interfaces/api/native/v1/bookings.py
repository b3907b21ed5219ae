"""The current beneficiary's bookings: list, book, cancel."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.selectors import bookings_of_beneficiary
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.time import now as utcnow

from .offers import image_url
from .schemas import BookingCreatedOut, BookingIn, BookingsOut, ErrorOut, InvalidInputOut

router = Router(tags=["Réservations"])


def _booking(request: HttpRequest, booking, *, qr_visible: bool) -> dict:
    stock, offer, venue = booking.stock, booking.offer, booking.venue
    return {
        "id": booking.pk,
        "status": booking.status,
        "quantity": booking.quantity,
        "amount": booking.amount_cents,
        "total_amount": booking.total_amount_cents,
        "token": booking.token,
        "qr_code_payload": rules.qr_payload(booking.token) if qr_visible else None,
        "cancellation_limit_datetime": booking.cancellation_limit_datetime,
        "cancellation_reason": booking.cancellation_reason or None,
        "booked_at": booking.booked_at,
        "used_at": booking.used_at,
        "cancelled_at": booking.cancelled_at,
        "stock": {
            "id": stock.pk,
            "beginning_datetime": stock.beginning_datetime,
            "price": stock.price_cents,
            "version": stock.version,
        },
        "offer": {
            "id": offer.pk,
            "name": offer.name,
            "is_digital": offer.is_digital,
            "image_url": image_url(request, offer),
            "venue": {
                "id": venue.pk,
                "name": venue.display_name,
                "address": venue.address,
                "postal_code": venue.postal_code,
                "city": venue.city,
                "timezone": venue.timezone,
            },
        },
    }


@router.get(
    "/bookings",
    response={200: BookingsOut, 401: ErrorOut},
    by_alias=True,
    summary="Mes réservations",
    description="En cours (confirmées, séance pas terminée : QR code affiché) et terminées.",
)
def list_bookings(request: HttpRequest):
    at = utcnow()
    ongoing, ended = [], []
    for booking in bookings_of_beneficiary(request.auth):
        # A booking is "ongoing" exactly while its QR code is to be shown.
        visible = rules.is_qr_code_visible(
            is_confirmed=booking.status == BookingStatus.CONFIRMED,
            event_start=booking.stock.beginning_datetime,
            duration_minutes=booking.offer.duration_minutes,
            at=at,
        )
        (ongoing if visible else ended).append(_booking(request, booking, qr_visible=visible))
    return {"ongoing_bookings": ongoing, "ended_bookings": ended}


@router.post(
    "/bookings",
    response={
        200: BookingCreatedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidInputOut,
    },
    by_alias=True,
    summary="Réserver",
    description="`stockId` et `quantity` (1, ou 2 pour une offre duo). Chaque refus a son `code`.",
)
def create_booking(request: HttpRequest, payload: BookingIn):
    booking = book_offer(request.auth, payload.stock_id, payload.quantity)
    return {"booking_id": booking.pk}


@router.post(
    "/bookings/{booking_id}/cancel",
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Annuler ma réservation",
    description="Possible tant que la réservation est confirmée et avant sa date limite d'annulation.",
)
def cancel_booking(request: HttpRequest, booking_id: int):
    cancel_booking_by_beneficiary(request.auth, booking_id)
    return HttpResponse(status=204)
