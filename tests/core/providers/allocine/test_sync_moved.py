"""Allociné and a booked showtime that moves (decision 0030).

The feed knows a showtime by its start (provider_ref): a showtime moved in the feed arrives as a new
one, and the booked old one is kept with an alert to the cinema; its bookings' show did not change, so
nobody is told of a move. A booked showtime the pro moved by hand is told once (update_stock), and the
imports that follow (which keep the pro's start) send nothing again."""

import copy
import datetime as dt

import pytest

from passculture.core.bookings import services as bookings
from passculture.core.bookings.models import Booking
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.models import Offer
from passculture.core.offers.services import update_stock
from passculture.core.providers.allocine.sync import ALERT_KIND
from tests.core.providers.allocine.test_sync import (
    NORMAL,
    NOW,
    VOYAGEURS,
    Allocine,
    _connect,
    _live_stocks,
    _sync,
)

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
KIND = "showtime_moved_beneficiary"


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


@pytest.fixture
def connected(venue, allocine):
    allocine.serve("P0001", NORMAL)
    return _connect(venue)


@pytest.fixture
def booking(connected, allocine, beneficiary):
    _sync(connected, allocine)
    stock = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))[0]
    return bookings.book_offer(beneficiary, stock.pk, 1)


def test_a_showtime_the_pro_moved_by_hand_is_told_once_whatever_the_imports(connected, allocine, booking):
    stock = booking.stock
    new_start = stock.beginning_datetime + 30 * H
    update_stock(stock.pk, beginning=new_start)

    _sync(connected, allocine)  # the feed still lists it at its old time
    connected.price_cents = 900  # a change of the settings makes the import rewrite its showtimes
    connected.save()
    _sync(connected, allocine)

    [email] = OutboxEmail.objects.filter(kind=KIND)
    assert email.to == [booking.user.email]
    stock.refresh_from_db()
    assert stock.beginning_datetime == new_start
    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == NOW + 48 * H


def test_a_showtime_moved_in_the_feed_keeps_the_booked_one_and_alerts_the_cinema(
    connected, allocine, booking
):
    before = booking.stock.beginning_datetime
    moved = copy.deepcopy(NORMAL)
    moved["movieShowtimeList"]["edges"][0]["node"]["showtimes"][0]["startsAt"] = "2026-12-05T15:00:00"
    allocine.serve("P0001", moved)

    _sync(connected, allocine)
    _sync(connected, allocine)

    kept = Booking.objects.select_related("stock").get(pk=booking.pk)
    assert (kept.status, kept.stock.beginning_datetime, kept.stock.is_deleted) == ("CONFIRMED", before, False)
    assert kept.cancellation_limit_datetime == booking.cancellation_limit_datetime
    assert not OutboxEmail.objects.filter(kind=KIND).exists()
    assert OutboxEmail.objects.filter(kind=ALERT_KIND).count() == 1
