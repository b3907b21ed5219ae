"""The credit's history: grant, bookings, refunds, expiry, with the balance after each."""

import datetime as dt

import pytest
import time_machine

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import MovementKind, balance_of_deposit, credit_history
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
GRANTED = utc(2026, 3, 10, 12)
H = dt.timedelta(hours=1)


@pytest.fixture
def deposit():
    return DepositFactory(user=UserFactory(), granted_at=GRANTED, expires_at=GRANTED + dt.timedelta(days=730))


def _book(user, at, **stock_fields):
    stock = StockFactory(beginning_datetime=at + 10 * 24 * H, **stock_fields)
    return book_offer(user, stock.pk, stock_fields.get("offer__is_duo", False) + 1, at=at)


def _summary(movements):
    return [(m.kind, m.at, m.amount_cents, m.balance_after_cents) for m in movements]


def test_a_new_credit_has_only_its_grant(deposit):
    assert _summary(credit_history(deposit, at=GRANTED)) == [(MovementKind.GRANT, GRANTED, 300_00, 300_00)]


def test_book_cancel_and_book_again(deposit):
    user = deposit.user
    first = _book(user, GRANTED + H, price_cents=8_00, offer__name="Orbite basse")
    cancel_booking_by_beneficiary(user, first.pk, at=GRANTED + 2 * H)
    duo = _book(user, GRANTED + 3 * H, price_cents=7_50, offer__is_duo=True, offer__name="Le Phare")

    movements = credit_history(deposit, at=GRANTED + 4 * H)

    assert _summary(movements) == [
        (MovementKind.GRANT, GRANTED, 300_00, 300_00),
        (MovementKind.BOOKING, GRANTED + H, -8_00, 292_00),
        (MovementKind.REFUND, GRANTED + 2 * H, 8_00, 300_00),
        (MovementKind.BOOKING, GRANTED + 3 * H, -15_00, 285_00),
    ]
    assert [(m.booking_id, m.offer_name, m.quantity) for m in movements[1:]] == [
        (first.pk, "Orbite basse", 1),
        (first.pk, "Orbite basse", 1),
        (duo.pk, "Le Phare", 2),
    ]
    assert movements[2].cancellation_reason == "BENEFICIARY"
    # The last balance is the deposit's own account of it.
    deposit.refresh_from_db()
    assert movements[-1].balance_after_cents == balance_of_deposit(deposit, GRANTED + 4 * H).remaining_cents


def test_the_history_is_read_in_one_query_whatever_the_number_of_bookings(deposit, django_assert_num_queries):
    for hour in range(1, 6):
        _book(deposit.user, GRANTED + hour * H)
    with django_assert_num_queries(1):
        movements = credit_history(deposit, at=GRANTED + 6 * H)
    assert len(movements) == 6


def test_an_expired_credit_ends_with_what_was_lost(deposit):
    _book(deposit.user, GRANTED + H, price_cents=10_00)
    after = deposit.expires_at + H

    movements = credit_history(deposit, at=after)

    assert _summary(movements)[-1] == (MovementKind.EXPIRY, deposit.expires_at, -290_00, 0)
    deposit.refresh_from_db()
    assert balance_of_deposit(deposit, after).remaining_cents == 0


def test_a_refund_after_the_expiry_does_not_revive_the_balance(deposit):
    booking = _book(deposit.user, GRANTED + H, price_cents=10_00)
    late = deposit.expires_at + H
    # The cinema cancels after the credit expired: money goes back to a deposit nobody can spend.
    Booking.objects.filter(pk=booking.pk).update(
        status="CANCELLED", cancelled_at=late, cancellation_reason="OFFERER"
    )

    movements = credit_history(deposit, at=late + H)

    assert [m.kind for m in movements] == [
        MovementKind.GRANT,
        MovementKind.BOOKING,
        MovementKind.EXPIRY,
        MovementKind.REFUND,
    ]
    assert movements[-1].balance_after_cents == 0


def test_the_history_is_the_deposits_only(deposit):
    other = DepositFactory(user=UserFactory(), granted_at=GRANTED)
    with time_machine.travel(GRANTED + H, tick=False):
        _book(other.user, GRANTED + H)
    assert len(credit_history(deposit, at=GRANTED + 2 * H)) == 1
