"""A free (0 EUR) showtime needs no credit: a beneficiary whose credit expired can still book it, with every
other rule of a booking (RULES.md "Booking"). Someone who never received a credit cannot."""

import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.selectors import booking_refusal
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import Debit
from passculture.core.credit.selectors import balance_of
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


@pytest.fixture
def expired():
    """A beneficiary whose 2-year credit ended one second ago, after spending 40 EUR of it."""
    user = UserFactory()
    DepositFactory(
        user=user,
        granted_at=NOW - dt.timedelta(days=730),
        expires_at=NOW - dt.timedelta(seconds=1),
        spent_cents=40_00,
    )
    return user


def _refusal(*args, **kwargs) -> str:
    with pytest.raises(DomainError) as exc:
        book_offer(*args, **kwargs)
    return exc.value.code


def test_an_expired_credit_still_books_a_free_showtime(expired):
    stock = StockFactory(price_cents=0)

    booking = book_offer(expired, stock.pk)

    assert (booking.status, booking.total_amount_cents) == (BookingStatus.CONFIRMED, 0)
    # Made under the expired credit, which it does not touch.
    deposit = expired.deposits.get()
    assert booking.deposit == deposit
    assert list(Debit.objects.filter(booking=booking).values_list("deposit_id", "amount_cents")) == [
        (deposit.pk, 0)
    ]
    deposit.refresh_from_db()
    assert deposit.spent_cents == 40_00
    assert booking_refusal(expired, StockFactory(price_cents=0), at=NOW) is None


def test_an_expired_credit_books_a_free_duo_too(expired):
    stock = StockFactory(price_cents=0, offer__is_duo=True)
    assert book_offer(expired, stock.pk, 2).quantity == 2


def test_an_expired_credit_cannot_book_a_paid_showtime(expired):
    stock = StockFactory(price_cents=1)
    assert _refusal(expired, stock.pk) == "DEPOSIT_EXPIRED"
    assert booking_refusal(expired, stock, at=NOW).code == "DEPOSIT_EXPIRED"


def test_a_credit_expiring_at_this_very_instant_books_only_free_showtimes():
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=730), expires_at=NOW)
    assert _refusal(user, StockFactory(price_cents=5_00).pk) == "DEPOSIT_EXPIRED"
    assert book_offer(user, StockFactory(price_cents=0).pk).total_amount_cents == 0


def test_someone_who_never_received_a_credit_cannot_book_a_free_showtime():
    stock = StockFactory(price_cents=0)
    assert _refusal(UserFactory(), stock.pk) == "NO_DEPOSIT"
    assert booking_refusal(UserFactory(), stock, at=NOW).code == "NO_DEPOSIT"


def test_a_free_showtime_keeps_one_booking_per_offer(expired):
    stock = StockFactory(price_cents=0)
    book_offer(expired, stock.pk)
    assert _refusal(expired, StockFactory(offer=stock.offer, price_cents=0).pk) == "ALREADY_BOOKED"


def test_a_free_showtime_keeps_its_places_and_its_limit(expired):
    full = StockFactory(price_cents=0, quantity=1, booked_quantity=1)
    assert _refusal(expired, full.pk) == "NOT_ENOUGH_PLACES"
    started = StockFactory(
        price_cents=0, beginning_datetime=NOW - dt.timedelta(minutes=5), booking_limit_datetime=None
    )
    assert _refusal(expired, started.pk) in {"EVENT_STARTED", "BOOKING_LIMIT_PASSED"}


def test_a_free_booking_of_an_expired_credit_can_be_cancelled_and_gives_nothing_back(expired):
    booking = book_offer(expired, StockFactory(price_cents=0).pk)

    cancel_booking_by_beneficiary(expired, booking.pk, at=NOW + dt.timedelta(minutes=1))

    assert balance_of(expired).remaining_cents == 0
    assert expired.deposits.get().spent_cents == 40_00


def test_with_a_usable_credit_a_free_showtime_spends_nothing(beneficiary):
    booking = book_offer(beneficiary, StockFactory(price_cents=0).pk)
    assert booking.deposit == beneficiary.deposits.get()
    assert balance_of(beneficiary).remaining_cents == 300_00
