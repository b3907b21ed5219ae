"""A crash at each step of a booking through the cinema's system, then the recovery job: no orphan
ticket in the cinema's system, no credit lost, no seat counted twice (decision 0029).

A crash is a BaseException that no `except Exception` catches: the process dies there, and only what
was committed remains (in these tests, what the savepoints kept)."""

import datetime as dt

import pytest
from django.db.models import Sum

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow
from passculture.core.credit.models import Debit, Deposit
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.ticketing import client, external_bookings, outbox
from passculture.core.providers.ticketing.models import (
    IN_FLIGHT,
    ReservationStatus,
    Ticket,
    TicketingReservation,
    TicketStatus,
)

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    pass


def crash(*args, **kwargs):
    raise Crash()


def _later() -> dt.datetime:
    return utcnow() + external_bookings.stale_after() + dt.timedelta(minutes=10)


def assert_consistent(cinema, beneficiary) -> None:
    kept = set(
        Ticket.objects.filter(
            booking__status=BookingStatus.CONFIRMED, status=TicketStatus.ISSUED
        ).values_list("barcode", flat=True)
    )
    assert cinema.active_barcodes() == kept, "a ticket is alive there without a booking here (or the reverse)"
    assert not TicketingReservation.objects.filter(status__in=IN_FLIGHT).exists()
    confirmed = Booking.objects.filter(stock=cinema.stock, status=BookingStatus.CONFIRMED)
    booked = confirmed.aggregate(n=Sum("quantity"))["n"] or 0
    assert Stock.objects.get(pk=cinema.stock.pk).booked_quantity == booked
    assert cinema.remote()["capacity"] - cinema.remote()["remainingQuantity"] == booked
    spent = Deposit.objects.filter(user=beneficiary).aggregate(s=Sum("spent_cents"))["s"]
    debited = Debit.objects.filter(booking__in=confirmed).aggregate(s=Sum("amount_cents"))["s"] or 0
    assert spent == debited


def _book_and_crash(cinema, beneficiary) -> None:
    with pytest.raises(Crash):
        booking_services.book_offer(beneficiary, cinema.stock.pk)


def test_crash_before_the_call(cinema, beneficiary, monkeypatch):
    monkeypatch.setattr(client, "book", crash)
    _book_and_crash(cinema, beneficiary)
    reservation = TicketingReservation.objects.get()
    assert reservation.status == ReservationStatus.RESERVED
    # Meanwhile the seats and the credit are held: they cannot be spent twice.
    assert Stock.objects.get(pk=cinema.stock.pk).booked_quantity == 1
    assert Deposit.objects.get(user=beneficiary).spent_cents == 800

    outbox.recover(at=utcnow())  # too early: the call may still be running
    assert TicketingReservation.objects.get().status == ReservationStatus.RESERVED
    assert outbox.recover(at=_later())["released"] == 1

    assert_consistent(cinema, beneficiary)
    monkeypatch.undo()
    assert booking_services.book_offer(beneficiary, cinema.stock.pk).status == BookingStatus.CONFIRMED
    assert_consistent(cinema, beneficiary)


def test_crash_after_the_call_before_confirming(cinema, beneficiary, monkeypatch):
    monkeypatch.setattr(external_bookings, "_confirm", crash)
    _book_and_crash(cinema, beneficiary)
    assert TicketingReservation.objects.get().status == ReservationStatus.ISSUED
    assert len(cinema.active_barcodes()) == 1  # issued there, no booking here

    result = outbox.recover(at=_later())

    assert result["released"] == 1 and result["sent"] == 1
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    assert_consistent(cinema, beneficiary)


def test_crash_during_confirm(cinema, beneficiary, monkeypatch):
    # Inside the confirming transaction, after the booking and its debit were written.
    monkeypatch.setattr(booking_services.notifications, "notify_booking_confirmed", crash)
    _book_and_crash(cinema, beneficiary)
    assert not Booking.objects.exists()  # rolled back with everything else of the transaction
    assert TicketingReservation.objects.get().status == ReservationStatus.ISSUED

    outbox.recover(at=_later())

    assert_consistent(cinema, beneficiary)


def test_confirm_refused_releases_at_once_and_cancels_the_ticket(cinema, beneficiary, monkeypatch):
    real_book = client.book

    def book_then_offer_deactivated(link, payload):
        answer = real_book(link, payload)
        Offer.objects.filter(pk=cinema.stock.offer_id).update(is_active=False)
        return answer

    monkeypatch.setattr(client, "book", book_then_offer_deactivated)
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert exc.value.code == "OFFER_INACTIVE"
    assert TicketingReservation.objects.get().error_code == "OFFER_INACTIVE"
    assert len(cinema.active_barcodes()) == 1  # the cancellation is queued, not yet sent

    outbox.recover()

    assert_consistent(cinema, beneficiary)


def test_crash_while_releasing(cinema, beneficiary, monkeypatch):
    cinema.server.state.set_faults(fail_next=1)  # a 500 answer: the reservation is released...
    monkeypatch.setattr(external_bookings, "release", crash)  # ...but the process dies doing it
    _book_and_crash(cinema, beneficiary)
    monkeypatch.undo()
    assert TicketingReservation.objects.get().status == ReservationStatus.RESERVED

    outbox.recover(at=_later())

    assert_consistent(cinema, beneficiary)


def test_crash_during_the_cancellation_call(cinema, beneficiary, monkeypatch):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    monkeypatch.setattr(client, "cancel", crash)
    with pytest.raises(Crash):
        outbox.recover()
    monkeypatch.undo()
    assert len(cinema.active_barcodes()) == 1

    outbox.recover()  # the claim of the crashed attempt holds it a few minutes
    assert len(cinema.active_barcodes()) == 1
    outbox.recover(at=utcnow() + outbox.CLAIM_LEASE + dt.timedelta(seconds=1))

    assert_consistent(cinema, beneficiary)
    assert Ticket.objects.get().status == TicketStatus.CANCELLED


def test_a_late_confirmation_after_the_recovery_released_it(cinema, beneficiary, monkeypatch):
    """The request was only slow: the job released its reservation and cancelled its ticket meanwhile."""
    real_book = client.book

    def slow_book(link, payload):
        answer = real_book(link, payload)
        external_bookings._record_tickets(TicketingReservation.objects.get().pk, answer.tickets)
        outbox.recover(at=_later())
        return answer

    monkeypatch.setattr(client, "book", slow_book)
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert exc.value.code == "TICKETING_UNAVAILABLE"
    assert_consistent(cinema, beneficiary)


def test_tickets_of_a_cancelled_booking_whose_call_was_never_queued_are_found(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    # Cancelled by a path that bypassed the listener (a data fix, a future service).
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.CANCELLED, cancelled_at=utcnow(), cancellation_reason="OFFERER"
    )
    Stock.objects.filter(pk=cinema.stock.pk).update(booked_quantity=0)
    Deposit.objects.filter(user=beneficiary).update(spent_cents=0)

    assert outbox.recover()["orphans_queued"] == 1

    assert_consistent(cinema, beneficiary)
