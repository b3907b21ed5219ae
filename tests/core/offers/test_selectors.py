import datetime as dt

import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.selectors import showtimes_of_offerers_between, upcoming_offers, visible_offers

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_visible_offers_are_the_bookable_ones(stock):
    inactive = StockFactory(offer__is_active=False).offer
    unvalidated_venue = StockFactory(offer__venue__validation_status=ValidationStatus.PENDING).offer
    unvalidated_offerer = StockFactory(offer__venue__offerer__validation_status=ValidationStatus.NEW).offer
    past = StockFactory(beginning_datetime=NOW - dt.timedelta(hours=1)).offer
    deleted = StockFactory(is_deleted=True).offer
    assert list(visible_offers(NOW)) == [stock.offer]
    assert {inactive, unvalidated_venue, unvalidated_offerer, past, deleted}.isdisjoint(visible_offers(NOW))


def test_upcoming_offers_are_sorted_by_next_showtime_and_carry_their_open_stocks():
    later = StockFactory(beginning_datetime=NOW + dt.timedelta(days=3))
    sooner = StockFactory(beginning_datetime=NOW + dt.timedelta(days=1))
    StockFactory(offer=later.offer, beginning_datetime=NOW - dt.timedelta(days=1))
    offers = upcoming_offers(NOW)
    assert offers == [sooner.offer, later.offer]
    assert offers[1].open_stocks == [later]


def test_showtimes_of_offerers_between_local_days_with_seats(django_assert_num_queries):
    venue = VenueFactory(timezone="Indian/Reunion")
    day = dt.date(2026, 3, 10)
    # 21:00 UTC on the 10th is 01:00 on the 11th in Réunion: outside a window ending on the 10th.
    late = StockFactory(offer__venue=venue, beginning_datetime=dt.datetime(2026, 3, 10, 21, 0, tzinfo=dt.UTC))
    today = StockFactory(
        offer__venue=venue, beginning_datetime=dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
    )
    StockFactory(offer__venue=venue, beginning_datetime=today.beginning_datetime, is_deleted=True)
    StockFactory(beginning_datetime=today.beginning_datetime)  # another offerer
    with django_assert_num_queries(2):
        showtimes = showtimes_of_offerers_between([venue.offerer_id], day, day)
        assert [s.offer.venue.timezone for s in showtimes] == ["Indian/Reunion"]
    assert showtimes == [today]
    assert showtimes_of_offerers_between([venue.offerer_id], day, day + dt.timedelta(days=1)) == [today, late]
