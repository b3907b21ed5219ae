"""Two credits at once (the 2025 policy: 17 and 18) under real concurrency on PostgreSQL: bookings lock both
deposit rows in id order, split a booking over both when needed, and never overspend either."""

import datetime as dt
from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from passculture.core.bookings import services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import CreditPolicy, Debit, Deposit
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory

from .test_concurrency import assert_no_errors, concurrent, run_concurrently


def two_credits(spent_at_17: int = 20_00):
    """50 EUR granted at 17 (of which `spent_at_17` spent) and 150 EUR at 18, both until the 21st birthday."""
    user = UserFactory()
    now = timezone.now()
    expires = now + dt.timedelta(days=800)
    policies = {p.age: p for p in CreditPolicy.objects.filter(code__in=["GRANT_17_2025", "GRANT_18_2025"])}
    DepositFactory(
        user=user,
        policy=policies[17],
        amount_cents=50_00,
        spent_cents=spent_at_17,
        granted_at=now - dt.timedelta(days=300),
        expires_at=expires,
    )
    DepositFactory(
        user=user,
        policy=policies[18],
        amount_cents=150_00,
        granted_at=now - dt.timedelta(days=1),
        expires_at=expires,
    )
    return user


def _active_debits(deposit: Deposit) -> int:
    rows = Debit.objects.filter(deposit=deposit).exclude(booking__status=BookingStatus.CANCELLED)
    return rows.aggregate(total=Sum("amount_cents"))["total"] or 0


def _assert_consistent(user) -> None:
    for deposit in Deposit.objects.filter(user=user):
        assert deposit.spent_cents <= deposit.amount_cents
        # What each deposit says it spent is what its bookings' debits say.
        assert deposit.spent_cents == _active_debits(deposit) + (20_00 if deposit.policy.age == 17 else 0)


@concurrent
def test_parallel_bookings_across_two_credits_never_overspend_either(venue):
    user = two_credits()  # 30 + 150 = 180 EUR left
    stocks = [ThingStockFactory(offer__venue=venue, price_cents=60_00) for _ in range(6)]

    outcomes = run_concurrently([lambda s=s: services.book_offer(user, s.pk) for s in stocks])

    assert_no_errors(outcomes)
    assert Counter(o.kind for o in outcomes) == {"ok": 3, "refused": 3}
    assert {o.value for o in outcomes if o.kind == "refused"} == {"INSUFFICIENT_CREDIT"}
    assert set(Deposit.objects.filter(user=user).values_list("spent_cents", flat=True)) == {50_00, 150_00}
    _assert_consistent(user)
    # One of the three was split: 30 EUR from the 17 credit, 30 EUR from the 18 one.
    split = [b for b in Booking.objects.filter(user=user) if b.debits.count() == 2]
    assert len(split) == 1
    assert sorted(split[0].debits.values_list("amount_cents", flat=True)) == [30_00, 30_00]


@concurrent
def test_cancelling_a_split_booking_while_booking_again_neither_deadlocks_nor_overspends(venue):
    user = two_credits()
    split = services.book_offer(user, ThingStockFactory(offer__venue=venue, price_cents=170_00).pk)
    assert split.debits.count() == 2
    # 10 EUR left; 170 more come back when the cancellation commits.
    stocks = [StockFactory(offer__venue=venue, price_cents=40_00) for _ in range(5)]

    outcomes = run_concurrently(
        [lambda: services.cancel_booking_by_beneficiary(user, split.pk)]
        + [lambda s=s: services.book_offer(user, s.pk) for s in stocks]
    )

    assert_no_errors(outcomes)
    assert outcomes[0].kind == "ok", outcomes[0]
    booked = sum(1 for o in outcomes[1:] if o.kind == "ok")
    # Before the refund nothing fits (10 EUR), after it four fit (180 EUR); never five.
    assert booked <= 4
    assert {o.value for o in outcomes[1:] if o.kind == "refused"} <= {"INSUFFICIENT_CREDIT"}
    _assert_consistent(user)
    spent = Deposit.objects.filter(user=user).aggregate(total=Sum("spent_cents"))["total"]
    assert spent == 20_00 + booked * 40_00


@pytest.mark.django_db
def test_the_database_refuses_an_overspend_of_either_credit_even_without_python_checks():
    user = two_credits(spent_at_17=0)
    for deposit in Deposit.objects.filter(user=user):
        with pytest.raises(IntegrityError), transaction.atomic():
            Deposit.objects.filter(pk=deposit.pk).update(spent_cents=F("amount_cents") + 1)
