"""The CSV files of a batch: every line for accounting, and each venue's statement.

Both use core/common/exports.py: `;`, UTF-8 with BOM (Excel), euros with two decimals and a comma,
spreadsheet formulas defused. The statement's columns are those of RULES.md "Reimbursement"; the
accounting file adds the BIC, so that it reconciles with the SEPA file account by account.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from passculture.core.common.exports import Column, Kind, iter_csv, iter_csv_bytes
from passculture.core.common.money import cents_to_euros
from passculture.core.common.time import to_local

from .text import format_iban, format_rate
from .types import StatementLine, VenueStatement

STATEMENT_COLUMNS: tuple[Column, ...] = (
    Column("year", "Année", Kind.INTEGER, 8),
    Column("transfer_label", "Libellé du virement", width=48),
    Column("creditor", "Créancier", width=30),
    Column("siret", "SIRET", width=16),
    Column("iban", "IBAN", width=34),
    Column("venue", "Lieu", width=30),
    Column("offer", "Offre", width=40),
    Column("beneficiary", "Bénéficiaire", width=24),
    Column("countermark", "Contremarque", width=12),
    Column("validated_at", "Date de validation", Kind.DATETIME, 18),
    Column("booking_amount", "Montant de la réservation (€)", Kind.EUROS, 14),
    Column("rate", "Taux de remboursement", width=12),
    Column("reimbursed", "Montant remboursé (€)", Kind.EUROS, 14),
    Column("status", "Statut", width=16),
)
ACCOUNTING_COLUMNS: tuple[Column, ...] = (
    *STATEMENT_COLUMNS[:5],
    Column("bic", "BIC", width=12),
    *STATEMENT_COLUMNS[5:],
)


def statement_row(line: StatementLine) -> list[Any]:
    return [
        line.year,
        line.transfer_label,
        line.creditor,
        line.siret,
        format_iban(line.iban),
        line.venue,
        line.offer,
        line.beneficiary,
        line.countermark,
        to_local(line.validated_at, line.timezone),
        cents_to_euros(line.booking_amount_cents),
        format_rate(line.rate),
        cents_to_euros(line.reimbursed_cents),
        line.status,
    ]


def accounting_row(line: StatementLine) -> list[Any]:
    row = statement_row(line)
    return [*row[:5], line.bic.strip().upper(), *row[5:]]


def _join(columns: Sequence[Column], rows: Iterator[list[Any]]) -> bytes:
    return "".join(iter_csv(columns, rows)).encode("utf-8")


def accounting_csv(lines: Iterable[StatementLine]) -> bytes:
    """Every line of a batch, all venues together."""
    return _join(ACCOUNTING_COLUMNS, (accounting_row(line) for line in lines))


def statement_csv(statement: VenueStatement) -> bytes:
    """One venue's lines for one cut-off."""
    return _join(STATEMENT_COLUMNS, (statement_row(line) for line in statement.lines))


def iter_accounting_csv(lines: Iterable[StatementLine]) -> Iterator[bytes]:
    """The accounting CSV in chunks, for a batch too large to hold in memory as one string."""
    return iter_csv_bytes(ACCOUNTING_COLUMNS, (accounting_row(line) for line in lines))
