"""booking_obstacle(s): the person's state before the tap, predicted by the checks book_offer runs."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from passculture.core.bookings.obstacles import Reason
from passculture.core.bookings.selectors import booking_obstacle, booking_obstacles, stocks_for_obstacles
from passculture.core.bookings.services import book_offer
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.factories import DepositFactory
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _raised(user, stock):
    try:
        book_offer(user, stock.pk)
    except DomainError as error:
        return error.code
    return None


def _obstacle(user, stock):
    return booking_obstacle(user, stocks_for_obstacles([stock.pk])[0], at=NOW)


def _seventeen():
    return UserFactory(birth_date=dt.date(2008, 9, 1))  # 17 on 10 March 2026


def _expired():
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=731))
    return user


def _pending_identity():
    user = UserFactory()
    IdentityCheckFactory(user=user, submitted_at=NOW - dt.timedelta(days=1))
    return user


def _poor():
    user = UserFactory()
    DepositFactory(user=user, amount_cents=5_00)
    return user


def _booked(beneficiary):
    stock = StockFactory()
    book_offer(beneficiary, stock.pk)
    return StockFactory(offer=stock.offer)


CASES = {
    # name: (user maker, stock maker, reason, code book_offer raises)
    "pro": (lambda b: ProFactory(), lambda b: StockFactory(), Reason.NOT_A_BENEFICIARY, "NOT_A_BENEFICIARY"),
    "17 without the 2025 policy": (
        lambda b: _seventeen(),
        lambda b: StockFactory(),
        Reason.NOT_YET_ELIGIBLE,
        "NO_DEPOSIT",
    ),
    "identity never sent": (
        lambda b: UserFactory(),
        lambda b: StockFactory(),
        Reason.IDENTITY_NOT_VERIFIED,
        "NO_DEPOSIT",
    ),
    "identity under review": (
        lambda b: _pending_identity(),
        lambda b: StockFactory(),
        Reason.IDENTITY_PENDING,
        "NO_DEPOSIT",
    ),
    "credit expired": (
        lambda b: _expired(),
        lambda b: StockFactory(),
        Reason.DEPOSIT_EXPIRED,
        "DEPOSIT_EXPIRED",
    ),
    "not enough credit": (
        lambda b: _poor(),
        lambda b: StockFactory(price_cents=7_50),
        Reason.INSUFFICIENT_CREDIT,
        "INSUFFICIENT_CREDIT",
    ),
    "already booked": (lambda b: b, _booked, Reason.ALREADY_BOOKED, "ALREADY_BOOKED"),
    "sold out": (
        lambda b: b,
        lambda b: StockFactory(quantity=3, booked_quantity=3),
        Reason.SOLD_OUT,
        "NOT_ENOUGH_PLACES",
    ),
    "booking closed": (
        lambda b: b,
        lambda b: StockFactory(booking_limit_datetime=NOW - dt.timedelta(minutes=1)),
        Reason.BOOKING_CLOSED,
        "BOOKING_LIMIT_PASSED",
    ),
    "started": (
        lambda b: b,
        lambda b: StockFactory(beginning_datetime=NOW - dt.timedelta(minutes=1)),
        Reason.BOOKING_CLOSED,
        "EVENT_STARTED",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_book_offer_raises_the_code_the_obstacle_predicted(beneficiary, case):
    make_user, make_stock, reason, code = CASES[case]
    user, stock = make_user(beneficiary), make_stock(beneficiary)
    obstacle = _obstacle(user, stock)
    assert obstacle is not None
    assert (obstacle.reason, obstacle.code) == (reason, code)
    assert obstacle.message and obstacle.label
    assert _raised(user, stock) == obstacle.code


def test_no_obstacle_means_book_offer_goes_through(beneficiary):
    stock = StockFactory()
    assert _obstacle(beneficiary, stock) is None
    assert _raised(beneficiary, stock) is None


def test_a_free_showtime_stays_bookable_after_the_credit_expired():
    user = _expired()
    free = StockFactory(price_cents=0)
    assert _obstacle(user, free) is None
    assert _raised(user, free) is None


def test_nobody_logged_in_is_asked_to_log_in():
    obstacle = _obstacle(AnonymousUser(), StockFactory())
    assert obstacle.reason == Reason.NOT_LOGGED_IN
    assert "Connecte-toi" in obstacle.message


def test_the_17_year_old_is_told_the_day_of_their_18th_birthday():
    assert "1er septembre 2026" in _obstacle(_seventeen(), StockFactory()).message


def test_not_enough_credit_says_what_is_left():
    assert (
        "Il te reste 5\xa0€, la séance coûte 7,50\xa0€"
        in _obstacle(_poor(), StockFactory(price_cents=7_50)).message
    )


def test_messages_say_tu():
    for case in ("credit expired", "already booked", "identity never sent"):
        make_user, make_stock, *_ = CASES[case]
        user = make_user(UserFactory())
        DepositFactory(user=user) if case == "already booked" else None
        message = _obstacle(user, make_stock(user)).message
        assert "vous" not in message.lower() and "votre" not in message.lower()


def test_the_batch_reads_a_few_queries_for_many_stocks(beneficiary, django_assert_max_num_queries):
    stocks = [StockFactory() for _ in range(12)] + [StockFactory(quantity=1, booked_quantity=1)]
    loaded = stocks_for_obstacles([stock.pk for stock in stocks])
    with django_assert_max_num_queries(2):  # the deposits, the bookings of these offers
        found = booking_obstacles(beneficiary, loaded, at=NOW)
    assert [found[stock.pk] is None for stock in stocks] == [True] * 12 + [False]
    assert found[stocks[-1].pk].reason == Reason.SOLD_OUT
