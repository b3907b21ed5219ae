"""Checks on spending credit: shared by the debit (under the deposits' row locks) and by the pages that
tell the beneficiary beforehand whether a booking would be refused."""

import datetime as dt

from .exceptions import DepositExpired, DigitalCapReached, InsufficientCredit, NoDeposit
from .models import Deposit


def check_can_spend(deposit: Deposit, amount_cents: int, *, is_digital: bool) -> None:
    if deposit.spent_cents + amount_cents > deposit.amount_cents:
        raise InsufficientCredit()
    if (
        is_digital
        and deposit.digital_cap_cents is not None
        and deposit.digital_spent_cents + amount_cents > deposit.digital_cap_cents
    ):
        raise DigitalCapReached()


def _room(deposit: Deposit, *, is_digital: bool) -> int:
    room = deposit.amount_cents - deposit.spent_cents
    if is_digital and deposit.digital_cap_cents is not None:
        room = min(room, deposit.digital_cap_cents - deposit.digital_spent_cents)
    return max(room, 0)


def shared_digital_room(deposits: list[Deposit]) -> int | None:
    """What credits held together may still spend on digital offers. The digital cap is the pass's, not
    each credit's (RULES.md: 2025, 50 EUR at 17 + 150 EUR at 18, digital cap 100 EUR): their digital
    spending together stays within the highest cap among them. None when one of them has no cap."""
    if not deposits or any(deposit.digital_cap_cents is None for deposit in deposits):
        return None
    cap = max(deposit.digital_cap_cents or 0 for deposit in deposits)
    return max(cap - sum(deposit.digital_spent_cents for deposit in deposits), 0)


def last_expiry(deposits: list[Deposit]) -> dt.datetime | None:
    """When the last of these credits expires; None when there is none."""
    return max((deposit.expires_at for deposit in deposits), default=None)


def check_has_credit_for(ends_at: dt.datetime | None, total_cents: int, *, at: dt.datetime) -> None:
    """The first credit checks of a booking, before the stock's: a credit was granted (NO_DEPOSIT), and
    one is still usable unless the booking is free (DEPOSIT_EXPIRED). `ends_at`: when the person's last
    credit expires (`last_expiry`), None when none was granted. `plan_spending` does the rest."""
    if ends_at is None:
        raise NoDeposit()
    if total_cents and not at < ends_at:
        raise DepositExpired()


def plan_spending(
    deposits: list[Deposit], total_cents: int, *, is_digital: bool, at: dt.datetime
) -> list[tuple[Deposit, int]]:
    """Which deposits pay a booking of `total_cents`, and how much each: `deposits` in spending order
    (`selectors.spending_order`), each usable one taking what it can until the total is covered, so a
    booking is split over two credits only when the first cannot pay it alone.

    A free booking (0 EUR) needs no credit: it is made under the first usable deposit, or under the
    latest one once every credit has expired (a former beneficiary may still book free showtimes, as on
    the real service). Someone who never received a credit cannot book at all (NO_DEPOSIT)."""
    if not deposits:
        raise NoDeposit()
    usable = [deposit for deposit in deposits if at < deposit.expires_at]
    if total_cents == 0:
        chosen = usable[0] if usable else max(deposits, key=lambda deposit: (deposit.granted_at, deposit.pk))
        return [(chosen, 0)]
    if not usable:
        raise DepositExpired()
    plan: list[tuple[Deposit, int]] = []
    left = total_cents
    for deposit in usable:
        take = min(_room(deposit, is_digital=is_digital), left)
        if take:
            plan.append((deposit, take))
            left -= take
        if not left:
            break
    if not left:
        shared = shared_digital_room(usable) if is_digital else None
        if shared is not None and total_cents > shared:
            raise DigitalCapReached()
        return plan
    if is_digital and sum(_room(deposit, is_digital=False) for deposit in usable) >= total_cents:
        raise DigitalCapReached()
    raise InsufficientCredit()


def check_plan(plan: list[tuple[Deposit, int]], *, is_digital: bool) -> None:
    """Each part still fits its deposit (read under its lock)."""
    for deposit, amount in plan:
        check_can_spend(deposit, amount, is_digital=is_digital)
