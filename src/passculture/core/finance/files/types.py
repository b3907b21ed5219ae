"""Plain inputs of the reimbursement files: no ORM, so the files can be built from any query (or test)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from passculture.core.common.money import Cents


@dataclass(frozen=True)
class Party:
    """A holder of a bank account: the debtor (pass Culture) or a creditor (an offerer)."""

    name: str
    iban: str
    bic: str


Debtor = Party
Creditor = Party


@dataclass(frozen=True)
class Transfer:
    """One SEPA credit transfer: what one bank account (IBAN + BIC) receives in a batch."""

    creditor: Creditor
    amount_cents: Cents
    label: str
    end_to_end_id: str


@dataclass(frozen=True)
class StatementLine:
    """One priced booking in a batch: a row of the statements and of the accounting CSV.

    `creditor` is the offerer's name (who receives the money), `venue` the venue's public name.
    `rate` is a fraction (Decimal("0.95") for 95 %), None when a custom rule set a fixed amount.
    `validated_at` is an aware datetime, shown on `timezone`'s clock (the venue's).
    """

    year: int
    transfer_label: str
    creditor: str
    siret: str
    iban: str
    bic: str
    venue: str
    offer: str
    beneficiary: str
    countermark: str
    validated_at: dt.datetime
    booking_amount_cents: Cents
    rate: Decimal | None
    reimbursed_cents: Cents
    status: str
    timezone: str = "Europe/Paris"


@dataclass(frozen=True)
class VenueStatement:
    """What one venue receives for one cut-off: header facts and its lines."""

    venue: str
    siret: str
    creditor: str
    iban: str
    cutoff: dt.date
    lines: tuple[StatementLine, ...] = field(default_factory=tuple)

    @property
    def booked_cents(self) -> Cents:
        return sum(line.booking_amount_cents for line in self.lines)

    @property
    def reimbursed_cents(self) -> Cents:
        return sum(line.reimbursed_cents for line in self.lines)
