"""Allociné and a booked showtime that moves (decision 0030).

The feed knows a showtime by its start (provider_ref): a showtime moved in the feed arrives as a new
one. When it is the only new showtime of its film and version that day, and the only booked one of them
gone, the booked stock moves to it and its bookings are told (allocine/moves.py); otherwise the booked
one is kept with an alert to the cinema (test_sync_shift.py has those cases). A booked showtime the pro
moved by hand is told once (update_stock), and the imports that follow (which keep the pro's start)
send nothing again."""

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


def test_a_showtime_moved_in_the_feed_within_its_day_moves_the_booking_and_tells_it_once(
    connected, allocine, booking
):
    moved = copy.deepcopy(NORMAL)
    moved["movieShowtimeList"]["edges"][0]["node"]["showtimes"][0]["startsAt"] = "2026-12-05T15:00:00"
    allocine.serve("P0001", moved)

    _sync(connected, allocine)
    _sync(connected, allocine)

    kept = Booking.objects.select_related("stock").get(pk=booking.pk)
    assert (kept.status, kept.stock_id, kept.stock.is_deleted) == ("CONFIRMED", booking.stock_id, False)
    assert kept.stock.beginning_datetime.astimezone(dt.UTC).isoformat() == "2026-12-05T14:00:00+00:00"
    assert OutboxEmail.objects.filter(kind=KIND).count() == 1
    assert not OutboxEmail.objects.filter(kind=ALERT_KIND).exists()
