""" "Dernières places": soon showtimes near a place with fewer than 10 places left, one per film."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.search import Position, last_seats
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)
LYON = Position(45.7640, 4.8357, "Lyon (69001)")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def lyon_venue(**kwargs):
    return VenueFactory(
        **{"postal_code": "69002", "city": "Lyon", "latitude": "45.757800", "longitude": "4.832000", **kwargs}
    )


def showtime(venue, hours=5, quantity=100, booked=0, film=None, **kwargs):
    start = NOW + dt.timedelta(hours=hours)
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue, film=film)
    return StockFactory(
        offer=offer,
        beginning_datetime=start,
        booking_limit_datetime=start,
        quantity=quantity,
        booked_quantity=booked,
        **kwargs,
    )


def test_keeps_soon_showtimes_with_one_to_nine_places_left_near_the_place():
    venue = lyon_venue()
    nine_left = showtime(venue, hours=6, quantity=100, booked=91)
    one_left = showtime(venue, hours=3, quantity=5, booked=4)
    showtime(venue, hours=2, quantity=100, booked=90)  # 10 left: not the last places
    showtime(venue, hours=4, quantity=5, booked=5)  # sold out
    showtime(venue, hours=4, quantity=None)  # unlimited
    showtime(venue, hours=50, quantity=5, booked=3)  # beyond 48 hours
    showtime(VenueFactory(), hours=3, quantity=5, booked=3)  # Paris, 390 km away

    found = last_seats(LYON, at=NOW, radius_km=20)

    assert [(s.stock_id, s.remaining) for s in found] == [(one_left.pk, 1), (nine_left.pk, 9)]
    assert found[0].distance_km == pytest.approx(0.9, abs=0.2)


def test_one_showtime_per_film_the_soonest():
    film = FilmFactory(title="Orbite basse")
    first, second = lyon_venue(), lyon_venue(name="Autre salle")
    soonest = showtime(first, hours=3, quantity=10, booked=5, film=film)
    showtime(second, hours=4, quantity=10, booked=5, film=film)

    found = last_seats(LYON, at=NOW, radius_km=20)

    assert [s.stock_id for s in found] == [soonest.pk]
    assert found[0].title == "Orbite basse"


def test_nationwide_without_a_position_and_hidden_offers_left_out():
    paris = showtime(VenueFactory(), hours=3, quantity=5, booked=2)
    showtime(VenueFactory(), hours=3, quantity=5, booked=2, offer=OfferFactory(is_active=False))

    assert [s.stock_id for s in last_seats(None, at=NOW, radius_km=20)] == [paris.pk]


def test_nothing_in_the_circle_costs_one_query():
    with CaptureQueriesContext(connection) as queries:
        assert last_seats(LYON, at=NOW, radius_km=5) == []
    assert len(queries) == 1


def test_the_number_of_queries_does_not_grow_with_the_films():
    venue = lyon_venue()
    for _ in range(8):
        showtime(venue, hours=3, quantity=5, booked=2, film=FilmFactory())

    with CaptureQueriesContext(connection) as queries:
        found = last_seats(LYON, at=NOW, radius_km=20, limit=6)
        [(s.title, s.poster, s.venue.display_name) for s in found]
    assert len(found) == 6
    assert len(queries) == 2
