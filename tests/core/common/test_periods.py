"""Local calendar days as database filters: each venue's day on its own clock."""

import datetime as dt

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.common.periods import local_days_q, utc_bounds
from tests.conftest import utc

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def test_a_local_day_is_midnight_to_midnight_on_the_venues_clock():
    assert utc_bounds(DAY, DAY, "Europe/Paris") == (utc(2026, 3, 9, 23, 0), utc(2026, 3, 10, 23, 0))
    assert utc_bounds(DAY, DAY, "Indian/Reunion") == (utc(2026, 3, 9, 20, 0), utc(2026, 3, 10, 20, 0))


def test_open_ended_ranges_have_one_bound():
    assert utc_bounds(None, DAY, "Europe/Paris") == (None, utc(2026, 3, 10, 23, 0))
    assert utc_bounds(DAY, None, "Europe/Paris") == (utc(2026, 3, 9, 23, 0), None)


def test_the_same_utc_instant_falls_on_different_days_in_paris_and_reunion():
    at = utc(2026, 3, 10, 21, 0)  # 22:00 on the 10th in Paris, 01:00 on the 11th in Réunion
    paris = BookingFactory(booked_at=at, stock__offer__venue__timezone="Europe/Paris")
    BookingFactory(booked_at=at, stock__offer__venue__timezone="Indian/Reunion")
    q = local_days_q("booked_at", "venue__timezone", ["Europe/Paris", "Indian/Reunion"], DAY, DAY)
    assert list(Booking.objects.filter(q)) == [paris]


def test_no_known_timezone_matches_nothing():
    BookingFactory()
    assert not Booking.objects.filter(local_days_q("booked_at", "venue__timezone", [], DAY, DAY)).exists()
