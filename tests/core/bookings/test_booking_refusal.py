"""booking_refusal: why a booking would be refused, told before the beneficiary confirms."""

import datetime as dt

import pytest

from passculture.core.bookings.selectors import (
    active_booking_of_offer,
    booking_of_beneficiary,
    booking_refusal,
    stock_for_booking,
)
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory, UserFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _code(user, stock, quantity=1):
    refusal = booking_refusal(user, stock, quantity, at=NOW)
    return refusal.code if refusal is not None else None


def _booking_code(user, stock, quantity=1):
    try:
        book_offer(user, stock.pk, quantity)
    except DomainError as error:
        return error.code
    return None


CASES = {
    "bookable": (dict(), 1, None),
    "duo for two": (dict(offer__is_duo=True), 2, None),
    "two places of a solo offer": (dict(), 2, "INVALID_BOOKING_QUANTITY"),
    "sold out": (dict(quantity=2, booked_quantity=2), 1, "NOT_ENOUGH_PLACES"),
    "one place left for two": (
        dict(offer__is_duo=True, quantity=2, booked_quantity=1),
        2,
        "NOT_ENOUGH_PLACES",
    ),
    "started": (dict(beginning_datetime=NOW - dt.timedelta(minutes=1)), 1, "EVENT_STARTED"),
    "booking closed": (dict(booking_limit_datetime=NOW - dt.timedelta(minutes=1)), 1, "BOOKING_LIMIT_PASSED"),
    "inactive offer": (dict(offer__is_active=False), 1, "OFFER_INACTIVE"),
    "deleted showtime": (dict(is_deleted=True), 1, "STOCK_DELETED"),
    "too expensive": (dict(price_cents=300_01), 1, "INSUFFICIENT_CREDIT"),
    "two too expensive": (dict(offer__is_duo=True, price_cents=150_01), 2, "INSUFFICIENT_CREDIT"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_refusal_told_beforehand_is_the_one_booking_raises(beneficiary, case):
    fields, quantity, expected = CASES[case]
    stock = StockFactory(**fields)
    assert _code(beneficiary, stock, quantity) == expected
    assert _booking_code(beneficiary, stock, quantity) == expected


def test_no_deposit_yet(db):
    user = UserFactory()
    stock = StockFactory()
    assert _code(user, stock) == _booking_code(user, stock) == "NO_DEPOSIT"


def test_expired_deposit():
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=731))
    stock = StockFactory()
    assert _code(user, stock) == _booking_code(user, stock) == "DEPOSIT_EXPIRED"


def test_a_pro_is_not_a_beneficiary():
    pro = ProFactory()
    assert _code(pro, StockFactory()) == "NOT_A_BENEFICIARY"


def test_digital_cap():
    user = UserFactory()
    DepositFactory(user=user)
    stock = ThingStockFactory(offer__url="https://vod.example.com/film", price_cents=100_01)
    assert _code(user, stock) == _booking_code(user, stock) == "DIGITAL_CAP_REACHED"


def test_already_booked_until_cancelled(beneficiary):
    stock = StockFactory()
    other_showtime = StockFactory(offer=stock.offer)
    booking = book_offer(beneficiary, stock.pk)
    assert _code(beneficiary, other_showtime) == "ALREADY_BOOKED"
    assert active_booking_of_offer(beneficiary, stock.offer_id) == booking
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert _code(beneficiary, other_showtime) is None
    assert active_booking_of_offer(beneficiary, stock.offer_id) is None


def test_refusal_looks_but_never_writes(beneficiary, django_assert_max_num_queries):
    stock = StockFactory()
    with django_assert_max_num_queries(3):  # the deposit, the active booking, nothing else
        assert _code(beneficiary, stock) is None
    stock.refresh_from_db()
    assert stock.booked_quantity == 0
    assert beneficiary.deposits.get().spent_cents == 0


def test_stock_for_booking_hides_stocks_of_venues_or_offerers_not_validated():
    assert stock_for_booking(StockFactory().pk) is not None
    assert (
        stock_for_booking(StockFactory(offer__venue__validation_status=ValidationStatus.PENDING).pk) is None
    )
    assert (
        stock_for_booking(StockFactory(offer__venue__offerer__validation_status=ValidationStatus.NEW).pk)
        is None
    )
    assert stock_for_booking(999_999) is None


def test_stock_for_booking_keeps_deleted_and_inactive_ones_to_say_why():
    assert stock_for_booking(StockFactory(is_deleted=True).pk) is not None
    assert stock_for_booking(StockFactory(offer__is_active=False).pk) is not None


def test_booking_of_beneficiary_is_only_the_owners(beneficiary):
    booking = book_offer(beneficiary, StockFactory().pk)
    intruder = UserFactory()
    assert booking_of_beneficiary(beneficiary, booking.pk) == booking
    assert booking_of_beneficiary(intruder, booking.pk) is None
