"""Booking: book, cancel (beneficiary, offerer, expiry), validate at the counter, auto-validate.

Lock order, everywhere: stock -> booking row (when it exists) -> deposit. Every check that matters is
re-done after the locks are held, and the database refuses what Python might still get wrong
(CHECK constraints on stock and deposit, unique partial index on active bookings per offer).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from passculture.core.common import metrics, rows
from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import format_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit import services as credit_services
from passculture.core.credit.models import Debit
from passculture.core.finance import pricing as finance_pricing
from passculture.core.notifications import services as notifications
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.offers.exceptions import StockNotFound
from passculture.core.offers.models import Stock

from . import hooks, places, rules
from .constants import (
    AUTO_VALIDATION_DELAY,
    AUTO_VALIDATOR_LABEL,
    CANCELLATION_MESSAGE_MAX_LENGTH,
    THING_EXPIRY_DELAY,
    THING_EXPIRY_REMINDER_BEFORE,
    BookingStatus,
    CancellationReason,
    CounterChannel,
    CounterResult,
)
from .exceptions import (
    AlreadyBooked,
    BookingAlreadyUsed,
    BookingCancelled,
    BookingNotCancellable,
    BookingNotFound,
    BookingNotUsed,
    BookingNotYetValidatable,
    BookingOfAnotherOfferer,
    BookingReimbursed,
    CancellationLimitPassed,
    CancellationMessageTooLong,
    CountermarkNotFound,
)
from .models import Booking, CounterAttempt
from .validation import check_booking, check_is_beneficiary

logger = logging.getLogger(__name__)
TOKEN_ATTEMPTS = 10


# --- Booking -----------------------------------------------------------------------------------


@metrics.counts_bookings
def book_offer(user, stock_id: int, quantity: int = 1, *, at: dt.datetime | None = None) -> Booking:
    """Books `quantity` places of a stock for a beneficiary, under locks (stock, then deposit). A stock
    sold through a cinema's ticketing system is booked there first (hooks, decision 0029); whether its
    venue may be is read in the same statement as the stock (decision 0040)."""
    read = places.read_stock(stock_id, user, at or utcnow())
    booking = hooks.book_externally(user, stock_id, quantity, at=at, skip=read.skip)
    if booking is not None:
        return booking
    return book_locally(user, stock_id, quantity, at=at, read=read)


def book_locally(
    user,
    stock_id: int,
    quantity: int = 1,
    *,
    at: dt.datetime | None = None,
    before_notify=None,
    read: places.StockRead | None = None,
) -> Booking:
    """`before_notify(booking)` runs in the booking's transaction before the emails are queued. `read`:
    what `places.read_stock` just read, else it is read here."""
    for attempt in range(TOKEN_ATTEMPTS):
        if attempt or read is None:
            read = places.read_stock(stock_id, user, at or utcnow())
        if places.may_refuse_unlocked(read, quantity):
            # Refused without a transaction nor a lock: the checks on what was just read say why, in
            # their usual order, the first being that the person is a beneficiary (a refusal changes
            # nothing, so no lock is needed to be right about it: it is right as of the read). A person
            # who already booked the offer, or whose credit is short of its price, no longer takes the
            # stock row's lock just to be told so (decision 0045).
            places.refuse_unlocked(user, read, quantity)
        token = rules.generate_token()
        try:
            return _book_offer(
                user, stock_id, quantity, read, at=at, token=token, before_notify=before_notify
            )
        except _BookingRowRefused as exc:
            # Told apart once the transaction (or its savepoint) is rolled back: no savepoint around the
            # INSERT, two round trips less while the stock row is locked.
            if not Booking.objects.filter(token=token).exists():
                raise AlreadyBooked() from exc.__cause__
    raise DomainError(
        "Impossible de générer une contremarque unique, réessayez.", code="TOKEN_GENERATION_FAILED"
    )


class _BookingRowRefused(Exception):
    """The booking's INSERT broke a unique index: its countermark, or one active booking per offer."""


@transaction.atomic
def _book_offer(
    user,
    stock_id: int,
    quantity: int,
    read: places.StockRead,
    *,
    at: dt.datetime | None,
    token: str,
    before_notify=None,
) -> Booking:
    """Only what the rules need happens here, while the stock row is locked: the locks, the checks and
    the rows (booking, stock and deposit counters, debits, audit entry, the outbox rows that say which
    emails to build after the commit). `read`: what `places.read_stock` read just before, without a
    lock; whether the person already booked the offer comes from it (a second booking that commits
    meanwhile is refused by the unique index, with the same code)."""
    check_is_beneficiary(user)
    places_taken = places.take_places(read.stock, quantity)
    stock = read.stock
    if not places_taken:
        stock = lock(Stock.objects.select_related(*places.STOCK_FOR_BOOKING)).filter(pk=stock_id).first()
    if stock is None:
        raise StockNotFound()
    offer = stock.offer
    # Every credit of the beneficiary (two under the 2025 policy), locked in id order after the stock.
    deposits = credit_services.lock_deposits(user)
    # The clock is read once the locks are held: a long wait must not book a started show nor spend a
    # credit that expired meanwhile.
    at = at or utcnow()
    total = stock.price_cents * quantity
    # The same checks, in the same order, as the pages that tell the person beforehand (selectors). The
    # row's fields read before its lock are those the conditional UPDATE found unchanged under the lock.
    plan = check_booking(
        user,
        stock,
        quantity,
        deposits=deposits,
        already_booked=lambda: read.already_booked,
        at=at,
        places_taken=places_taken,
    )
    if not places_taken:
        Stock.objects.filter(pk=stock.pk).update(booked_quantity=F("booked_quantity") + quantity)
    booking = Booking(
        user=user,
        # The deposit that pays first (the one it was made under, for a free booking).
        deposit=plan[0][0],
        stock=stock,
        offer=offer,
        venue=offer.venue,
        offerer=offer.venue.offerer,
        quantity=quantity,
        amount_cents=stock.price_cents,
        price_category_label=stock.price_category.label.label if stock.price_category else "",
        is_digital=offer.is_digital,
        token=token,
        booked_at=at,
        cancellation_limit_datetime=rules.cancellation_limit(at, stock.beginning_datetime),
    )
    try:
        rows.insert(connection, [booking])
    except IntegrityError as exc:
        raise _BookingRowRefused() from exc
    # The debits, the audit entry and the outbox rows need the booking's key, and nothing reads them
    # back before the commit: one statement (decision 0043).
    writes = rows.Writes(connection)
    credit_services.debit(booking, plan, is_digital=offer.is_digital, writes=writes)
    # In the transaction: the audit log never misses a booking that happened.
    log_action(
        "booking.created",
        writes=writes,
        actor=user,
        target=booking,
        data={"stock_id": stock.pk, "quantity": quantity, "total_cents": total},
    )
    if before_notify is not None:
        writes.execute()  # it sees the booking as written
        before_notify(booking)
    # Small outbox rows only: the emails are built by whoever delivers them, after the commit.
    notifications.notify_booking_confirmed(booking, has_push_device=read.has_push_device, writes=writes)
    writes.execute()
    return booking


# --- Cancellation ------------------------------------------------------------------------------


def _lock_booking(**filters) -> Booking | None:
    # The stock first, like book_offer and delete_stock/update_stock (which lock the stock, then its
    # bookings): locking the booking first would deadlock with a deletion of its showtime.
    stock_id = Booking.objects.filter(**filters).values_list("stock_id", flat=True).first()
    if stock_id is None:
        return None
    lock(Stock.objects.filter(pk=stock_id)).first()
    return lock(Booking.objects.select_related("stock", "offer", "venue", "user")).filter(**filters).first()


def lock_stocks_of(booking_ids) -> None:
    """Locks the stocks of these bookings, in id order, before one transaction cancels them one after the
    other. Each cancellation locks the beneficiary's deposits after its stock: taking the next stock while
    holding the deposits would invert the order of a concurrent booking (stock, then deposit) and
    deadlock with it."""
    stock_ids = Booking.objects.filter(pk__in=list(booking_ids)).values_list("stock_id", flat=True)
    list(lock(Stock.objects.filter(pk__in=set(stock_ids)).order_by("pk")).values_list("pk", flat=True))


def _cancel_locked(
    booking: Booking,
    reason: CancellationReason,
    at: dt.datetime,
    *,
    actor=None,
    actor_label: str = "",
    message: str = "",
) -> Booking:
    """Cancels a booking whose row is locked: frees the places, gives the credit back, tells both sides.
    `message` is the offerer's own words to the beneficiary, if any."""
    lock(Stock.objects.filter(pk=booking.stock_id)).get()
    Stock.objects.filter(pk=booking.stock_id).update(booked_quantity=F("booked_quantity") - booking.quantity)
    credit_services.refund(booking)
    if booking.status == BookingStatus.USED:
        # Last in the lock order (after the deposit): un-prices it, refuses if already in a batch.
        finance_pricing.unprice_booking(booking)
    booking.mark_as_cancelled(at, reason)
    booking.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
    log_action(
        "booking.cancelled",
        actor=actor,
        actor_label=actor_label,
        target=booking,
        data={"reason": reason, "token": booking.token, **({"message": message} if message else {})},
    )
    hooks.booking_cancelled(booking)
    notifications.notify_booking_cancelled(booking, message=message)
    return booking


def _clean_cancellation_message(text: str) -> str:
    # A NUL or control character: PostgreSQL refuses it in the audit log's JSON (the email would carry it).
    text = check_text((text or "").strip(), multiline=True)
    if len(text) > CANCELLATION_MESSAGE_MAX_LENGTH:
        raise CancellationMessageTooLong()
    return text


def _check_status(
    booking: Booking,
    expected: BookingStatus,
    *,
    used: DomainError | None = None,
    reimbursed: DomainError | None = None,
) -> None:
    """Refuses an operation that needs the booking in the `expected` status, with the error matching its
    actual status. `used`/`reimbursed` replace the default error where the wording depends on the operation."""
    if booking.status == expected:
        return
    if booking.status == BookingStatus.CANCELLED:
        raise BookingCancelled()
    if booking.status == BookingStatus.REIMBURSED:
        raise reimbursed or BookingReimbursed()
    if booking.status == BookingStatus.USED:
        raise used or BookingAlreadyUsed()
    raise BookingNotUsed()


@transaction.atomic
def cancel_booking_by_beneficiary(user, booking_id: int, *, at: dt.datetime | None = None) -> Booking:
    booking = _lock_booking(pk=booking_id, user=user)
    if booking is None:
        raise BookingNotFound()
    at = at or utcnow()
    already_used = BookingNotCancellable(
        "Cette réservation a déjà été utilisée : elle ne peut plus être annulée."
    )
    _check_status(booking, BookingStatus.CONFIRMED, used=already_used, reimbursed=already_used)
    limit = booking.cancellation_limit_datetime
    # A booking made 48 h or less before the show is final from the moment it was made (limit = booked_at).
    if limit is not None and (at > limit or limit <= booking.booked_at):
        raise CancellationLimitPassed()
    return _cancel_locked(booking, CancellationReason.BENEFICIARY, at, actor=user)


def _check_offerer_may_cancel(booking: Booking) -> None:
    _check_status(
        booking,
        BookingStatus.CONFIRMED,
        used=BookingAlreadyUsed("Cette réservation a été validée : elle ne peut plus être annulée."),
    )


@transaction.atomic
def cancel_booking_by_offerer(
    actor: "CounterActor",
    booking_id: int,
    *,
    at: dt.datetime | None = None,
    reason: CancellationReason = CancellationReason.OFFERER,
    reason_text: str = "",
) -> Booking:
    """The pro may cancel any booking not yet used; the beneficiary is told why, in the pro's own words
    (`reason_text`) when given."""
    message = _clean_cancellation_message(reason_text)
    booking = _lock_booking(pk=booking_id)
    if booking is None:
        raise BookingNotFound()
    actor.check_offerer(booking)
    _check_offerer_may_cancel(booking)
    return _cancel_locked(
        booking, reason, at or utcnow(), actor=actor.user, actor_label=actor.label, message=message
    )


def cancel_bookings_of_deleted_stock(
    stock, *, actor=None, at: dt.datetime | None = None, message: str = ""
) -> int:
    """Called by offers.services.delete_stock inside its transaction (stock already locked). `message`:
    the cinema's words to the beneficiaries, in their cancellation email."""
    message = _clean_cancellation_message(message)
    at = at or utcnow()
    cancelled = 0
    bookings = list(
        lock(Booking.objects.select_related("offer", "venue", "user", "stock"))
        .filter(stock=stock, status=BookingStatus.CONFIRMED)
        .order_by("id")
    )
    # Every deposit the refunds touch, locked at once in ascending id order (a booking may have been
    # paid by two): two deletions sharing beneficiaries take those locks in the same order.
    credit_services.lock_deposits_by_id(
        Debit.objects.filter(booking__in=bookings).values_list("deposit_id", flat=True)
    )
    for booking in bookings:
        _cancel_locked(booking, CancellationReason.OFFERER, at, actor=actor, message=message)
        cancelled += 1
    return cancelled


# --- Counter (guichet) ---------------------------------------------------------------------------


@dataclass
class CounterActor:
    """Who is at the counter: a pro user, or ticketing software with an offerer's API key."""

    offerer_ids: set[int]
    user: Any = None
    label: str = ""
    device: str = ""
    ip_address: str | None = None
    extra: dict = field(default_factory=dict)
    channel: str = CounterChannel.COUNTER
    api_key_prefix: str = ""

    @classmethod
    def for_user(cls, user, *, device: str = "", ip_address: str | None = None) -> "CounterActor":
        return cls(
            offerer_ids=validated_offerer_ids_of(user),
            user=user,
            label=getattr(user, "email", ""),
            device=device,
            ip_address=ip_address,
        )

    def check_offerer(self, booking: Booking) -> None:
        if booking.offerer_id not in self.offerer_ids:
            raise BookingOfAnotherOfferer()


def _record_attempt(
    actor: CounterActor,
    token: str,
    action: str,
    booking: Booking | None,
    result: CounterResult,
    error_code: str = "",
) -> None:
    CounterAttempt.objects.create(
        # Whatever was typed or sent, even a NUL byte that PostgreSQL refuses in text: the log keeps a trace.
        token=token[:64].replace("\x00", "\ufffd"),
        booking=booking,
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label[:100],
        action=action,
        result=result,
        error_code=error_code,
        device=actor.device[:255],
        ip_address=actor.ip_address,
        channel=actor.channel,
        api_key_prefix=actor.api_key_prefix[:12],
    )
    metrics.counter_attempt(actor.channel, action, result)


INTERNAL_ERROR_CODE = "INTERNAL_ERROR"


def _record_refusal(
    actor: CounterActor, raw_token: str, action: str, booking_ref: list[Booking], error_code: str
) -> None:
    booking = booking_ref[0] if booking_ref else None
    # Never log a booking that is not the actor's: the attempt row would link to it.
    safe = booking if booking is not None and booking.offerer_id in actor.offerer_ids else None
    if error_code != INTERNAL_ERROR_CODE:
        _record_attempt(actor, raw_token or "", action, safe, CounterResult.REFUSED, error_code)
        return
    # After a crash, logging the attempt must neither hide the original error nor break the caller's
    # transaction: its own savepoint, and a failure here is only logged.
    try:
        with transaction.atomic():
            _record_attempt(actor, raw_token or "", action, safe, CounterResult.REFUSED, error_code)
    except Exception:
        logger.exception("counter attempt %s could not be logged after an internal error", action)


def record_refused_attempt(actor: CounterActor, raw_token: str, action: str, error_code: str) -> None:
    """Logs an attempt refused before any counter service ran (bad credentials, rate limit of the
    ticketing API): the scan log holds every call. Never linked to a booking: nobody looked it up."""
    _record_attempt(actor, raw_token or "", action, None, CounterResult.REFUSED, error_code)


def _with_attempt_log(action: str, success: CounterResult):
    """Runs a counter operation in its own transaction and logs the attempt whatever the outcome."""

    def decorator(func):
        def wrapper(actor: CounterActor, raw_token: str, *args, **kwargs):
            booking_ref: list[Booking] = []
            try:
                with transaction.atomic():
                    token = rules.normalize_token(raw_token)
                    result = func(actor, token, booking_ref, *args, **kwargs)
            except DomainError as error:
                _record_refusal(actor, raw_token, action, booking_ref, error.code)
                raise
            except Exception:
                # A crash is an attempt too: the counter's history must show it, not only the logs.
                _record_refusal(actor, raw_token, action, booking_ref, INTERNAL_ERROR_CODE)
                raise
            _record_attempt(actor, raw_token, action, result, success)
            return result

        wrapper.__name__ = func.__name__
        wrapper.__doc__ = func.__doc__
        return wrapper

    return decorator


def _find_for_counter(actor: CounterActor, token: str, ref: list[Booking]) -> Booking:
    booking = _lock_booking(token=token)
    if booking is None:
        raise CountermarkNotFound()
    ref.append(booking)
    actor.check_offerer(booking)
    return booking


def _check_validatable(booking: Booking, at: dt.datetime) -> None:
    _check_status(booking, BookingStatus.CONFIRMED)
    limit = rules.counter_validatable_from(
        booking.cancellation_limit_datetime, booking.stock.beginning_datetime
    )
    if limit is not None and at < limit:
        when = format_local(limit, booking.venue.timezone)
        raise BookingNotYetValidatable(
            f"Cette réservation est encore annulable par le bénéficiaire : "
            f"vous pourrez la valider à partir du {when}."
        )


@_with_attempt_log("check", CounterResult.CHECKED)
def check_countermark(
    actor: CounterActor, token: str, ref: list, *, at: dt.datetime | None = None
) -> Booking:
    """What the counter shows before validating: the booking if it can be validated now, else why not."""
    booking = _find_for_counter(actor, token, ref)
    _check_validatable(booking, at or utcnow())
    return booking


@_with_attempt_log("use", CounterResult.VALIDATED)
def validate_countermark(
    actor: CounterActor, token: str, ref: list, *, at: dt.datetime | None = None
) -> Booking:
    booking = _find_for_counter(actor, token, ref)
    at = at or utcnow()
    _check_validatable(booking, at)
    booking.mark_as_used(at, by=actor.user if getattr(actor.user, "pk", None) else None, label=actor.label)
    booking.save(update_fields=["status", "used_at", "validated_by", "validated_by_label"])
    log_action(
        "booking.used",
        actor=actor.user,
        actor_label=actor.label,
        target=booking,
        data={"token": booking.token, "device": actor.device},
    )
    return booking


@_with_attempt_log("keep", CounterResult.UNDONE)
def undo_validation(actor: CounterActor, token: str, ref: list, *, at: dt.datetime | None = None) -> Booking:
    """Gives a validated booking back its CONFIRMED status while it is not reimbursed."""
    booking = _find_for_counter(actor, token, ref)
    _check_status(booking, BookingStatus.USED)
    finance_pricing.unprice_booking(booking)  # refuses once the booking is in a payment batch
    booking.mark_as_unused()
    booking.save(update_fields=["status", "used_at", "validated_by", "validated_by_label"])
    log_action(
        "booking.unused",
        actor=actor.user,
        actor_label=actor.label,
        target=booking,
        data={"token": booking.token},
    )
    return booking


@_with_attempt_log("check", CounterResult.CHECKED)
def check_cancellable_countermark(
    actor: CounterActor, token: str, ref: list, *, at: dt.datetime | None = None
) -> Booking:
    """The confirmation step of a cancellation at the counter: the booking if the offerer may cancel it
    (cancel_countermark's own checks), else why not."""
    booking = _find_for_counter(actor, token, ref)
    _check_offerer_may_cancel(booking)
    return booking


@_with_attempt_log("cancel", CounterResult.CANCELLED)
def cancel_countermark(
    actor: CounterActor, token: str, ref: list, *, at: dt.datetime | None = None, reason_text: str = ""
) -> Booking:
    """Cancellation by the offerer from the counter or the ticketing API (optional words to the beneficiary)."""
    message = _clean_cancellation_message(reason_text)
    booking = _find_for_counter(actor, token, ref)
    _check_offerer_may_cancel(booking)
    return _cancel_locked(
        booking,
        CancellationReason.OFFERER,
        at or utcnow(),
        actor=actor.user,
        actor_label=actor.label,
        message=message,
    )


# --- Jobs --------------------------------------------------------------------------------------

BATCH_SIZE = 500


def auto_validate_bookings(at: dt.datetime | None = None) -> dict:
    """Event bookings still CONFIRMED 48 h after the start become USED (validated by "auto")."""
    at = at or utcnow()
    threshold = at - AUTO_VALIDATION_DELAY
    validated = 0
    while True:
        with transaction.atomic():
            batch = list(
                lock(Booking.objects.all(), skip_locked=True)
                .filter(
                    status=BookingStatus.CONFIRMED,
                    stock__beginning_datetime__isnull=False,
                    stock__beginning_datetime__lte=threshold,
                )
                .order_by("id")[:BATCH_SIZE]
            )
            for booking in batch:
                booking.mark_as_used(at, label=AUTO_VALIDATOR_LABEL)
            Booking.objects.bulk_update(batch, ["status", "used_at", "validated_by", "validated_by_label"])
            if batch:
                log_action(
                    "booking.auto_validated",
                    actor_label=AUTO_VALIDATOR_LABEL,
                    data={"booking_ids": [b.pk for b in batch]},
                )
        validated += len(batch)
        if len(batch) < BATCH_SIZE:
            return {"validated": validated}


def expire_bookings(at: dt.datetime | None = None) -> dict:
    """Unused bookings of things are cancelled (EXPIRED) 30 days after booking; reminder 7 days before."""
    at = at or utcnow()
    expired = reminded = 0
    things = Booking.objects.filter(status=BookingStatus.CONFIRMED, stock__beginning_datetime__isnull=True)
    for booking_id in things.filter(booked_at__lte=at - THING_EXPIRY_DELAY).values_list("id", flat=True):
        with transaction.atomic():
            booking = _lock_booking(pk=booking_id, status=BookingStatus.CONFIRMED)
            if booking is not None:  # someone validated or cancelled it meanwhile
                _cancel_locked(booking, CancellationReason.EXPIRED, at, actor_label="expiry")
                expired += 1
    reminder_threshold = at - (THING_EXPIRY_DELAY - THING_EXPIRY_REMINDER_BEFORE)
    for booking_id in things.filter(
        booked_at__lte=reminder_threshold,
        booked_at__gt=at - THING_EXPIRY_DELAY,
        expiry_reminder_sent_at__isnull=True,
    ).values_list("id", flat=True):
        with transaction.atomic():
            booking = _lock_booking(
                pk=booking_id, status=BookingStatus.CONFIRMED, expiry_reminder_sent_at__isnull=True
            )
            if booking is not None:
                booking.expiry_reminder_sent_at = at
                booking.save(update_fields=["expiry_reminder_sent_at"])
                notifications.notify_booking_expiry_reminder(booking)
                reminded += 1
    return {"expired": expired, "reminded": reminded}
