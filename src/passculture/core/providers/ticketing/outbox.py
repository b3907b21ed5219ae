"""The calls to cancelUrl and notificationUrl: queued in the transaction of the change that causes them
(TicketingCall, the shape of the email outbox), tried once after commit, then retried with backoff by
the `ticketing_recovery` job, which also releases the reservations a crash abandoned and queues the
cancellation of any ticket left without a booking (no orphan ticket). Decision 0029."""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from passculture.core.bookings import rules as booking_rules
from passculture.core.bookings.constants import BookingStatus
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.offers.models import Stock

from . import client
from .models import (
    CallKind,
    CallStatus,
    ReservationStatus,
    Ticket,
    TicketingCall,
    TicketStatus,
    VenueProviderLink,
)

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 20
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
CLAIM_LEASE = dt.timedelta(minutes=5)
BATCH_SIZE = 200


def _date(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") if value is not None else None


def booking_payload(
    *, user, stock: Stock, quantity: int, link: VenueProviderLink, booked_at: dt.datetime
) -> dict:
    """The real payload of bookingUrl (docs/ticketing-provider-contract.md), dates in UTC."""
    offer, venue = stock.offer, stock.offer.venue
    category = stock.price_category
    return {
        "booking_confirmation_date": _date(
            booking_rules.cancellation_limit(booked_at, stock.beginning_datetime)
        ),
        "booking_creation_date": _date(booked_at),
        "booking_quantity": quantity,
        "offer_ean": None,
        "offer_id": offer.pk,
        "offer_id_at_provider": offer.id_at_provider or None,
        "offer_name": offer.name,
        "offer_price": stock.price_cents,
        "price_category_id": category.pk if category else None,
        "price_category_id_at_provider": (category.id_at_provider or None) if category else None,
        "price_category_label": category.label.label if category else None,
        "stock_id": stock.pk,
        "stock_id_at_provider": stock.id_at_provider,
        "user_birth_date": user.birth_date.isoformat() if user.birth_date else "",
        "user_email": user.email,
        "user_first_name": user.first_name,
        "user_last_name": user.last_name,
        "user_phone": user.phone_number or None,
        "venue_address": venue.address or None,
        "venue_department_code": venue.department_code or None,
        "venue_id": venue.pk,
        "venue_id_at_provider": link.venue_id_at_provider,
        "venue_name": venue.public_name or venue.name,
    }


def queue_call(link: VenueProviderLink, kind: str, payload: dict) -> TicketingCall:
    call = TicketingCall.objects.create(link=link, kind=kind, payload=payload, next_attempt_at=utcnow())
    transaction.on_commit(partial(_deliver_after_commit, call.pk), robust=True)
    return call


def queue_notification(link: VenueProviderLink, booking, action: str) -> TicketingCall | None:
    if not link.url("notification"):
        return None
    payload = booking_payload(
        user=booking.user,
        stock=booking.stock,
        quantity=booking.quantity,
        link=link,
        booked_at=booking.booked_at,
    )
    return queue_call(link, CallKind.NOTIFY, {**payload, "action": action})


# With a broker, a call is a worker's task, so that a slow cinema never holds the request that caused it.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _deliver_after_commit(call_id: int) -> None:
    """Never raises: the change that caused the call is committed; the recovery job retries."""
    if settings.CELERY_BROKER_URL:
        try:
            from .tasks import deliver_ticketing_call

            deliver_ticketing_call.apply_async((call_id,), retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
        except Exception:
            logger.warning("ticketing call %s: broker unreachable, left for the recovery job", call_id)
        return
    try:
        deliver_call(call_id)
    except Exception:
        logger.exception("ticketing call %s: delivery crashed, left for the recovery job", call_id)


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _claim(call_id: int, at: dt.datetime) -> bool:
    return (
        TicketingCall.objects.filter(pk=call_id, status=CallStatus.PENDING, next_attempt_at__lte=at).update(
            attempts=F("attempts") + 1, next_attempt_at=at + CLAIM_LEASE
        )
        == 1
    )


def deliver_call(call_id: int, *, at: dt.datetime | None = None) -> str:
    """Sends one due call (outside any transaction); returns sent, retried, failed or skipped."""
    at = at or utcnow()
    if not _claim(call_id, at):
        return "skipped"
    call = TicketingCall.objects.select_related("link__provider").get(pk=call_id)
    if call.kind == CallKind.CANCEL:
        answer = client.cancel(call.link, list(call.payload.get("barcodes", [])))
    else:
        answer = client.notify(call.link, call.payload)
    if answer.ok:
        with transaction.atomic():
            TicketingCall.objects.filter(pk=call_id).update(
                status=CallStatus.SENT, sent_at=utcnow(), last_error=""
            )
            if call.kind == CallKind.CANCEL:
                _tickets_cancelled(call, answer.remaining)
        return "sent"
    given_up = call.attempts >= MAX_ATTEMPTS or (
        call.kind == CallKind.CANCEL and answer.status == 404  # unknown_barcode: retrying cannot help
    )
    TicketingCall.objects.filter(pk=call_id).update(
        status=CallStatus.FAILED if given_up else CallStatus.PENDING,
        next_attempt_at=at + backoff(call.attempts),
        last_error=answer.error[:300],
    )
    return "failed" if given_up else "retried"


def _tickets_cancelled(call: TicketingCall, remaining: int | None) -> None:
    tickets = Ticket.objects.filter(
        provider_id=call.link.provider_id, barcode__in=call.payload.get("barcodes", [])
    )
    stock_ids = sorted(set(tickets.values_list("reservation__stock_id", flat=True)))
    tickets.update(status=TicketStatus.CANCELLED, cancelled_at=utcnow())
    if remaining is not None and len(stock_ids) == 1:
        lock(Stock.objects.filter(pk=stock_ids[0])).get()
        Stock.objects.filter(pk=stock_ids[0], quantity__isnull=False).update(
            quantity=F("booked_quantity") + remaining
        )


def _queue_orphans() -> int:
    """Tickets still issued whose booking failed or was cancelled, and whose cancellation was never
    queued (a path that bypassed the listener): queued now."""
    orphans = Ticket.objects.filter(status=TicketStatus.ISSUED).filter(
        Q(booking__isnull=True, reservation__status=ReservationStatus.RELEASED)
        | Q(booking__status=BookingStatus.CANCELLED)
    )
    queued: set[tuple[int, str]] = set()
    for link_id, payload in TicketingCall.objects.filter(kind=CallKind.CANCEL).values_list(
        "link_id", "payload"
    ):
        queued.update((link_id, code) for code in payload.get("barcodes", []))
    by_link: dict[int, list[str]] = {}
    for link_id, barcode in orphans.values_list("reservation__link_id", "barcode"):
        if (link_id, barcode) not in queued:
            by_link.setdefault(link_id, []).append(barcode)
    for link_id, barcodes in by_link.items():
        link = VenueProviderLink.objects.select_related("provider").get(pk=link_id)
        for start in range(0, len(barcodes), 10):  # the contract takes 1 to 10 barcodes a call
            with transaction.atomic():
                queue_call(link, CallKind.CANCEL, {"barcodes": barcodes[start : start + 10]})
    return sum(len(barcodes) for barcodes in by_link.values())


def recover(at: dt.datetime | None = None) -> dict:
    """The `ticketing_recovery` job: releases abandoned reservations, queues orphan tickets, sends due calls."""
    from .external_bookings import release, stale_reservations  # external_bookings imports this module

    at = at or utcnow()
    released = sum(release(reservation_id, "abandoned") for reservation_id in stale_reservations(at))
    orphans = _queue_orphans()
    outcomes: dict[str, int] = {}
    at = max(at, utcnow())  # the calls just queued are due too
    due = TicketingCall.objects.filter(status=CallStatus.PENDING, next_attempt_at__lte=at)
    for call_id in due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:BATCH_SIZE]:
        outcome = deliver_call(call_id, at=at)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {"released": released, "orphans_queued": orphans, **outcomes}
