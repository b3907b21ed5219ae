"""The tabular writers shared by exports: CSV for spreadsheets in French, XLSX with real types."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from passculture.core.common.exports import (
    Column,
    FieldCache,
    Kind,
    csv_line,
    defuse_formula,
    iter_csv,
    iter_csv_bytes,
    write_xlsx,
)

COLUMNS = (
    Column("name", "Nom", Kind.TEXT, 20),
    Column("count", "Quantité", Kind.INTEGER, 8),
    Column("price", "Prix", Kind.EUROS, 10),
    Column("at", "Date", Kind.DATETIME, 17),
)
PARIS = ZoneInfo("Europe/Paris")
ROW = ("Orbite basse", 2, Decimal("7.50"), dt.datetime(2026, 3, 14, 20, 30, tzinfo=PARIS))


def csv_text(rows) -> str:
    return "".join(iter_csv(COLUMNS, rows))


def test_csv_starts_with_the_utf8_bom_so_excel_reads_accents():
    assert csv_text([]).encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_csv_has_one_header_row_in_french_separated_by_semicolons():
    assert csv_text([]).lstrip("\ufeff") == "Nom;Quantité;Prix;Date\r\n"


def test_csv_writes_money_with_a_decimal_comma_and_dates_as_day_month_year_hour_minute():
    line = csv_text([ROW]).splitlines()[1]
    assert line == "Orbite basse;2;7,50;14/03/2026 20:30"


def test_csv_leaves_missing_values_empty():
    assert csv_text([("x", 1, None, None)]).splitlines()[1] == "x;1;;"


def test_csv_quotes_cells_holding_the_separator():
    assert csv_text([("Salle 1; VO", 1, None, None)]).splitlines()[1] == '"Salle 1; VO";1;;'


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]
)
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_quote_prefix(value):
    assert defuse_formula(value) == "'" + value
    assert csv_text([(value, 1, None, None)]).splitlines()[1].split(";")[0].strip('"').startswith("'")


@pytest.mark.parametrize("value", ["+33612345678", "-5", "Cinéma = art"])
def test_plain_numbers_and_harmless_text_are_left_as_typed(value):
    assert defuse_formula(value) == value


def test_headers_are_defused_too():
    columns = (Column("x", "=cmd"),)
    assert "".join(iter_csv(columns, [])).lstrip("\ufeff") == "'=cmd\r\n"


def load(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_xlsx_has_a_bold_frozen_header_and_column_widths():
    sheet = load(write_xlsx(COLUMNS, [ROW], sheet_title="Réservations"))
    assert [cell.value for cell in sheet[1]] == ["Nom", "Quantité", "Prix", "Date"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.title == "Réservations"


def test_xlsx_stores_numbers_and_naive_local_datetimes_with_formats():
    sheet = load(write_xlsx(COLUMNS, [ROW], sheet_title="R"))
    name, count, price, at = sheet[2]
    assert name.value == "Orbite basse"
    assert count.value == 2
    assert price.value == 7.5
    assert "€" in price.number_format
    assert at.value == dt.datetime(2026, 3, 14, 20, 30)
    assert at.is_date
    assert at.number_format == "dd/mm/yyyy hh:mm"


def test_xlsx_never_writes_a_formula_from_text():
    sheet = load(write_xlsx(COLUMNS, [("=1+1", 1, None, None)], sheet_title="R"))
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'=1+1"


def test_xlsx_drops_control_characters_xml_refuses():
    sheet = load(write_xlsx(COLUMNS, [("Bon\x07jour", 1, None, None)], sheet_title="R"))
    assert sheet["A2"].value == "Bonjour"


def test_csv_bytes_group_lines_into_chunks_and_equal_the_text():
    rows = [ROW] * 5
    chunks = list(iter_csv_bytes(COLUMNS, rows, lines_per_chunk=2))
    assert len(chunks) == 3  # header + 5 rows = 6 lines
    assert b"".join(chunks).decode("utf-8") == csv_text(rows)


class _Echo:
    def write(self, value: str) -> str:
        return value


cells = st.text(alphabet=st.sampled_from([*"a é;\"'=+-@\t\r\n\x07 0,", "\u2028"]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=5))
def test_csv_line_is_what_the_csv_module_writes(row):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    assert csv_line(row) == writer.writerow(row)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cells, st.integers(-3, 3)), max_size=8))
def test_columns_that_repeat_write_the_same_document(rows):
    plain = (Column("name", "Nom"), Column("count", "Quantité", Kind.INTEGER))
    repeats = (Column("name", "Nom", repeats=True), Column("count", "Quantité", Kind.INTEGER, repeats=True))
    assert "".join(iter_csv(repeats, rows)) == "".join(iter_csv(plain, rows))


def test_a_memoised_column_tells_true_from_1_and_keeps_the_one_cell_rule():
    cache = FieldCache(Kind.TEXT, limit=2)
    assert [cache(value) for value in (1, True, 1.0, "=1", "a;b", 1)] == [
        "1",
        "True",
        "1.0",
        "'=1",
        '"a;b"',
        "1",
    ]
    assert len(cache.fields) <= 2


def test_a_single_empty_cell_is_quoted_as_the_csv_module_does():
    assert "".join(iter_csv((Column("x", "X"),), [("",), (None,)])).split("\r\n")[1:3] == ['""', '""']
