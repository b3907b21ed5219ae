"""The fast CSV formatter writes, byte for byte, what the files always held: checked against the
straightforward writer it replaced (csv.writer over `csv_cell` of each value, one row at a time)."""

import csv
import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from passculture.core.common.exports import UTF8_BOM, defuse_formula, french_decimal
from passculture.core.common.money import cents_to_euros
from passculture.core.finance.files import (
    StatementCsvFormatter,
    StatementLine,
    VenueStatement,
    accounting_csv,
    iter_accounting_csv,
    statement_csv,
)
from passculture.core.finance.files.tables import ACCOUNTING_COLUMNS, STATEMENT_COLUMNS
from passculture.core.finance.files.text import format_iban, format_rate

from .conftest import CUTOFF

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _reference_cell(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == "euros":
        return french_decimal(Decimal(value))
    if kind == "datetime":
        return value.strftime("%d/%m/%Y %H:%M")
    if kind == "integer":
        return str(int(value))
    return defuse_formula(_ILLEGAL.sub("", str(value)))


def _reference_row(line: StatementLine, *, accounting: bool) -> list:
    row = [
        line.year,
        line.transfer_label,
        line.creditor,
        line.siret,
        format_iban(line.iban),
        line.venue,
        line.offer,
        line.beneficiary,
        line.countermark,
        line.validated_at.astimezone(ZoneInfo(line.timezone)),
        cents_to_euros(line.booking_amount_cents),
        format_rate(line.rate),
        cents_to_euros(line.reimbursed_cents),
        line.status,
    ]
    if accounting:
        row = [*row[:5], line.bic.strip().upper(), *row[5:]]
    return row


def reference_csv(lines, *, accounting: bool) -> bytes:
    columns = ACCOUNTING_COLUMNS if accounting else STATEMENT_COLUMNS
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    text = [UTF8_BOM + writer.writerow([_reference_cell("text", column.header) for column in columns])]
    for line in lines:
        row = _reference_row(line, accounting=accounting)
        text.append(
            writer.writerow(
                [_reference_cell(column.kind, value) for column, value in zip(columns, row, strict=True)]
            )
        )
    return "".join(text).encode("utf-8")


TIMEZONES = ("Europe/Paris", "Indian/Reunion", "America/Cayenne", "Asia/Kolkata", "Australia/Lord_Howe")
tricky_text = st.text(
    alphabet=st.sampled_from([*"ab é;\"'=+-@\t\r\n\x07\x1f0123456789,.", "\u00a0", "\u2028"]),
    max_size=10,
)
lines = st.builds(
    StatementLine,
    year=st.sampled_from([2025, 2026]),
    transfer_label=st.sampled_from(["pass Culture Pro - remboursement 1ère quinzaine 03-2026", "=x;y"]),
    creditor=tricky_text,
    siret=st.sampled_from(["12345678900012", "", "+33 1"]),
    iban=st.sampled_from(["FR7630006000011234567890189", " fr76 3000 6000 0112 3456 7890 189 "]),
    bic=st.sampled_from(["AGRIFRPP", " psstfrpppar "]),
    venue=tricky_text,
    offer=tricky_text,
    beneficiary=tricky_text,
    countermark=st.one_of(st.sampled_from(["CM0001", "AB12CD"]), tricky_text),
    validated_at=st.datetimes(
        min_value=dt.datetime(1990, 1, 1),
        max_value=dt.datetime(2040, 1, 1),
        timezones=st.one_of(st.just(dt.UTC), st.sampled_from([ZoneInfo(name) for name in TIMEZONES])),
    ),
    booking_amount_cents=st.integers(0, 10**7),
    rate=st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4), st.just(Decimal("-0"))),
    reimbursed_cents=st.integers(0, 10**7),
    status=st.sampled_from(["En attente", "Envoyé", "Erreur; voir"]),
    timezone=st.sampled_from(TIMEZONES),
)


def statement(items) -> VenueStatement:
    return VenueStatement(
        venue="L'Éden", siret="1", creditor="C", iban="FR76", cutoff=CUTOFF, lines=tuple(items)
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=8))
def test_the_files_are_those_the_plain_csv_writer_gives(items):
    assert accounting_csv(items) == reference_csv(items, accounting=True)
    assert statement_csv(statement(items)) == reference_csv(items, accounting=False)


def _around(*moments: dt.datetime) -> list[dt.datetime]:
    return [
        moment + dt.timedelta(seconds=seconds) for moment in moments for seconds in (-61, -1, 0, 1, 59, 61)
    ]


def test_validation_times_around_clock_changes_are_each_on_their_own_clock():
    # Paris goes forward at 01:00 UTC (29 March 2026) and back at 01:00 UTC (25 October 2026); Lord Howe
    # moves by 30 minutes. One formatter sees them all, in order and out of order.
    moments = _around(
        dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 4, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 3, 15, 30, tzinfo=dt.UTC),
    )
    items = [
        StatementLine(
            year=2026,
            transfer_label="L",
            creditor="C",
            siret="S",
            iban="FR76",
            bic="B",
            venue="V",
            offer="O",
            beneficiary="B",
            countermark="CM",
            validated_at=moment,
            booking_amount_cents=100,
            rate=None,
            reimbursed_cents=100,
            status="S",
            timezone=zone,
        )
        for zone in ("Europe/Paris", "Australia/Lord_Howe", "UTC")
        for moment in [*moments, *reversed(moments)]
    ]
    assert accounting_csv(items) == reference_csv(items, accounting=True)


def test_a_tiny_memo_gives_the_same_lines(make_line):
    items = [
        make_line(offer=f"Offre {n % 7}", booking_amount_cents=n % 5, rate=Decimal(n % 3)) for n in range(60)
    ]
    small = StatementCsvFormatter(limit=2)
    lines_small = [line for _, _, _, line in small.lines((None, row) for row in _rows(items))]
    lines_big = [line for _, _, _, line in StatementCsvFormatter().lines((None, row) for row in _rows(items))]
    assert lines_small == lines_big
    assert b"".join(iter_accounting_csv(items, lines_per_chunk=7)) == reference_csv(items, accounting=True)


def _rows(items):
    from passculture.core.finance.files import row_of

    return [row_of(line) for line in items]
