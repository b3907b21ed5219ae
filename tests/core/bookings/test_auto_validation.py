import datetime as dt

import pytest

from passculture.core.bookings import services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import (
    auto_validate_bookings,
    book_offer,
    cancel_booking_by_beneficiary,
)
from passculture.core.common.models import AuditLog
from passculture.core.offers.factories import StockFactory, ThingStockFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)
START = NOW + 5 * 24 * H


@pytest.fixture
def booking(beneficiary):
    return book_offer(beneficiary, StockFactory(beginning_datetime=START).pk)


def _status(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


def test_event_booking_is_auto_validated_48h_after_event_start(booking):
    at = START + 48 * H
    assert auto_validate_bookings(at=at) == {"validated": 1}
    booking.refresh_from_db()
    assert (booking.status, booking.used_at) == (BookingStatus.USED, at)


def test_event_booking_is_not_auto_validated_before_48h_after_start(booking):
    assert auto_validate_bookings(at=START + 48 * H - dt.timedelta(seconds=1)) == {"validated": 0}
    assert _status(booking) == BookingStatus.CONFIRMED


def test_auto_validation_is_labelled_auto(booking):
    auto_validate_bookings(at=START + 48 * H)
    booking.refresh_from_db()
    assert (booking.validated_by, booking.validated_by_label) == (None, "auto")
    entry = AuditLog.objects.get(action="booking.auto_validated")
    assert (entry.actor_label, entry.data["booking_ids"]) == ("auto", [booking.pk])


def test_auto_validation_is_idempotent(booking):
    first = START + 48 * H
    auto_validate_bookings(at=first)
    assert auto_validate_bookings(at=first + H) == {"validated": 0}
    assert Booking.objects.get(pk=booking.pk).used_at == first


def test_auto_validation_leaves_cancelled_and_already_used_bookings_alone(beneficiary, booking):
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    used = book_offer(beneficiary, StockFactory(beginning_datetime=START).pk)
    Booking.objects.filter(pk=used.pk).update(
        status=BookingStatus.USED, used_at=START, validated_by_label="x"
    )
    assert auto_validate_bookings(at=START + 72 * H) == {"validated": 0}
    assert _status(booking) == BookingStatus.CANCELLED
    assert Booking.objects.get(pk=used.pk).validated_by_label == "x"


def test_thing_bookings_are_never_auto_validated(beneficiary):
    booking = book_offer(beneficiary, ThingStockFactory().pk)
    assert auto_validate_bookings(at=NOW + 20 * 24 * H) == {"validated": 0}
    assert _status(booking) == BookingStatus.CONFIRMED


def test_auto_validation_processes_every_batch(beneficiary, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    stock = StockFactory(beginning_datetime=START)
    BookingFactory.create_batch(5, stock=stock)
    assert auto_validate_bookings(at=START + 48 * H) == {"validated": 5}
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()
