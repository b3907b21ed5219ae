"""Deposits: grant, and the debit/refund that bookings perform under the deposit's row lock."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import add_years, age_on
from passculture.core.common.time import now as utcnow

from .exceptions import (
    DepositAlreadyGranted,
    DepositExpired,
    NoDeposit,
    NoLongerEligible,
    NoPolicyInForce,
    NotYetEligible,
)
from .models import CreditPolicy, Deposit
from .selectors import policy_in_force
from .validation import check_can_spend

MIN_GRANT_AGE = 17
MAX_GRANT_AGE = 18


def _expiry(policy: CreditPolicy, granted_at: dt.datetime, birth_date: dt.date) -> dt.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    if policy.expires_at_age is not None:
        day = add_years(birth_date, policy.expires_at_age)
        return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    assert policy.validity_years is not None
    local = granted_at.astimezone(tz)
    day = add_years(local.date(), policy.validity_years)
    return dt.datetime.combine(day, local.time(), tzinfo=tz).astimezone(dt.UTC)


@transaction.atomic
def grant_deposit(
    user,
    *,
    at: dt.datetime | None = None,
    actor=None,
    source: str = "",
    eligible_on: dt.date | None = None,
) -> Deposit:
    """Grants the credit of the policy in force on that day for the user's age.

    `eligible_on` is the day whose age counts (default: the grant day): an identity check passes the day
    it was submitted, because the right to the credit is acquired when the process starts and a late
    review must not take it away (a check sent at 18 and approved after the 19th birthday is granted)."""
    at = at or utcnow()
    day = at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    if user.birth_date is None:
        raise NotYetEligible("Date de naissance inconnue : impossible d'attribuer le crédit.")
    age = age_on(user.birth_date, eligible_on or day)
    if age < MIN_GRANT_AGE:
        raise NotYetEligible()
    if age > MAX_GRANT_AGE:
        raise NoLongerEligible()
    policy = policy_in_force(day, age)
    if policy is None:
        if age < MAX_GRANT_AGE:
            raise NotYetEligible()
        raise NoPolicyInForce()
    if Deposit.objects.filter(user=user, policy__age=age).exists():
        raise DepositAlreadyGranted()
    try:
        with transaction.atomic():
            deposit = Deposit.objects.create(
                user=user,
                policy=policy,
                amount_cents=policy.amount_cents,
                digital_cap_cents=policy.digital_cap_cents,
                physical_cap_cents=policy.physical_cap_cents,
                granted_at=at,
                expires_at=_expiry(policy, at, user.birth_date),
                source=source,
            )
    except IntegrityError as exc:
        raise DepositAlreadyGranted() from exc
    log_action(
        "deposit.granted",
        actor=actor,
        target=deposit,
        data={"user_id": user.pk, "policy": policy.code, "amount_cents": policy.amount_cents},
    )
    return deposit


def lock_current_deposit(user, at: dt.datetime | None = None) -> Deposit:
    """Locks the beneficiary's latest deposit row (call after locking the stock: fixed lock order).

    With `at`, also refuses an expired deposit. Callers that wait for the lock should leave `at` out and
    read the clock once the lock is held, then call `check_deposit_not_expired`."""
    deposit = lock(Deposit.objects.filter(user=user)).order_by("-granted_at", "-id").first()
    if deposit is None:
        raise NoDeposit()
    if at is not None:
        check_deposit_not_expired(deposit, at)
    return deposit


def check_deposit_not_expired(deposit: Deposit, at: dt.datetime) -> None:
    if deposit.expires_at <= at:
        raise DepositExpired()


def debit(deposit: Deposit, amount_cents: int, *, is_digital: bool) -> None:
    """Spend from a deposit already locked by the caller; checks then updates."""
    check_can_spend(deposit, amount_cents, is_digital=is_digital)
    Deposit.objects.filter(pk=deposit.pk).update(
        spent_cents=F("spent_cents") + amount_cents,
        digital_spent_cents=F("digital_spent_cents") + (amount_cents if is_digital else 0),
    )
    deposit.refresh_from_db(fields=["spent_cents", "digital_spent_cents"])


def refund(deposit_id: int, amount_cents: int, *, is_digital: bool) -> None:
    """Gives credit back when a booking is cancelled (the caller holds the locks)."""
    deposit = lock(Deposit.objects.filter(pk=deposit_id)).get()
    Deposit.objects.filter(pk=deposit.pk).update(
        spent_cents=F("spent_cents") - amount_cents,
        digital_spent_cents=F("digital_spent_cents") - (amount_cents if is_digital else 0),
    )
