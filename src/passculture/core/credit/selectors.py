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


# --- History ------------------------------------------------------------------------------------


class MovementKind:
    GRANT = "GRANT"
    BOOKING = "BOOKING"
    REFUND = "REFUND"
    EXPIRY = "EXPIRY"


# Same moment: the grant comes first, a booking before its own refund, the expiry last.
_KIND_ORDER = {MovementKind.GRANT: 0, MovementKind.BOOKING: 1, MovementKind.REFUND: 2, MovementKind.EXPIRY: 3}


@dataclass(frozen=True)
class CreditMovement:
    kind: str
    at: dt.datetime
    # Signed: the grant and refunds add, bookings and the expiry take away.
    amount_cents: int
    # What remained right after (0 from the expiry on, like balance_of).
    balance_after_cents: int
    booking_id: int | None = None
    offer_name: str = ""
    quantity: int = 0
    cancellation_reason: str = ""


def credit_history(deposit: Deposit, at: dt.datetime | None = None) -> list[CreditMovement]:
    """The deposit's grant, each booking it paid (when booked) and each refund (when cancelled), oldest
    first, with the balance after each; then the expiry once passed. One query for the bookings.

    Read from the bookings themselves (not an extra ledger): a booking debits its total when made and a
    cancellation gives the same total back, which is exactly how `spent_cents` moves."""
    at = at or utcnow()
    rows = deposit.bookings.order_by().values_list(
        "pk", "booked_at", "cancelled_at", "amount_cents", "quantity", "offer__name", "cancellation_reason"
    )
    # (moment, kind, signed amount, booking id, offer name, quantity, reason)
    events: list[tuple[dt.datetime, str, int, int | None, str, int, str]] = [
        (deposit.granted_at, MovementKind.GRANT, deposit.amount_cents, None, "", 0, "")
    ]
    for pk, booked_at, cancelled_at, amount, quantity, offer_name, reason in rows:
        total = amount * quantity
        events.append((booked_at, MovementKind.BOOKING, -total, pk, offer_name, quantity, ""))
        if cancelled_at is not None:
            events.append((cancelled_at, MovementKind.REFUND, total, pk, offer_name, quantity, reason))
    events.sort(key=lambda e: (e[0], _KIND_ORDER[e[1]], e[3] or 0))

    movements: list[CreditMovement] = []
    running = 0
    expiry_recorded = False
    for moment, kind, amount, booking_id, offer_name, quantity, reason in events:
        if not expiry_recorded and deposit.expires_at <= min(moment, at):
            movements.append(_expiry(deposit, running))
            expiry_recorded = True
        running += amount
        movements.append(
            CreditMovement(
                kind=kind,
                at=moment,
                amount_cents=amount,
                balance_after_cents=0 if expiry_recorded else max(running, 0),
                booking_id=booking_id,
                offer_name=offer_name,
                quantity=quantity,
                cancellation_reason=reason,
            )
        )
    if not expiry_recorded and deposit.expires_at <= at:
        movements.append(_expiry(deposit, running))
    return movements


def _expiry(deposit: Deposit, running: int) -> CreditMovement:
    return CreditMovement(
        kind=MovementKind.EXPIRY,
        at=deposit.expires_at,
        amount_cents=-max(running, 0),
        balance_after_cents=0,
    )
