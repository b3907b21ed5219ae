"""Deposits: grant, and the debit/refund that bookings perform under the deposit's row lock."""

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F

from passculture.core.common import rows
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.rows import RowReader, quoted_column
from passculture.core.common.time import add_years, age_on, birthday
from passculture.core.common.time import now as utcnow

from .exceptions import (
    DepositAlreadyGranted,
    NoLongerEligible,
    NoPolicyInForce,
    NotYetEligible,
)
from .models import CreditPolicy, Debit, Deposit
from .selectors import policy_in_force, spending_order
from .validation import check_plan

MIN_GRANT_AGE = 17
MAX_GRANT_AGE = 18


def _expiry(policy: CreditPolicy, granted_at: dt.datetime, birth_date: dt.date) -> dt.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    if policy.expires_at_age is not None:
        # The birthday as `age_on` counts it: born on 29 February, 1 March in a common year.
        day = birthday(birth_date, policy.expires_at_age)
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


def lock_deposits(user) -> list[Deposit]:
    """Locks every deposit row of the beneficiary, in ascending id order (call after locking the stock:
    fixed lock order), and returns them in spending order. Two bookings of one person (or a booking and a
    cancellation) lock them in the same order, so holding two credits cannot deadlock.

    Callers that wait for the lock read the clock once it is held, then call `plan_spending`. Every
    booking asks: its SQL is built once (decision 0040)."""
    return spending_order(_LOCK_DEPOSITS.all(connection, [user.pk]))


_LOCK_DEPOSITS = RowReader(Deposit, where=("user",), order_by=("id",), for_update=True)


def lock_deposits_by_id(deposit_ids) -> None:
    """Locks these deposit rows in ascending id order (several bookings cancelled in one transaction)."""
    ids = sorted(set(deposit_ids))
    if ids:
        list(lock(Deposit.objects.filter(pk__in=ids)).order_by("id").values_list("pk", flat=True))


def debit(
    booking, plan: list[tuple[Deposit, int]], *, is_digital: bool, writes: rows.Writes | None = None
) -> None:
    """Spends from deposits already locked by the caller (`plan_spending`'s plan, re-checked here) and
    records what `booking` took from each. The CHECK constraints refuse an overspend whatever happens.
    `writes`: the statements are added there, for the caller to send with its own (`rows.Writes`);
    without it they are sent before returning."""
    check_plan(plan, is_digital=is_digital)
    pending = rows.Writes(connection) if writes is None else writes
    for deposit, amount in plan:
        if amount:
            pending.add(_spend_sql(connection.alias), [amount, amount if is_digital else 0, deposit.pk])
            # The row is locked: what it holds now is what was read plus this amount (no re-read).
            deposit.spent_cents += amount
            if is_digital:
                deposit.digital_spent_cents += amount
    pending.insert([Debit(deposit=deposit, booking=booking, amount_cents=amount) for deposit, amount in plan])
    if writes is None:
        pending.execute()


@functools.cache
def _spend_sql(using: str) -> str:
    """`debit`'s UPDATE of a deposit, built once (every booking runs it, decision 0040)."""
    connection = connections[using]
    spent, digital, pk = (
        quoted_column(connection, Deposit, name) for name in ("spent_cents", "digital_spent_cents", "id")
    )
    table = connection.ops.quote_name(Deposit._meta.db_table)
    # Names come from the model, quoted; the values are parameters.
    return f"UPDATE {table} SET {spent} = {spent} + %s, {digital} = {digital} + %s WHERE {pk} = %s"  # noqa: S608


def refund(booking) -> None:
    """Gives each debit of a cancelled booking back to its own deposit (the caller holds the stock and
    booking locks; the deposits are locked here, in id order). An expired deposit gets it back too: its
    balance stays 0, and the history shows the refund after the expiry."""
    debits = list(Debit.objects.filter(booking=booking).order_by("deposit_id"))
    lock_deposits_by_id(debit.deposit_id for debit in debits)
    for debit in debits:
        if debit.amount_cents:
            Deposit.objects.filter(pk=debit.deposit_id).update(
                spent_cents=F("spent_cents") - debit.amount_cents,
                digital_spent_cents=F("digital_spent_cents")
                - (debit.amount_cents if booking.is_digital else 0),
            )
