"""My credit: what remains, until when, and every movement (grant, bookings, refunds, expiry)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render

from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_MONTHS, format_local, shift, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import (
    MovementKind,
    balance_of_deposits,
    credit_history_of_deposits,
    deposits_of,
)
from passculture.interfaces.app.access import beneficiary_required

from .presenters import CANCELLED_BY, quantity_label
from .views import private_page


@dataclass(frozen=True)
class MovementRow:
    when: str
    when_iso: str
    label: str
    amount: str
    is_credit: bool
    balance_after: str
    booking_id: int | None


def _local_date(moment) -> str:
    """`10 mars 2028`, the day in Paris (the credit is national: no venue timezone applies)."""
    local = to_local(moment, settings.TIME_ZONE)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {FRENCH_MONTHS[local.month - 1]} {local.year}"


def valid_until(expires_at) -> str:
    """The last moment the credit can be spent, in Paris: a midnight expiry means "the day before, inclusive"."""
    local = to_local(expires_at, settings.TIME_ZONE)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{_local_date(shift(expires_at, -dt.timedelta(microseconds=1)))} inclus"
    return f"{_local_date(expires_at)} à {local.hour:02d}h{local.minute:02d}"


def _label(movement) -> str:
    # With two credits (17 and 18 ans), which one was granted or expired.
    of_age = f" (crédit de {movement.age} ans)" if movement.age else ""
    if movement.kind == MovementKind.GRANT:
        return f"Crédit pass Culture attribué{of_age}"
    if movement.kind == MovementKind.EXPIRY:
        return f"Crédit expiré{of_age}"
    what = f"« {movement.offer_name} », {quantity_label(movement.quantity)}"
    if movement.kind == MovementKind.BOOKING:
        return f"Réservation {what}"
    reason = CANCELLED_BY.get(movement.cancellation_reason, "Annulée")
    return f"Remboursement {what} : {reason.lower()}"


def _signed(cents: int) -> str:
    if cents > 0:
        return f"+{format_euros(cents)}"
    if cents < 0:
        return f"−{format_euros(-cents)}"
    return format_euros(0)


@dataclass(frozen=True)
class PartRow:
    """One of several credits (the 17 and 18 credits of the 2025 policy)."""

    label: str
    remaining: str
    initial: str
    validity: str
    is_expired: bool


def _part_row(part) -> PartRow:
    assert part.expires_at is not None
    return PartRow(
        label=f"Crédit de {part.age} ans" if part.age else "Crédit",
        remaining=format_euros(part.remaining_cents),
        initial=format_euros(part.initial_cents),
        validity=f"expiré le {_local_date(part.expires_at)}"
        if part.is_expired
        else f"valable jusqu'au {valid_until(part.expires_at)}",
        is_expired=part.is_expired,
    )


@beneficiary_required
@private_page
def credit(request):
    at = utcnow()
    deposits = deposits_of(request.user)
    if not deposits:
        return render(request, "app/credit/credit.html", {"deposit": None})
    balance = balance_of_deposits(deposits, at)
    movements = credit_history_of_deposits(deposits, at)
    rows = [
        MovementRow(
            when=format_local(movement.at, settings.TIME_ZONE),
            when_iso=movement.at.isoformat(),
            label=_label(movement),
            amount=_signed(movement.amount_cents),
            is_credit=movement.amount_cents > 0,
            balance_after=format_euros(movement.balance_after_cents),
            booking_id=movement.booking_id,
        )
        for movement in reversed(movements)  # newest first, like a bank statement
    ]
    digital_cap = balance.digital_cap_cents
    assert balance.expires_at is not None
    return render(
        request,
        "app/credit/credit.html",
        {
            "deposit": deposits[-1],
            "balance": balance,
            "remaining": format_euros(balance.remaining_cents),
            "initial": format_euros(balance.initial_cents),
            "spent": format_euros(balance.spent_cents),
            "expires_on": _local_date(balance.expires_at),
            "valid_until": valid_until(balance.expires_at),
            "digital_cap": format_euros(digital_cap) if digital_cap is not None else "",
            "digital_remaining": format_euros(balance.digital_remaining_cents or 0),
            "parts": [_part_row(part) for part in balance.parts],
            "rows": rows,
        },
    )
