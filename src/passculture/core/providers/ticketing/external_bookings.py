"""Booking a showtime sold through a cinema's ticketing system: reserve, call, then confirm or release.

1. `_reserve` (one transaction, locks stock -> deposits): every booking check, then the seats are held
   in `Stock.booked_quantity` and the credit in `Deposit.spent_cents` (a TicketingReservation keeps
   what was held). Committed: no lock is held from here on.
2. `client.book`: the signed POST to bookingUrl, with a timeout, outside any transaction.
3. `_record_tickets`: the barcodes received are stored at once (status ISSUED), so that a crash after
   this point can still cancel them.
4. `_confirm` (one transaction): the holds are given back and `book_locally` re-does every check under
   the locks and makes the booking and its debits, the tickets are attached and the stock corrected
   with `remainingQuantity`. Or `_release`: holds given back, issued tickets queued for cancelUrl.

A crash anywhere leaves a reservation in flight: `outbox.recover` releases it once it is older than
STALE_AFTER, and the cancellation calls are retried until the cinema's system answers. Decision 0029.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.validation import check_booking
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.credit import services as credit_services
from passculture.core.credit.models import Deposit
from passculture.core.offers.exceptions import StockNotFound
from passculture.core.offers.models import Stock

from . import client, outbox
from .exceptions import (
    TicketingBookingInProgress,
    TicketingNotEnoughSeats,
    TicketingSellingStopped,
    TicketingSoldOut,
    TicketingStockNotLinked,
    TicketingUnavailable,
)
from .models import (
    IN_FLIGHT,
    CallKind,
    LinkStatus,
    ReservationStatus,
    Ticket,
    TicketingReservation,
    TicketStatus,
    VenueProviderLink,
)

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    """A reservation in flight longer than this was abandoned by a crash (the call has its timeout)."""
    return dt.timedelta(seconds=2 * settings.TICKETING_TIMEOUT_SECONDS + 60)


def selling_link_of_stock(stock_id: int) -> VenueProviderLink | None:
    """The active link of the stock's venue when it has a booking URL (its own or its provider's), else
    None (also for an unknown stock: book_offer then says STOCK_NOT_FOUND). One query: every booking
    asks."""
    link = (
        VenueProviderLink.objects.select_related("provider")
        .filter(venue__offers__stocks__pk=stock_id, status=LinkStatus.ACTIVE)
        .first()
    )
    return link if link is not None and link.url("booking") else None


def venue_may_sell_sql(connection, venue_id_column: str) -> tuple[str, list]:
    """The SQL condition "the venue has an active link", read by the booking in the same statement as the
    stock (decision 0040): false, `selling_link_of_stock` would say None, so the hook is not called."""
    quote = connection.ops.quote_name
    meta = VenueProviderLink._meta
    venue, status = meta.get_field("venue").column, meta.get_field("status").column
    return (
        f"EXISTS (SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(venue)} = {venue_id_column} "  # noqa: S608
        f"AND {quote(status)} = %s)",
        [LinkStatus.ACTIVE.value],
    )


def book_through_provider(user, stock_id: int, quantity: int, *, at: dt.datetime | None = None):
    """The bookings hook: None when the stock is booked here, else the booking (or a DomainError)."""
    link = selling_link_of_stock(stock_id)
    if link is None:
        return None
    if not link.is_selling:
        raise TicketingSellingStopped()
    reservation, payload = _reserve(user, stock_id, quantity, link, at=at)
    answer = client.book(link, payload)  # never raises; a crash here is left to outbox.recover
    if answer.refusal:
        release(reservation.pk, answer.refusal, remaining=answer.remaining)
        raise TicketingSoldOut() if answer.refusal == "sold_out" else TicketingNotEnoughSeats()
    if not answer.ok:
        if answer.tickets:
            _record_tickets(reservation.pk, answer.tickets)
        release(reservation.pk, "unavailable")
        raise TicketingUnavailable()
    try:
        _record_tickets(reservation.pk, answer.tickets)
        return _confirm(reservation.pk, user, remaining=answer.remaining, at=at)
    except DomainError as error:
        release(reservation.pk, error.code)
        raise
    except Exception:
        release(reservation.pk, "error")
        raise


# --- 1. Reserve ------------------------------------------------------------------------------------


def _spending(deposits: list[Deposit], plan) -> list[list[int]]:
    return [[deposit.pk, amount] for deposit, amount in plan if amount]


@transaction.atomic
def _reserve(user, stock_id: int, quantity: int, link: VenueProviderLink, *, at: dt.datetime | None):
    stock = lock(Stock.objects.select_related("offer__venue__offerer")).filter(pk=stock_id).first()
    if stock is None:
        raise StockNotFound()
    if not stock.id_at_provider:
        raise TicketingStockNotLinked()
    deposits = credit_services.lock_deposits(user)
    at = at or utcnow()
    offer = stock.offer
    plan = check_booking(
        user,
        stock,
        quantity,
        deposits=deposits,
        already_booked=Booking.objects.filter(user=user, offer=offer)
        .exclude(status=BookingStatus.CANCELLED)
        .exists,
        at=at,
    )
    held = _spending(deposits, plan)
    try:
        with transaction.atomic():
            reservation = TicketingReservation.objects.create(
                link=link,
                user=user,
                stock=stock,
                quantity=quantity,
                is_digital=offer.is_digital,
                held=held,
                created_at=utcnow(),  # the real clock: `recover` compares it with the real clock
            )
    except IntegrityError as exc:
        raise TicketingBookingInProgress() from exc
    Stock.objects.filter(pk=stock.pk).update(booked_quantity=F("booked_quantity") + quantity)
    for deposit_id, amount in held:
        Deposit.objects.filter(pk=deposit_id).update(
            spent_cents=F("spent_cents") + amount,
            digital_spent_cents=F("digital_spent_cents") + (amount if offer.is_digital else 0),
        )
    return reservation, outbox.booking_payload(
        user=user, stock=stock, quantity=quantity, link=link, booked_at=at
    )


def _give_back_holds(reservation: TicketingReservation) -> None:
    """The caller holds the stock's lock; the deposits are locked here, in id order."""
    Stock.objects.filter(pk=reservation.stock_id).update(
        booked_quantity=F("booked_quantity") - reservation.quantity
    )
    held = sorted((int(deposit_id), int(amount)) for deposit_id, amount in reservation.held)
    credit_services.lock_deposits_by_id(deposit_id for deposit_id, _ in held)
    for deposit_id, amount in held:
        Deposit.objects.filter(pk=deposit_id).update(
            spent_cents=F("spent_cents") - amount,
            digital_spent_cents=F("digital_spent_cents") - (amount if reservation.is_digital else 0),
        )


def _lock_reservation(reservation_id: int) -> TicketingReservation | None:
    """Stock first (the lock order of bookings), then the reservation row."""
    stock_id = (
        TicketingReservation.objects.filter(pk=reservation_id).values_list("stock_id", flat=True).first()
    )
    if stock_id is None:
        return None
    lock(Stock.objects.filter(pk=stock_id)).get()
    return (
        lock(TicketingReservation.objects.select_related("link__provider")).filter(pk=reservation_id).first()
    )


# --- 3. Tickets received ---------------------------------------------------------------------------


@transaction.atomic
def _record_tickets(reservation_id: int, tickets: list[dict]) -> None:
    reservation = lock(TicketingReservation.objects.select_related("link")).get(pk=reservation_id)
    for ticket in tickets:
        row, _ = Ticket.objects.get_or_create(
            provider_id=reservation.link.provider_id,
            barcode=ticket["barcode"],
            defaults={"reservation": reservation, "seat": ticket["seat"]},
        )
        if row.reservation_id != reservation.pk:  # the vendor gave a barcode it already gave us
            raise TicketingUnavailable()
    if reservation.status == ReservationStatus.RESERVED:
        reservation.status = ReservationStatus.ISSUED
        reservation.save(update_fields=["status", "updated_at"])


# --- 4. Confirm or release -------------------------------------------------------------------------


def _correct_stock(stock_id: int, remaining: int | None) -> None:
    """What the cinema's system says is left becomes what is left here (stock already locked)."""
    if remaining is None:
        return
    Stock.objects.filter(pk=stock_id, quantity__isnull=False).update(
        quantity=F("booked_quantity") + remaining
    )


@transaction.atomic
def _confirm(reservation_id: int, user, *, remaining: int | None, at: dt.datetime | None) -> Booking:
    reservation = _lock_reservation(reservation_id)
    if reservation is None or reservation.status != ReservationStatus.ISSUED:
        raise TicketingUnavailable()  # released meanwhile (recovery job): the tickets are being cancelled
    _give_back_holds(reservation)

    def attach(booking: Booking) -> None:
        Ticket.objects.filter(reservation=reservation, status=TicketStatus.ISSUED).update(booking=booking)
        reservation.status = ReservationStatus.CONFIRMED
        reservation.booking = booking
        reservation.save(update_fields=["status", "booking", "updated_at"])
        _correct_stock(reservation.stock_id, remaining)
        outbox.queue_notification(reservation.link, booking, "BOOK")

    return booking_services.book_locally(
        user, reservation.stock_id, reservation.quantity, at=at, before_notify=attach
    )


@transaction.atomic
def release(reservation_id: int, error_code: str, *, remaining: int | None = None) -> bool:
    """Gives the seats and the credit back and queues the cancellation of any ticket issued. Idempotent:
    False when the reservation was already confirmed or released."""
    reservation = _lock_reservation(reservation_id)
    if reservation is None or reservation.status not in IN_FLIGHT:
        return False
    _give_back_holds(reservation)
    reservation.status = ReservationStatus.RELEASED
    reservation.error_code = error_code[:64]
    reservation.save(update_fields=["status", "error_code", "updated_at"])
    _correct_stock(reservation.stock_id, remaining)
    barcodes = list(
        Ticket.objects.filter(reservation=reservation, status=TicketStatus.ISSUED).values_list(
            "barcode", flat=True
        )
    )
    if barcodes:
        outbox.queue_call(reservation.link, CallKind.CANCEL, {"barcodes": barcodes})
    logger.info("ticketing reservation %s released (%s)", reservation_id, error_code)
    return True


def cancel_tickets_of(booking: Booking) -> None:
    """The bookings cancellation listener (inside the cancelling transaction): queue cancelUrl with the
    booking's barcodes, and the CANCEL notification."""
    tickets = list(
        Ticket.objects.filter(booking=booking, status=TicketStatus.ISSUED).select_related("reservation")
    )
    if not tickets:
        return
    link = VenueProviderLink.objects.select_related("provider").get(pk=tickets[0].reservation.link_id)
    outbox.queue_call(link, CallKind.CANCEL, {"barcodes": [ticket.barcode for ticket in tickets]})
    outbox.queue_notification(link, booking, "CANCEL")


def stale_reservations(at: dt.datetime) -> list[int]:
    return list(
        TicketingReservation.objects.filter(status__in=IN_FLIGHT, created_at__lte=at - stale_after())
        .order_by("id")
        .values_list("id", flat=True)
    )
