import datetime as dt

import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.selectors import upcoming_offers, visible_offers

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
