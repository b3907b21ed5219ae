import pytest
from django.db import IntegrityError, transaction

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(**fields):
    with transaction.atomic():
        return BookingFactory(**fields)


def test_database_refuses_a_second_active_booking_for_the_same_user_and_offer(db):
    first = _create()
    other_showtime = StockFactory(offer=first.offer)
    with pytest.raises(IntegrityError):
        _create(user=first.user, stock=other_showtime)


def test_database_allows_a_new_booking_next_to_cancelled_ones(db):
    user = UserFactory()
    stock = StockFactory()
    for _ in range(2):
        booking = _create(user=user, stock=stock)
        booking.mark_as_cancelled(booking.booked_at, "BENEFICIARY")
        booking.save()
    _create(user=user, stock=stock)
    assert Booking.objects.filter(user=user).count() == 3


def test_database_refuses_a_duplicate_token(db):
    first = _create()
    with pytest.raises(IntegrityError):
        _create(token=first.token)


def test_database_refuses_a_quantity_other_than_1_or_2(db):
    with pytest.raises(IntegrityError):
        _create(quantity=3)


def test_database_refuses_a_cancelled_booking_without_cancellation_date(db):
    booking = _create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)


def test_database_refuses_a_used_booking_without_use_date(db):
    booking = _create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.USED)


def test_qr_payload_of_a_booking_carries_its_countermark(db):
    booking = _create(token="ABC234")
    assert booking.qr_payload == "PASSCULTURE:v3;TOKEN:ABC234"


def test_total_amount_is_unit_amount_times_quantity(db):
    assert _create(amount_cents=650, quantity=2).total_amount_cents == 1300
