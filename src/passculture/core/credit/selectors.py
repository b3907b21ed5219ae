import datetime as dt
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Q

from passculture.core.common.rows import RowReader
from passculture.core.common.time import now as utcnow

from .models import CreditPolicy, Debit, Deposit
from .validation import shared_digital_room


def policy_in_force(day: dt.date, age: int) -> CreditPolicy | None:
    return (
        CreditPolicy.objects.filter(is_active=True, age=age, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
        .order_by("-valid_from")
        .first()
    )


def grant_ages(day: dt.date) -> tuple[int, int] | None:
    """The youngest and the oldest age a policy in force on `day` grants a credit at: (18, 18) under the
    2021 policy, (17, 18) once the 2025 one is switched on; None when no policy is in force."""
    ages = (
        CreditPolicy.objects.filter(is_active=True, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))
        .values_list("age", flat=True)
    )
    found = set(ages)
    return (min(found), max(found)) if found else None


def latest_deposit(user) -> Deposit | None:
    return Deposit.objects.filter(user=user).order_by("-granted_at", "-id").first()


def deposits_of(user) -> list[Deposit]:
    """Every credit the beneficiary was granted, in spending order (see `spending_order`), with its
    policy. One prebuilt statement: every booking refused without a lock reads them (decision 0040)."""
    return spending_order(_DEPOSITS_OF.all(connection, [user.pk]))


_DEPOSITS_OF = RowReader(Deposit, related=("policy",), where=("user",))


def spending_order(deposits) -> list[Deposit]:
    """The order in which a booking spends several credits: first the one that expires first (what would
    be lost), then the older grant (under the 2025 policy both end on the 21st birthday: the 17-year-old's
    credit goes first). Row locks are taken in id order, not in this one (`services.lock_deposits`)."""
    return sorted(deposits, key=lambda deposit: (deposit.expires_at, deposit.granted_at, deposit.pk))


def is_usable(deposit: Deposit, at: dt.datetime) -> bool:
    return at < deposit.expires_at


@dataclass(frozen=True)
class Balance:
    initial_cents: int
    spent_cents: int
    remaining_cents: int
    digital_cap_cents: int | None
    digital_remaining_cents: int | None
    expires_at: dt.datetime | None
    is_expired: bool
    # One balance per credit when the beneficiary holds several (the 2025 policy); empty for one deposit.
    parts: tuple["Balance", ...] = ()
    # The age the credit was granted at (17 or 18), for a part; None for a sum of several.
    age: int | None = None

    @classmethod
    def empty(cls) -> "Balance":
        return cls(0, 0, 0, None, None, None, False)

    @property
    def free_offers_only(self) -> bool:
        """Every credit has expired: free (0 EUR) offers can still be booked, paid ones cannot."""
        return self.is_expired


def balance_of_deposit(deposit: Deposit | None, at: dt.datetime | None = None) -> Balance:
    """Remaining = amount - non-cancelled bookings, never below 0, and 0 once expired."""
    if deposit is None:
        return Balance.empty()
    at = at or utcnow()
    expired = not is_usable(deposit, at)
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


def balance_of_deposits(deposits: list[Deposit], at: dt.datetime | None = None) -> Balance:
    """The credits a beneficiary holds, added up. One deposit: exactly its own balance. Several: the
    amounts of those still usable (of all of them once every one has expired), what remains of the usable
    ones, and the last expiry; `parts` has each one's balance."""
    at = at or utcnow()
    if len(deposits) <= 1:
        return balance_of_deposit(deposits[0] if deposits else None, at)
    parts = tuple(
        replace(balance_of_deposit(deposit, at), age=deposit.policy.age)
        for deposit in spending_order(deposits)
    )
    usable = [part for part in parts if not part.is_expired]
    counted = usable or list(parts)
    digital_remaining = None
    digital_cap = None
    if any(part.digital_cap_cents is not None for part in counted):
        # What each credit may still spend on digital offers (its cap, or all of it when it has none)...
        digital_remaining = sum(
            part.remaining_cents if part.digital_remaining_cents is None else part.digital_remaining_cents
            for part in usable
        )
        # ... within the pass's one cap, shared by its credits (validation.shared_digital_room).
        live = [deposit for deposit in deposits if is_usable(deposit, at)] or list(deposits)
        shared = shared_digital_room(live)
        if shared is not None:
            digital_remaining = min(digital_remaining, shared)
            digital_cap = min(
                max(deposit.digital_cap_cents or 0 for deposit in live),
                sum(part.initial_cents for part in counted),
            )
        else:
            digital_cap = sum(
                part.initial_cents
                if part.digital_cap_cents is None
                else min(part.digital_cap_cents, part.initial_cents)
                for part in counted
            )
    return Balance(
        initial_cents=sum(part.initial_cents for part in counted),
        spent_cents=sum(part.spent_cents for part in counted),
        remaining_cents=sum(part.remaining_cents for part in usable),
        digital_cap_cents=digital_cap,
        digital_remaining_cents=digital_remaining,
        expires_at=max(part.expires_at for part in counted if part.expires_at is not None),
        is_expired=not usable,
        parts=parts,
    )


def balance_of(user, at: dt.datetime | None = None) -> Balance:
    """The beneficiary's credit: every deposit they hold, added up (`balance_of_deposits`)."""
    return balance_of_deposits(deposits_of(user), at)


@dataclass(frozen=True)
class Refund:
    """What a cancellation gives back, per whether it can still be spent (each debit goes back to its own
    deposit, which may have expired by then)."""

    spendable_cents: int
    expired_cents: int
    # When the credit that received the lost part expired (the latest, if several).
    expired_at: dt.datetime | None = None


def refund_of(booking, at: dt.datetime) -> Refund:
    """What cancelling `booking` at `at` gives back (or gave back, with `at` = its cancellation time):
    the amounts going back to credits still usable, and those going back to expired ones, which nobody
    can spend any more. A free booking, or one without a deposit, gives nothing back."""
    spendable = expired = 0
    expired_at = None
    for amount, expires_at in booking.debits.values_list("amount_cents", "deposit__expires_at"):
        if at < expires_at:
            spendable += amount
        elif amount:
            expired += amount
            expired_at = max(expired_at, expires_at) if expired_at else expires_at
    return Refund(spendable_cents=spendable, expired_cents=expired, expired_at=expired_at)


# --- History ------------------------------------------------------------------------------------


class MovementKind:
    GRANT = "GRANT"
    BOOKING = "BOOKING"
    REFUND = "REFUND"
    EXPIRY = "EXPIRY"


# Same moment: the grant comes first, then an expiry (a credit is expired from its expiry instant on, so
# a refund at that very instant goes to an expired credit), a booking before its own refund.
_KIND_ORDER = {MovementKind.GRANT: 0, MovementKind.EXPIRY: 1, MovementKind.BOOKING: 2, MovementKind.REFUND: 3}


@dataclass(frozen=True)
class CreditMovement:
    kind: str
    at: dt.datetime
    # Signed: the grant and refunds add, bookings and the expiry take away.
    amount_cents: int
    # What remained right after, over every credit of the history (0 from a credit's expiry on).
    balance_after_cents: int
    booking_id: int | None = None
    offer_name: str = ""
    quantity: int = 0
    cancellation_reason: str = ""
    # For a grant or an expiry: the age the credit was granted at (17 or 18).
    age: int | None = None


def credit_history(deposit: Deposit, at: dt.datetime | None = None) -> list[CreditMovement]:
    """One deposit's history (see `credit_history_of_deposits`)."""
    return credit_history_of_deposits([deposit], at)


def credit_history_of(user, at: dt.datetime | None = None) -> list[CreditMovement]:
    """Every credit of the beneficiary in one history (the 17 and 18 credits of the 2025 policy)."""
    return credit_history_of_deposits(deposits_of(user), at)


def credit_history_of_deposits(
    deposits: list[Deposit], at: dt.datetime | None = None
) -> list[CreditMovement]:
    """Each grant, each booking (when booked) and each refund (when cancelled), oldest first, with the
    balance after each; then each credit's expiry once passed. One query for the bookings.

    Read from the debits (what each booking took from each deposit) rather than an extra ledger: a booking
    takes its total when made and a cancellation gives each debit back to its deposit, which is exactly how
    `spent_cents` moves. A booking split over two credits is one movement of its total."""
    at = at or utcnow()
    if not deposits:
        return []
    by_pk = {deposit.pk: deposit for deposit in deposits}
    rows = (
        Debit.objects.filter(deposit_id__in=list(by_pk))
        .order_by()
        .values_list(
            "deposit_id",
            "amount_cents",
            "booking_id",
            "booking__booked_at",
            "booking__cancelled_at",
            "booking__quantity",
            "booking__offer__name",
            "booking__cancellation_reason",
        )
    )
    # booking id -> (booked at, cancelled at, quantity, offer name, reason, {deposit id: amount})
    bookings: dict[int, tuple] = {}
    for deposit_id, amount, booking_id, booked_at, cancelled_at, quantity, offer_name, reason in rows:
        entry = bookings.setdefault(booking_id, (booked_at, cancelled_at, quantity, offer_name, reason, {}))
        entry[5][deposit_id] = amount
    # (moment, kind, booking id or 0, deposit id or 0, {deposit id: signed amount}, offer, quantity, reason)
    events: list[tuple[dt.datetime, str, int, int, dict[int, int], str, int, str]] = []
    for deposit in deposits:
        events.append(
            (
                deposit.granted_at,
                MovementKind.GRANT,
                0,
                deposit.pk,
                {deposit.pk: deposit.amount_cents},
                "",
                0,
                "",
            )
        )
        if deposit.expires_at <= at:
            events.append((deposit.expires_at, MovementKind.EXPIRY, 0, deposit.pk, {}, "", 0, ""))
    for booking_id, (booked_at, cancelled_at, quantity, offer_name, reason, parts) in bookings.items():
        taken = {deposit_id: -amount for deposit_id, amount in parts.items()}
        events.append((booked_at, MovementKind.BOOKING, booking_id, 0, taken, offer_name, quantity, ""))
        if cancelled_at is not None:
            events.append(
                (cancelled_at, MovementKind.REFUND, booking_id, 0, dict(parts), offer_name, quantity, reason)
            )
    events.sort(key=lambda e: (e[0], _KIND_ORDER[e[1]], e[2], e[3]))

    running = dict.fromkeys(by_pk, 0)
    expired: set[int] = set()
    movements: list[CreditMovement] = []
    for moment, kind, booking_id, deposit_id, amounts, offer_name, quantity, reason in events:
        if kind == MovementKind.EXPIRY:
            amount = -max(running[deposit_id], 0)
            expired.add(deposit_id)
        else:
            amount = sum(amounts.values())
            for pk, part in amounts.items():
                running[pk] += part
        age = by_pk[deposit_id].policy.age if deposit_id and len(deposits) > 1 else None
        movements.append(
            CreditMovement(
                kind=kind,
                at=moment,
                amount_cents=amount,
                balance_after_cents=sum(max(value, 0) for pk, value in running.items() if pk not in expired),
                booking_id=booking_id or None,
                offer_name=offer_name,
                quantity=quantity,
                cancellation_reason=reason,
                age=age,
            )
        )
    return movements
