"""The current beneficiary's bookings: list, book, cancel, and "Tu as aimé ?" after the show."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.exceptions import BookingNotFound
from passculture.core.bookings.feedback import can_answer, feedback_of, give_feedback
from passculture.core.bookings.selectors import booking_of_beneficiary, bookings_of_beneficiary
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.time import now as utcnow
from passculture.core.providers.ticketing.selectors import tickets_by_booking, tickets_of
from passculture.interfaces.api.inputs import Id

from .offers import image_url
from .schemas import (
    BookingCreatedOut,
    BookingFeedbackOut,
    BookingIn,
    BookingOut,
    BookingsOut,
    ErrorOut,
    FeedbackIn,
    InvalidInputOut,
)

router = Router(tags=["Réservations"])


def _is_qr_visible(booking, at) -> bool:
    return rules.is_qr_code_visible(
        is_confirmed=booking.status == BookingStatus.CONFIRMED,
        event_start=booking.stock.beginning_datetime,
        duration_minutes=booking.offer.duration_minutes,
        at=at,
    )


def _feedback(booking, at) -> dict:
    answer = feedback_of(booking)
    return {
        "can_answer": can_answer(booking, at),
        "liked": answer.liked if answer is not None else None,
        "answered_at": answer.created_at if answer is not None else None,
    }


def _booking(request: HttpRequest, booking, *, at, tickets=()) -> dict:
    stock, offer, venue = booking.stock, booking.offer, booking.venue
    qr_visible = _is_qr_visible(booking, at)
    payload = tickets[0].barcode if tickets else rules.qr_payload(booking.token)
    cancellation = rules.beneficiary_cancellation(
        status=booking.status,
        booked_at=booking.booked_at,
        limit=booking.cancellation_limit_datetime,
        event_start=stock.beginning_datetime,
        at=at,
    )
    message = cancellation.message(venue.timezone)
    return {
        "id": booking.pk,
        "status": booking.status,
        "quantity": booking.quantity,
        "amount": booking.amount_cents,
        "price_category_label": booking.price_label,
        "total_amount": booking.total_amount_cents,
        "token": booking.token,
        "qr_code_payload": payload if qr_visible else None,
        "tickets": [{"barcode": ticket.barcode, "seat": ticket.seat or None} for ticket in tickets],
        "cancellation_limit_datetime": booking.cancellation_limit_datetime,
        "is_cancellable": cancellation.is_allowed,
        "cancellation_message": message,
        "not_cancellable_reason": None
        if cancellation.is_allowed
        else {"code": cancellation.refusal, "message": message},
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
                "full_address": venue.full_address,
                "timezone": venue.timezone,
            },
        },
        "feedback": _feedback(booking, at),
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
    rows = list(bookings_of_beneficiary(request.auth))
    tickets = tickets_by_booking(row.pk for row in rows)
    for booking in rows:
        # A booking is "ongoing" exactly while its QR code is to be shown.
        (ongoing if _is_qr_visible(booking, at) else ended).append(
            _booking(request, booking, at=at, tickets=tickets.get(booking.pk, ()))
        )
    return {"ongoing_bookings": ongoing, "ended_bookings": ended}


@router.get(
    "/bookings/{booking_id}",
    response={200: BookingOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Une de mes réservations",
    description="404 `BOOKING_NOT_FOUND` pour une réservation inconnue ou d'une autre personne.",
)
def get_booking(request: HttpRequest, booking_id: Id):
    booking = booking_of_beneficiary(request.auth, booking_id)
    if booking is None:
        raise BookingNotFound()
    return _booking(request, booking, at=utcnow(), tickets=tickets_of(booking.pk))


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
        503: ErrorOut,
    },
    by_alias=True,
    summary="Réserver",
    description="`stockId` et `quantity` (1, ou 2 pour une offre duo). Chaque refus a son `code`. Une fois "
    "le crédit expiré, les offres gratuites (0 €) restent réservables ; une offre payante répond 403 "
    "`DEPOSIT_EXPIRED` (`freeOffersOnly` dans `GET /me`). Une séance vendue par la billetterie du "
    "cinéma y est réservée d'abord : 409 `TICKETING_SOLD_OUT` / `TICKETING_NOT_ENOUGH_SEATS` / "
    "`TICKETING_SELLING_STOPPED`, 503 `TICKETING_UNAVAILABLE` si elle ne répond pas (crédit non débité).",
)
def create_booking(request: HttpRequest, payload: BookingIn):
    booking = book_offer(request.auth, payload.stock_id, payload.quantity)
    return {"booking_id": booking.pk}


@router.post(
    "/bookings/{booking_id}/cancel",
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
    summary="Annuler ma réservation",
    description="Possible tant que la réservation est confirmée et avant sa date limite d'annulation.",
)
def cancel_booking(request: HttpRequest, booking_id: Id):
    cancel_booking_by_beneficiary(request.auth, booking_id)
    return HttpResponse(status=204)


@router.post(
    "/bookings/{booking_id}/feedback",
    response={
        201: BookingFeedbackOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidInputOut,
    },
    by_alias=True,
    summary="Tu as aimé ? (après la séance)",
    description="`liked` : `true` (« J'ai aimé ») ou `false` (« Je n'ai pas aimé »). Une seule réponse par "
    "réservation, définitive : une deuxième répond 409 `FEEDBACK_ALREADY_GIVEN`. Possible une fois la "
    "réservation validée (409 `FEEDBACK_BOOKING_NOT_USED`, `FEEDBACK_BOOKING_CANCELLED`) et la séance "
    "terminée (409 `FEEDBACK_SHOW_NOT_OVER`). 404 `BOOKING_NOT_FOUND` pour la réservation d'une autre "
    "personne. Personne ne voit qui a répondu quoi : seuls des totaux sont montrés, à partir de 10 réponses.",
)
def answer_feedback(request: HttpRequest, booking_id: Id, payload: FeedbackIn):
    answer = give_feedback(request.auth, booking_id, payload.liked)
    return Status(201, {"can_answer": False, "liked": answer.liked, "answered_at": answer.created_at})
