import datetime as dt

import pytest

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.validation import check_stock_is_bookable, is_bookable

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _refusal(stock, at=NOW, quantity=1) -> str:
    with pytest.raises(DomainError) as exc:
        check_stock_is_bookable(stock, at, quantity)
    return exc.value.code


def test_stock_bookable_when_every_condition_holds(stock):
    check_stock_is_bookable(stock, NOW)
    assert is_bookable(stock, NOW)


def test_stock_not_bookable_when_offer_inactive(stock):
    stock.offer.is_active = False
    assert _refusal(stock) == "OFFER_INACTIVE"
    assert not is_bookable(stock, NOW)


def test_stock_not_bookable_when_venue_not_validated(stock):
    stock.offer.venue.validation_status = ValidationStatus.PENDING
    assert _refusal(stock) == "VENUE_NOT_VALIDATED"


def test_stock_not_bookable_when_offerer_not_validated(stock):
    stock.offer.venue.offerer.validation_status = ValidationStatus.NEW
    assert _refusal(stock) == "OFFERER_NOT_VALIDATED"


def test_stock_not_bookable_when_deleted(stock):
    stock.is_deleted = True
    assert _refusal(stock) == "STOCK_DELETED"


def test_stock_not_bookable_when_booking_limit_passed():
    stock = StockFactory(
        beginning_datetime=NOW + dt.timedelta(days=2), booking_limit_datetime=NOW - dt.timedelta(minutes=1)
    )
    assert _refusal(stock) == "BOOKING_LIMIT_PASSED"


def test_stock_not_bookable_once_booking_limit_reached_exactly():
    stock = StockFactory(beginning_datetime=NOW + dt.timedelta(days=2), booking_limit_datetime=NOW)
    assert _refusal(stock) == "BOOKING_LIMIT_PASSED"


def test_stock_not_bookable_when_event_started():
    stock = StockFactory(beginning_datetime=NOW, booking_limit_datetime=None)
    assert _refusal(stock) == "EVENT_STARTED"
    assert is_bookable(stock, NOW - dt.timedelta(seconds=1))


def test_stock_not_bookable_when_not_enough_places():
    stock = StockFactory(quantity=10, booked_quantity=9)
    check_stock_is_bookable(stock, NOW, quantity=1)
    assert _refusal(stock, quantity=2) == "NOT_ENOUGH_PLACES"
    stock.booked_quantity = 10
    assert _refusal(stock) == "NOT_ENOUGH_PLACES"


def test_stock_with_unlimited_quantity_never_runs_out():
    stock = StockFactory(quantity=None, booked_quantity=10_000)
    check_stock_is_bookable(stock, NOW, quantity=2)


def test_thing_stock_has_no_start_nor_limit_and_stays_bookable():
    stock = ThingStockFactory()
    assert is_bookable(stock, NOW + dt.timedelta(days=3650))


def test_description_keeps_only_light_formatting_and_links():
    from passculture.core.offers.validation import sanitize_description

    dirty = (
        '<p style="color:red">Un <b>grand</b> <i>film</i><br><strong>!</strong></p>'
        '<a href="https://allocine.fr/film" onclick="steal()" target="_blank">détails</a>'
        "<script>alert(1)</script><style>p{}</style><img src=x onerror=alert(1)><h1>Titre</h1>"
    )
    assert sanitize_description(dirty) == (
        "<p>Un <b>grand</b> <i>film</i><br><strong>!</strong></p>"
        '<a href="https://allocine.fr/film" rel="noopener noreferrer">détails</a>Titre'
    )


def test_description_links_keep_only_web_and_mail_addresses():
    from passculture.core.offers.validation import sanitize_description

    assert sanitize_description('<a href="javascript:alert(1)">x</a>') == '<a rel="noopener noreferrer">x</a>'
    assert sanitize_description('<a href="data:text/html,x">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_is_bookable_answers_for_rule_refusals_only_and_lets_bugs_through(monkeypatch):
    from passculture.core.offers import validation

    def broken(stock, at, quantity=1):
        raise AttributeError("a bug, not a refusal")

    monkeypatch.setattr(validation, "check_stock_is_bookable", broken)
    with pytest.raises(AttributeError):
        is_bookable(StockFactory.build(), NOW)
