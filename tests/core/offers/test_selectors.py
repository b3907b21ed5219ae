import datetime as dt

import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.selectors import (
    offer_of_offerers,
    showtimes_of_offerers_from,
    stock_of_offerers,
    upcoming_offers,
    visible_offers,
)

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


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_dashboard_showtimes_start_on_each_venues_own_today(django_assert_num_queries):
    reunion = VenueFactory(timezone="Indian/Reunion")  # UTC+4
    guadeloupe = VenueFactory(offerer=reunion.offerer, timezone="America/Guadeloupe")  # UTC-4
    at = _utc(2026, 3, 10, 21, 0)  # the 11th at 01:00 in Réunion, the 10th at 17:00 in Guadeloupe
    StockFactory(offer__venue=reunion, beginning_datetime=_utc(2026, 3, 10, 15, 0))  # yesterday there
    reunion_today = StockFactory(offer__venue=reunion, beginning_datetime=_utc(2026, 3, 11, 6, 0))
    guadeloupe_today = StockFactory(offer__venue=guadeloupe, beginning_datetime=_utc(2026, 3, 10, 12, 0))
    StockFactory(offer__venue=guadeloupe, beginning_datetime=_utc(2026, 3, 10, 3, 0))  # the 9th there
    with django_assert_num_queries(2):
        showtimes = showtimes_of_offerers_from([reunion.offerer_id], at, days=0)
        assert {s.offer.venue.timezone for s in showtimes} == {"Indian/Reunion", "America/Guadeloupe"}
    assert showtimes == [guadeloupe_today, reunion_today]


def test_dashboard_showtimes_end_on_the_last_local_day_of_the_window():
    venue = VenueFactory(timezone="Indian/Reunion")
    at = _utc(2026, 3, 10, 12, 0)
    last = StockFactory(offer__venue=venue, beginning_datetime=_utc(2026, 3, 11, 19, 59))  # 23:59 on the 11th
    StockFactory(offer__venue=venue, beginning_datetime=_utc(2026, 3, 11, 20, 0))  # 00:00 on the 12th
    assert showtimes_of_offerers_from([venue.offerer_id], at, days=1) == [last]


def test_dashboard_showtimes_leave_out_deleted_ones_and_other_offerers():
    venue = VenueFactory()
    at = _utc(2026, 3, 10, 12, 0)
    kept = StockFactory(offer__venue=venue, beginning_datetime=_utc(2026, 3, 10, 19, 0))
    StockFactory(offer__venue=venue, beginning_datetime=kept.beginning_datetime, is_deleted=True)
    StockFactory(beginning_datetime=kept.beginning_datetime)  # another offerer
    assert showtimes_of_offerers_from([venue.offerer_id], at, days=7) == [kept]


def test_an_offer_is_found_only_among_the_given_offerers(stock):
    offerer_id = stock.offer.venue.offerer_id
    assert offer_of_offerers(stock.offer_id, {offerer_id}) == stock.offer
    assert offer_of_offerers(stock.offer_id, {offerer_id + 1}) is None


def test_a_stock_is_found_only_among_the_given_offerers_and_through_its_own_offer(stock):
    offerer_id = stock.offer.venue.offerer_id
    assert stock_of_offerers(stock.pk, {offerer_id}, offer_id=stock.offer_id) == stock
    assert stock_of_offerers(stock.pk, {offerer_id + 1}) is None
    other_offer = StockFactory(offer__venue=stock.offer.venue).offer_id
    assert stock_of_offerers(stock.pk, {offerer_id}, offer_id=other_offer) is None
    deleted = StockFactory(offer=stock.offer, is_deleted=True)
    assert stock_of_offerers(deleted.pk, {offerer_id}) is None


def test_a_draft_is_not_a_published_offer(db):
    from passculture.core.offers.factories import OfferFactory
    from passculture.core.offers.selectors import has_published_offer

    draft = OfferFactory(is_draft=True, is_active=False)
    offerer_id = draft.venue.offerer_id
    assert has_published_offer([offerer_id]) is False
    OfferFactory(venue=draft.venue)
    assert has_published_offer([offerer_id]) is True
