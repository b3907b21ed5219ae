"""Tabular exports: CSV for any spreadsheet (`;`, UTF-8 with BOM, French decimals) and XLSX (openpyxl).

Callers describe their columns once (`Column`) and hand over rows of typed values (str, int, Decimal euros,
aware datetimes already in the wanted timezone, or None). Both writers consume the rows lazily, so a
large export never holds model instances, and both defuse spreadsheet formulas in text cells.

`csv_cell` is the one rule turning a value into a CSV cell, and `csv_field` quotes it as the `csv`
module does (`;`, `"` doubled, minimal quoting). A column whose values repeat across rows (a venue, an
offer, a status...) says so (`Column.repeats`): its fields are memoised (`FieldCache`), so a million
rows format each distinct value once.
"""

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

CSV_DELIMITER = ";"
UTF8_BOM = "\ufeff"
CSV_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
XLSX_EURO_FORMAT = '#,##0.00\\ "€"'

# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection). Tab and
# carriage return are in OWASP's list too: some programs strip them and then see the formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# ...but a plain number such as a phone "+33612345678" or "-5" cannot run anything: left as typed.
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .,]*$")
# Characters XML 1.0 refuses (openpyxl raises on them); they never carry meaning in our data.
_ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    EUROS = "euros"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    width: int = 16
    # The same values come back row after row: the CSV writer formats each one once (FieldCache).
    repeats: bool = False


def defuse_formula(value: str) -> str:
    """Prefixes a quote to text a spreadsheet would run as a formula."""
    if value.startswith(_FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _clean_text(value: Any) -> str:
    text = str(value)
    if not text.isprintable():  # printable text holds no control character: no regex to run
        text = _ILLEGAL_XML_CHARS.sub("", text)
    return defuse_formula(text)


def french_decimal(value: Decimal) -> str:
    """7.5 -> "7,50" (no thousands separator: spreadsheets would read it as text)."""
    return f"{value:.2f}".replace(".", ",")


def csv_cell(kind: Kind, value: Any) -> str:
    if value is None:
        return ""
    if kind is Kind.EUROS:
        return french_decimal(Decimal(value))
    if kind is Kind.DATETIME:
        return value.strftime(CSV_DATETIME_FORMAT)
    if kind is Kind.INTEGER:
        return str(int(value))
    return _clean_text(value)


# What makes csv.writer (QUOTE_MINIMAL, doublequote, lineterminator CRLF) quote a field.
_NEEDS_QUOTES = re.compile('[;"\r\n]')
CSV_LINE_END = "\r\n"


def csv_field(cell: str) -> str:
    """`cell` as csv.writer writes it inside a row of several fields (quoted if it holds `;`, `"`, CR
    or LF, quotes doubled)."""
    if _NEEDS_QUOTES.search(cell) is None:
        return cell
    return '"' + cell.replace('"', '""') + '"'


def csv_line(cells: Sequence[str]) -> str:
    """One CSV line, byte for byte what `csv.writer(delimiter=";", lineterminator="\\r\\n").writerow`
    gives (a lone empty cell is written `""`, so that the line is not blank)."""
    if len(cells) == 1 and cells[0] == "":
        return '""' + CSV_LINE_END
    return CSV_DELIMITER.join([csv_field(cell) for cell in cells]) + CSV_LINE_END


class FieldCache:
    """`csv_field(csv_cell(kind, value))`, memoised for str and int values (exact types: equal values of
    other types can format differently, 1 and True, or an instant in two timezones). Bounded: emptied
    when it holds `limit` values."""

    __slots__ = ("fields", "kind", "limit")

    def __init__(self, kind: Kind, limit: int = 50_000) -> None:
        self.kind = kind
        self.limit = limit
        self.fields: dict[Any, str] = {}

    def __call__(self, value: Any) -> str:
        kind = type(value)
        if kind is not str and kind is not int:
            return csv_field(csv_cell(self.kind, value))
        field = self.fields.get(value)
        if field is None:
            field = csv_field(csv_cell(self.kind, value))
            if len(self.fields) >= self.limit:
                self.fields.clear()
            self.fields[value] = field
        return field


def csv_header(columns: Sequence[Column]) -> str:
    """The first line of the document, after the BOM Excel needs."""
    return UTF8_BOM + csv_line([_clean_text(column.header) for column in columns])


def iter_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV document, one line at a time (the first chunk starts with the BOM Excel needs)."""
    yield csv_header(columns)
    formatters = [
        FieldCache(column.kind) if column.repeats else _uncached_field(column.kind) for column in columns
    ]
    single = len(columns) == 1
    for row in rows:
        if single and len(row) == 1:
            yield csv_line([csv_cell(columns[0].kind, row[0])])
            continue
        fields = [field(value) for field, value in zip(formatters, row, strict=True)]
        yield CSV_DELIMITER.join(fields) + CSV_LINE_END


def _uncached_field(kind: Kind) -> Callable[[Any], str]:
    def field(value: Any) -> str:
        return csv_field(csv_cell(kind, value))

    return field


def iter_csv_bytes(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, lines_per_chunk: int = 500
) -> Iterator[bytes]:
    """The CSV document in UTF-8, a few hundred lines per chunk (one write per line would be wasteful)."""
    batch: list[str] = []
    for line in iter_csv(columns, rows):
        batch.append(line)
        if len(batch) >= lines_per_chunk:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, sheet_title: str) -> bytes:
    """An XLSX workbook: bold frozen header, column widths, real numbers and dates with formats.

    Written in openpyxl's write-only mode, which streams rows to a temporary file instead of building
    every cell in memory: memory stays flat, but openpyxl spends a few dozen microseconds per cell, so
    tens of thousands of rows take seconds (measure with benchmarks, not in tests).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_clean_text(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    formats = {
        Kind.EUROS: XLSX_EURO_FORMAT,
        Kind.DATETIME: XLSX_DATETIME_FORMAT,
    }
    for row in rows:
        cells: list[Any] = []
        for column, value in zip(columns, row, strict=True):
            if value is None:
                cells.append(None)
            elif column.kind is Kind.TEXT:
                cells.append(_clean_text(value))
            elif column.kind is Kind.INTEGER:
                # The default "General" format shows an integer as is; a styled cell costs far more.
                cells.append(int(value))
            else:
                if column.kind is Kind.DATETIME and isinstance(value, dt.datetime):
                    # Excel has no timezones: the wall-clock time the caller chose is what is shown.
                    value = value.replace(tzinfo=None)
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[column.kind]
                cells.append(cell)
        sheet.append(cells)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
