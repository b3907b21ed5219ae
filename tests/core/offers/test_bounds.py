"""Every date and number a pro sends for a stock is bounded (RULES.md "Offers and stocks"): a showtime
from the venue's today to two years ahead, a price up to 1,000 EUR, up to 100,000 places; and a stock
stored before these bounds existed (year 9999) can still be edited and deleted."""

import datetime as dt

import pytest

from passculture.core.common.time import local_to_utc
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.constants import MAX_PRICE_CENTS, MAX_STOCK_QUANTITY
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory
from passculture.core.offers.scheduling import Schedule, plan_showtimes
from passculture.core.offers.services import create_stock, delete_stock, update_stock
from tests.conftest import utc
from tests.helpers import error_code

from .conftest import NOW

pytestmark = pytest.mark.django_db

# NOW is 13:00 in Paris on 10 March 2026: the window runs from 10 March 2026 to 10 March 2028.
LAST_DAY = dt.date(2028, 3, 10)
YEAR_9999 = utc(9999, 12, 31, 22, 59)  # 31/12/9999 23:59 in Paris


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue)


def paris(day: dt.date, hour: int = 20) -> dt.datetime:
    return local_to_utc(dt.datetime.combine(day, dt.time(hour)), "Europe/Paris")


def test_a_showtime_may_start_on_the_last_day_of_the_two_year_window(offer, pro):
    assert create_stock(offer=offer, price_cents=800, beginning=paris(LAST_DAY, 23), actor=pro).pk


@pytest.mark.parametrize("beginning", [paris(LAST_DAY + dt.timedelta(days=1), 0), YEAR_9999])
def test_a_showtime_more_than_two_years_ahead_is_refused(offer, pro, beginning):
    assert (
        error_code(create_stock, offer=offer, price_cents=800, beginning=beginning, actor=pro)
        == "STOCK_DATE_OUT_OF_RANGE"
    )


def test_the_refusal_says_the_allowed_days(offer, pro):
    from passculture.core.offers.exceptions import StockDateOutOfRange

    with pytest.raises(StockDateOutOfRange) as refusal:
        create_stock(offer=offer, price_cents=800, beginning=YEAR_9999, actor=pro)
    assert "entre aujourd'hui (10 mars 2026) et le 10 mars 2028" in refusal.value.message


@pytest.mark.parametrize("beginning", [utc(2026, 3, 9, 20), utc(1, 1, 1, 12)])
def test_a_showtime_before_the_venue_s_today_is_refused(offer, pro, beginning):
    assert (
        error_code(create_stock, offer=offer, price_cents=800, beginning=beginning, actor=pro)
        == "STOCK_DATE_OUT_OF_RANGE"
    )


def test_the_window_follows_the_venue_s_calendar(venue, pro):
    # 22:00 UTC on 10 March 2028 is already 11 March in La Réunion (UTC+4): past its window.
    offer = OfferFactory(venue=VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion"))
    late = dt.datetime.combine(LAST_DAY, dt.time(22), tzinfo=dt.UTC)
    assert error_code(create_stock, offer=offer, price_cents=800, beginning=late, actor=pro) == (
        "STOCK_DATE_OUT_OF_RANGE"
    )
    assert create_stock(offer=offer, price_cents=800, beginning=late - dt.timedelta(hours=3), actor=pro).pk


def test_a_showtime_cannot_be_moved_beyond_the_window(offer, pro):
    stock = StockFactory(offer=offer, beginning_datetime=NOW + dt.timedelta(days=3))
    assert error_code(update_stock, stock.pk, beginning=YEAR_9999, actor=pro) == "STOCK_DATE_OUT_OF_RANGE"


def test_a_showtime_stored_in_year_9999_can_still_be_edited_and_deleted(offer, pro):
    stock = StockFactory(offer=offer, beginning_datetime=YEAR_9999, booking_limit_datetime=YEAR_9999)
    assert update_stock(stock.pk, price_cents=900, actor=pro).price_cents == 900
    assert delete_stock(stock.pk, actor=pro) == 0


def test_a_schedule_reaching_beyond_the_window_is_refused(offer):
    schedule = Schedule(start_date=LAST_DAY, end_date=LAST_DAY + dt.timedelta(days=1), times=(dt.time(20),))
    assert error_code(plan_showtimes, offer, schedule) == "STOCK_DATE_OUT_OF_RANGE"


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (dt.date(9999, 12, 25), dt.date(9999, 12, 31)),  # the preview that overflowed past 31/12/9999
        (dt.date(1, 1, 1), dt.date(1, 1, 7)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 12)),
    ],
)
def test_a_schedule_outside_the_window_is_refused_before_any_showtime_is_computed(offer, first, last):
    schedule = Schedule(start_date=first, end_date=last, times=(dt.time(23, 59),))
    assert error_code(plan_showtimes, offer, schedule) == "STOCK_DATE_OUT_OF_RANGE"


def test_a_booking_limit_outside_the_input_dates_is_refused(offer, pro):
    start = NOW + dt.timedelta(days=3)
    limit = utc(1, 1, 1, 12)
    assert (
        error_code(
            create_stock, offer=offer, price_cents=800, beginning=start, booking_limit=limit, actor=pro
        )
        == "DATE_OUT_OF_BOUNDS"
    )


def test_a_price_above_1000_eur_is_refused(offer, pro):
    start = NOW + dt.timedelta(days=3)
    assert create_stock(offer=offer, price_cents=MAX_PRICE_CENTS, beginning=start, actor=pro).pk
    for price in (MAX_PRICE_CENTS + 1, 2**31):
        assert error_code(create_stock, offer=offer, price_cents=price, beginning=start, actor=pro) == (
            "PRICE_TOO_HIGH"
        )


def test_a_thing_above_300_eur_is_told_its_own_maximum(venue, pro):
    from passculture.core.offers.exceptions import ThingPriceTooHigh

    with pytest.raises(ThingPriceTooHigh):
        create_stock(offer=ThingOfferFactory(venue=venue), price_cents=MAX_PRICE_CENTS + 1, actor=pro)


def test_more_than_100000_places_are_refused(offer, pro):
    start = NOW + dt.timedelta(days=3)
    assert create_stock(offer=offer, price_cents=800, quantity=MAX_STOCK_QUANTITY, beginning=start, actor=pro)
    for quantity in (MAX_STOCK_QUANTITY + 1, 2**31):
        assert (
            error_code(
                create_stock, offer=offer, price_cents=800, quantity=quantity, beginning=start, actor=pro
            )
            == "STOCK_QUANTITY_TOO_HIGH"
        )
    stock = StockFactory(offer=offer)
    assert error_code(update_stock, stock.pk, quantity=2**31, actor=pro) == "STOCK_QUANTITY_TOO_HIGH"
