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


@dataclass(frozen=True, eq=False)
class Payee:
    """The columns every line paid by one payment line shares (a `StatementLine` is a payee and the
    booking's own columns). Compared and hashed by identity: a batch makes one per payment line, and the
    CSV formatter keys its memo on it."""

    transfer_label: str
    creditor: str
    siret: str
    iban: str
    bic: str
    venue: str
    status: str
    timezone: str = "Europe/Paris"


# One booking of a statement, as the CSV formatter reads it: (payee, year, offer, beneficiary,
# countermark, validated_at, booking_amount_cents, rate, reimbursed_cents).
StatementRow = tuple[Payee, int, str, str, str, dt.datetime, Cents, Decimal | None, Cents]


def line_of(row: StatementRow) -> StatementLine:
    payee, year, offer, beneficiary, countermark, validated_at, booked, rate, reimbursed = row
    return StatementLine(
        year=year,
        transfer_label=payee.transfer_label,
        creditor=payee.creditor,
        siret=payee.siret,
        iban=payee.iban,
        bic=payee.bic,
        venue=payee.venue,
        offer=offer,
        beneficiary=beneficiary,
        countermark=countermark,
        validated_at=validated_at,
        booking_amount_cents=booked,
        rate=rate,
        reimbursed_cents=reimbursed,
        status=payee.status,
        timezone=payee.timezone,
    )


def row_of(line: StatementLine, payee: Payee | None = None) -> StatementRow:
    """The row of `line`; `payee` when given must hold the same columns (shared by many lines)."""
    if payee is None:
        payee = Payee(
            transfer_label=line.transfer_label,
            creditor=line.creditor,
            siret=line.siret,
            iban=line.iban,
            bic=line.bic,
            venue=line.venue,
            status=line.status,
            timezone=line.timezone,
        )
    return (
        payee,
        line.year,
        line.offer,
        line.beneficiary,
        line.countermark,
        line.validated_at,
        line.booking_amount_cents,
        line.rate,
        line.reimbursed_cents,
    )


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
