"""The CSV files of a batch: every line for accounting, and each venue's statement.

Both use core/common/exports.py: `;`, UTF-8 with BOM (Excel), euros with two decimals and a comma,
spreadsheet formulas defused. The statement's columns are those of RULES.md "Reimbursement"; the
accounting file adds the BIC, so that it reconciles with the SEPA file account by account.

A batch pays up to a million bookings: `StatementCsvFormatter` formats each row once into both lines
(the accounting line is the statement line plus the BIC), every cell by `csv_cell` and `csv_field`,
and memoises what repeats (a payment line's columns, offers, beneficiaries, amounts, rates, the minute
of validation), so that most cells cost one dictionary lookup.
"""

import datetime as dt
from collections.abc import Generator, Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from passculture.core.common.exports import (
    CSV_DELIMITER,
    CSV_LINE_END,
    Column,
    FieldCache,
    Kind,
    csv_cell,
    csv_field,
    csv_header,
)
from passculture.core.common.money import Cents, cents_to_euros

from .text import format_iban, format_rate
from .types import Payee, StatementLine, StatementRow, VenueStatement, row_of

STATEMENT_COLUMNS: tuple[Column, ...] = (
    Column("year", "Année", Kind.INTEGER, 8, repeats=True),
    Column("transfer_label", "Libellé du virement", width=48, repeats=True),
    Column("creditor", "Créancier", width=30, repeats=True),
    Column("siret", "SIRET", width=16, repeats=True),
    Column("iban", "IBAN", width=34, repeats=True),
    Column("venue", "Lieu", width=30, repeats=True),
    Column("offer", "Offre", width=40, repeats=True),
    Column("beneficiary", "Bénéficiaire", width=24, repeats=True),
    Column("countermark", "Contremarque", width=12),
    Column("validated_at", "Date de validation", Kind.DATETIME, 18),
    Column("booking_amount", "Montant de la réservation (€)", Kind.EUROS, 14, repeats=True),
    Column("rate", "Taux de remboursement", width=12, repeats=True),
    Column("reimbursed", "Montant remboursé (€)", Kind.EUROS, 14, repeats=True),
    Column("status", "Statut", width=16, repeats=True),
)
ACCOUNTING_COLUMNS: tuple[Column, ...] = (
    *STATEMENT_COLUMNS[:5],
    Column("bic", "BIC", width=12, repeats=True),
    *STATEMENT_COLUMNS[5:],
)
# First line of each file, BOM included.
STATEMENT_HEADER = csv_header(STATEMENT_COLUMNS)
ACCOUNTING_HEADER = csv_header(ACCOUNTING_COLUMNS)

# What psycopg and Django's SQLite backend attach to the datetimes they read.
_UTC = frozenset({dt.UTC, ZoneInfo("UTC")})
_MINUTE = dt.timedelta(minutes=1)
_LAST_MOMENT_OF_MINUTE = dt.timedelta(seconds=59, microseconds=999_999)
K = TypeVar("K")


def _field(kind: Kind, value: Any) -> str:
    return csv_field(csv_cell(kind, value))


class StatementCsvFormatter:
    """Formats statement rows once into their two CSV lines (statement, accounting), CRLF included.

    The values are those the columns always had: year, transfer label, creditor, SIRET, IBAN in groups
    of four, (BIC, trimmed and upper case), venue, offer, beneficiary, countermark, validation time on
    the payee's clock, booking amount and reimbursed amount in euros, rate as a percentage, status.
    Memos are bounded (emptied when full), so one formatter can serve a whole batch."""

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._heads: dict[tuple[Payee, int], tuple[str, str, str, dict[Any, str]]] = {}
        self._minutes: dict[str, dict[Any, str]] = {}
        self._text = FieldCache(Kind.TEXT, limit)
        self._euros: dict[Cents, str] = {}
        self._rates: dict[Decimal | None, str] = {}

    def _head(self, payee: Payee, year: int) -> tuple[str, str, str, dict[Any, str]]:
        """The statement line's first cells, the accounting line's, the last cell with the line end,
        and the memo of validation minutes of the payee's timezone."""
        if len(self._heads) >= self.limit:
            self._heads.clear()
        first = [
            _field(Kind.INTEGER, year),
            _field(Kind.TEXT, payee.transfer_label),
            _field(Kind.TEXT, payee.creditor),
            _field(Kind.TEXT, payee.siret),
            _field(Kind.TEXT, format_iban(payee.iban)),
        ]
        venue = _field(Kind.TEXT, payee.venue)
        bic = _field(Kind.TEXT, payee.bic.strip().upper())
        minutes = self._minutes.setdefault(payee.timezone, {})
        head = (
            CSV_DELIMITER.join([*first, venue, ""]),
            CSV_DELIMITER.join([*first, bic, venue, ""]),
            CSV_DELIMITER + _field(Kind.TEXT, payee.status) + CSV_LINE_END,
            minutes,
        )
        self._heads[(payee, year)] = head
        return head

    def _euro(self, cents: Cents) -> str:
        field = _field(Kind.EUROS, cents_to_euros(cents))
        if len(self._euros) >= self.limit:
            self._euros.clear()
        self._euros[cents] = field
        return field

    def _rate(self, rate: Decimal | None) -> str:
        field = _field(Kind.TEXT, format_rate(rate))
        # Zero is left out: 0 and -0 are equal keys but would not print alike.
        if rate is None or rate:
            if len(self._rates) >= self.limit:
                self._rates.clear()
            self._rates[rate] = field
        return field

    def _minute(self, validated_at: dt.datetime, timezone: str, minutes: dict[Any, str], key: Any) -> str:
        """The validation time on the payee's clock; memoised per UTC minute when every instant of that
        minute shows the same local minute (same whole-minute UTC offset at its start and end)."""
        zone = ZoneInfo(timezone)
        local = validated_at.astimezone(zone)
        field = _field(Kind.DATETIME, local)
        if key is not None:
            start = validated_at.replace(second=0, microsecond=0)
            offset = local.utcoffset()
            if (
                offset is not None
                and offset % _MINUTE == dt.timedelta(0)
                and start.astimezone(zone).utcoffset() == offset
                and (start + _LAST_MOMENT_OF_MINUTE).astimezone(zone).utcoffset() == offset
            ):
                if len(minutes) >= self.limit:
                    minutes.clear()
                minutes[key] = field
        return field

    def lines(
        self, rows: Iterable[tuple[K, StatementRow]]
    ) -> Generator[tuple[K, StatementRow, str, str], None, None]:
        """(key, row, statement line, accounting line) for each (key, row): key and row pass through."""
        heads = self._heads
        text = self._text
        texts = text.fields  # looked up here first: a hit costs no call
        euros = self._euros
        rates = self._rates
        utc = _UTC
        for key, row in rows:
            payee, year, offer, beneficiary, countermark, validated_at, booked, rate, reimbursed = row
            head = heads.get((payee, year)) or self._head(payee, year)
            minutes = head[3]
            if validated_at.tzinfo in utc:
                minute = (
                    validated_at.year,
                    validated_at.month,
                    validated_at.day,
                    validated_at.hour,
                    validated_at.minute,
                )
                moment = minutes.get(minute) or self._minute(validated_at, payee.timezone, minutes, minute)
            else:
                moment = self._minute(validated_at, payee.timezone, minutes, None)
            # A plain alphanumeric countermark is its own cell (nothing to clean, defuse or quote).
            mark = countermark if countermark.isalnum() else _field(Kind.TEXT, countermark)
            percent = rates.get(rate)  # "" for a fixed amount
            if percent is None:
                percent = self._rate(rate)
            rest = (
                f"{texts.get(offer) or text(offer)};{texts.get(beneficiary) or text(beneficiary)};"
                f"{mark};{moment};"
                f"{euros.get(booked) or self._euro(booked)};{percent};"
                f"{euros.get(reimbursed) or self._euro(reimbursed)}{head[2]}"
            )
            yield key, row, head[0] + rest, head[1] + rest


def _rows(lines: Iterable[StatementLine]) -> Iterator[tuple[None, StatementRow]]:
    """Rows of lines, consecutive lines with the same payee columns sharing one `Payee` (memo key)."""
    payee = None
    previous = None
    for line in lines:
        shared = (
            line.transfer_label,
            line.creditor,
            line.siret,
            line.iban,
            line.bic,
            line.venue,
            line.status,
            line.timezone,
        )
        if shared != previous:
            previous = shared
            row = row_of(line)
            payee = row[0]
        else:
            row = row_of(line, payee)
        yield None, row


def accounting_csv(lines: Iterable[StatementLine]) -> bytes:
    """Every line of a batch, all venues together."""
    return b"".join(iter_accounting_csv(lines))


def statement_csv(statement: VenueStatement) -> bytes:
    """One venue's lines for one cut-off."""
    formatter = StatementCsvFormatter()
    body = "".join([line for _, _, line, _ in formatter.lines(_rows(statement.lines))])
    return (STATEMENT_HEADER + body).encode("utf-8")


def iter_accounting_csv(lines: Iterable[StatementLine], *, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """The accounting CSV in chunks, for a batch too large to hold in memory as one string."""
    chunk = [ACCOUNTING_HEADER]
    for _, _, _, line in StatementCsvFormatter().lines(_rows(lines)):
        chunk.append(line)
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")
