import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from passculture.core.common.time import now as utcnow

from .models import CreditPolicy, Deposit


def policy_in_force(day: dt.date, age: int) -> CreditPolicy | None:
    return (
        CreditPolicy.objects.filter(is_active=True, age=age, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
        .order_by("-valid_from")
        .first()
    )


def latest_deposit(user) -> Deposit | None:
    return Deposit.objects.filter(user=user).order_by("-granted_at", "-id").first()


@dataclass(frozen=True)
class Balance:
    initial_cents: int
    spent_cents: int
    remaining_cents: int
    digital_cap_cents: int | None
    digital_remaining_cents: int | None
    expires_at: dt.datetime | None
    is_expired: bool

    @classmethod
    def empty(cls) -> "Balance":
        return cls(0, 0, 0, None, None, None, False)


def balance_of_deposit(deposit: Deposit | None, at: dt.datetime | None = None) -> Balance:
    """Remaining = amount - non-cancelled bookings, never below 0, and 0 once expired."""
    if deposit is None:
        return Balance.empty()
    at = at or utcnow()
    expired = deposit.expires_at <= at
    remaining = 0 if expired else max(deposit.amount_cents - deposit.spent_cents, 0)
    digital_remaining = None
    if deposit.digital_cap_cents is not None:
        digital_remaining = min(max(deposit.digital_cap_cents - deposit.digital_spent_cents, 0), remaining)
    return Balance(
        initial_cents=deposit.amount_cents,
        spent_cents=deposit.spent_cents,
        remaining_cents=remaining,
        digital_cap_cents=deposit.digital_cap_cents,
        digital_remaining_cents=digital_remaining,
        expires_at=deposit.expires_at,
        is_expired=expired,
    )


def balance_of(user, at: dt.datetime | None = None) -> Balance:
    return balance_of_deposit(latest_deposit(user), at)
