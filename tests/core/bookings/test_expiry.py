import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer, expire_bookings
from passculture.core.credit.selectors import balance_of
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.models import Stock

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
DAY = dt.timedelta(days=1)


@pytest.fixture
def thing_stock():
    return ThingStockFactory(price_cents=25_00, quantity=10)


@pytest.fixture
def booking(beneficiary, thing_stock):
    return book_offer(beneficiary, thing_stock.pk)


def _reminders(booking) -> int:
    return OutboxEmail.objects.filter(kind__contains="reminder", related_id=str(booking.pk)).count()


def test_thing_booking_expires_30_days_after_booking(booking):
    at = NOW + 30 * DAY
    assert expire_bookings(at=at)["expired"] == 1
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason, booking.cancelled_at) == (
        BookingStatus.CANCELLED,
        CancellationReason.EXPIRED,
        at,
    )


def test_thing_booking_does_not_expire_before_30_days(booking):
    assert expire_bookings(at=NOW + 30 * DAY - dt.timedelta(seconds=1))["expired"] == 0
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_expiry_gives_credit_and_place_back(beneficiary, booking, thing_stock):
    expire_bookings(at=NOW + 30 * DAY)
    assert balance_of(beneficiary, at=NOW + 30 * DAY).remaining_cents == 300_00
    assert Stock.objects.get(pk=thing_stock.pk).booked_quantity == 0


def test_used_thing_booking_never_expires(booking):
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.USED, used_at=NOW + DAY)
    assert expire_bookings(at=NOW + 60 * DAY) == {"expired": 0, "reminded": 0}


def test_event_bookings_never_expire(beneficiary):
    booking = book_offer(beneficiary, StockFactory().pk)
    assert expire_bookings(at=NOW + 60 * DAY) == {"expired": 0, "reminded": 0}
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_expiry_reminder_is_sent_7_days_before(booking):
    assert expire_bookings(at=NOW + 23 * DAY - dt.timedelta(seconds=1))["reminded"] == 0
    at = NOW + 23 * DAY
    assert expire_bookings(at=at) == {"expired": 0, "reminded": 1}
    booking.refresh_from_db()
    assert booking.expiry_reminder_sent_at == at
    assert _reminders(booking) == 1


def test_expiry_reminder_is_sent_once(booking):
    expire_bookings(at=NOW + 23 * DAY)
    assert expire_bookings(at=NOW + 24 * DAY)["reminded"] == 0
    assert expire_bookings(at=NOW + 24 * DAY + dt.timedelta(hours=1))["reminded"] == 0
    assert _reminders(booking) == 1


def test_expiry_is_idempotent(booking):
    at = NOW + 31 * DAY
    expire_bookings(at=at)
    assert expire_bookings(at=at) == {"expired": 0, "reminded": 0}
