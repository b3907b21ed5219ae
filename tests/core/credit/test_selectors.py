import datetime as dt

import pytest

from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import CreditPolicy, Deposit
from passculture.core.credit.selectors import balance_of, balance_of_deposit, policy_in_force
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
GRANTED = utc(2026, 3, 10, 12)


@pytest.fixture
def deposit():
    return DepositFactory(granted_at=GRANTED, expires_at=GRANTED + dt.timedelta(days=730))


def test_remaining_credit_is_amount_minus_spent(deposit):
    deposit.spent_cents = 120_50
    deposit.save()
    balance = balance_of(deposit.user, at=GRANTED)
    assert (balance.initial_cents, balance.spent_cents, balance.remaining_cents) == (300_00, 120_50, 179_50)


def test_remaining_credit_is_zero_once_deposit_expired(deposit):
    deposit.spent_cents = 100_00
    deposit.save()
    assert balance_of(deposit.user, at=deposit.expires_at - dt.timedelta(seconds=1)).remaining_cents == 200_00
    expired = balance_of(deposit.user, at=deposit.expires_at)
    assert expired.remaining_cents == 0
    assert expired.is_expired is True


def test_remaining_digital_credit_is_capped_by_the_remaining_credit(deposit):
    deposit.spent_cents = 250_00
    deposit.digital_spent_cents = 20_00
    deposit.save()
    balance = balance_of(deposit.user, at=GRANTED)
    assert balance.remaining_cents == 50_00
    assert balance.digital_remaining_cents == 50_00


def test_remaining_digital_credit_is_cap_minus_digital_spent(deposit):
    deposit.spent_cents = deposit.digital_spent_cents = 30_00
    deposit.save()
    assert balance_of(deposit.user, at=GRANTED).digital_remaining_cents == 70_00


def test_balance_without_deposit_is_empty(db):
    balance = balance_of(UserFactory(), at=GRANTED)
    assert (balance.initial_cents, balance.remaining_cents, balance.expires_at) == (0, 0, None)


def test_balance_reads_the_latest_deposit():
    user = UserFactory()
    old = DepositFactory(user=user, granted_at=utc(2024, 1, 1), expires_at=utc(2027, 1, 1))
    old.spent_cents = 300_00
    old.save()
    DepositFactory(
        user=user,
        granted_at=GRANTED,
        amount_cents=150_00,
        policy=CreditPolicy.objects.get(code="GRANT_18_2025"),
    )
    assert balance_of(user, at=GRANTED).remaining_cents == 150_00


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (dt.date(2019, 1, 31), None),
        (dt.date(2019, 2, 1), "GRANT_18_2019"),
        (dt.date(2021, 5, 20), "GRANT_18_2019"),
        (dt.date(2021, 5, 21), "GRANT_18_2021"),
        (dt.date(2026, 3, 10), "GRANT_18_2021"),
    ],
)
def test_policy_in_force_is_dated_data(day, code):
    policy = policy_in_force(day, 18)
    assert (policy.code if policy else None) == code


def test_remaining_credit_is_never_below_zero():
    # Only reachable if the database constraint were bypassed: the balance still never goes negative.
    deposit = Deposit(
        amount_cents=300_00,
        spent_cents=310_00,
        digital_cap_cents=100_00,
        digital_spent_cents=120_00,
        granted_at=GRANTED,
        expires_at=GRANTED + dt.timedelta(days=730),
    )
    balance = balance_of_deposit(deposit, at=GRANTED)
    assert (balance.remaining_cents, balance.digital_remaining_cents) == (0, 0)
