"""A venue's statement as a PDF (A4 landscape), drawn with fpdf2 (pure Python, no system package).

The PDF uses the standard Helvetica font in the Windows-1252 encoding, which covers French (é, œ, €,
typographic quotes) without embedding a font file; any other character is transliterated, so an odd
name in the data never stops a statement.
"""

import datetime as dt

from fpdf import FPDF
from text_unidecode import unidecode

from passculture.core.common.money import format_euros
from passculture.core.common.time import to_local

from ..periods import fortnight_closed_by, requested_execution_date, transfer_label
from .text import format_rate, mask_iban
from .types import VenueStatement

PDF_ENCODING = "windows-1252"
TABLE_HEADINGS = (
    "Contremarque",
    "Offre",
    "Bénéficiaire",
    "Validée le",
    "Montant",
    "Taux",
    "Remboursé",
    "Statut",
)
# Relative widths of the columns above (the table spans the page width).
TABLE_WIDTHS = (22, 76, 40, 24, 20, 14, 20, 22)
TABLE_ALIGN = ("L", "L", "L", "L", "R", "R", "R", "L")
ROW_HEIGHT = 5
# Replaced by the page count at the end; its width is the room kept for it: a large cinema's statement
# runs to more than a thousand pages.
PAGE_COUNT_ALIAS = "{nbpg}"
# Plain one-line cells (a long offer title is shortened with "…"; the CSV has it whole): fpdf2's
# table(), which wraps text, is far slower, and a large venue has tens of thousands of lines.


def pdf_text(value: str) -> str:
    """Kept as is when the PDF font can draw it, transliterated otherwise (`Łódź` -> `Lodz`)."""
    characters = []
    for character in value:
        try:
            character.encode(PDF_ENCODING)
        except UnicodeEncodeError:
            characters.append(unidecode(character))
        else:
            characters.append(character)
    return "".join(characters)


class _StatementDocument(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 7)
        self.cell(0, 5, f"{self.footer_text} - page {self.page_no()}/{PAGE_COUNT_ALIAS}", align="R")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    text = text[:200]  # no column holds more: keeps the loop below short for absurd input
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


class _Table:
    """The rows of the table, drawn with the PDF's primitives (a frame, column rules, each text placed
    on its baseline) rather than one fpdf2 `cell` per value: a large cinema's statement has tens of
    thousands of rows, and `cell` costs about 80 microseconds each. The same look: one-line cells,
    left- or right-aligned with the cell margin, too-long text shortened with "…". The fitted text of
    each distinct value is computed once (offers, amounts, rates and statuses repeat)."""

    def __init__(self, pdf: FPDF, widths: list[float]) -> None:
        self.pdf = pdf
        self.widths = widths
        self.total = sum(widths)
        self.fitted: dict[tuple[str, float], tuple[str, float]] = {}

    def _fit(self, text: str, width: float) -> tuple[str, float]:
        key = (text, width)
        found = self.fitted.get(key)
        if found is None:
            shown = _fit(self.pdf, pdf_text(text), width)
            found = self.fitted[key] = (shown, self.pdf.get_string_width(shown))
        return found

    def row(self, cells: tuple[str, ...]) -> None:
        pdf = self.pdf
        left, top = pdf.l_margin, pdf.get_y()
        pdf.rect(left, top, self.total, ROW_HEIGHT)
        # The baseline where fpdf2's cell puts one line of text, vertically centred.
        baseline = top + (ROW_HEIGHT + 0.7 * pdf.font_size) / 2
        x = left
        for index, (text, width, align) in enumerate(zip(cells, self.widths, TABLE_ALIGN, strict=True)):
            shown, shown_width = self._fit(text, width)
            if shown:
                start = x + width - pdf.c_margin - shown_width if align == "R" else x + pdf.c_margin
                pdf.text(start, baseline, shown)
            x += width
            if index < len(self.widths) - 1:
                pdf.line(x, top, x, top + ROW_HEIGHT)
        pdf.set_y(top + ROW_HEIGHT)


def _table_heading(pdf: FPDF, widths: list[float]) -> None:
    pdf.set_font("Helvetica", "B", 8)
    pdf.set_fill_color(230, 230, 240)
    for heading, width, align in zip(TABLE_HEADINGS, widths, TABLE_ALIGN, strict=True):
        pdf.cell(width, ROW_HEIGHT + 1, pdf_text(heading), border=1, align=align, fill=True)
    pdf.ln(ROW_HEIGHT + 1)


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def statement_pdf(statement: VenueStatement, *, generated_at: dt.datetime | None = None) -> bytes:
    """Header (venue, SIRET, masked IBAN, period, transfer label), one table row per booking, totals."""
    pdf = _StatementDocument(orientation="L", unit="mm", format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.footer_text = pdf_text(f"{statement.venue} - {transfer_label(statement.cutoff)}")
    pdf.set_title(pdf_text(f"Relevé de remboursement - {statement.venue}"))
    pdf.set_author("pass Culture")
    if generated_at is not None:
        # A fixed date keeps the same statement byte-identical when regenerated.
        pdf.set_creation_date(generated_at)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages(PAGE_COUNT_ALIAS)
    pdf.add_page()

    fortnight = fortnight_closed_by(statement.cutoff)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, pdf_text("Relevé de remboursement pass Culture"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = (
        ("Lieu", statement.venue),
        ("SIRET", statement.siret),
        ("Créancier", statement.creditor),
        ("IBAN", mask_iban(statement.iban)),
        (
            "Période",
            f"{fortnight.ordinal} quinzaine, {fortnight.describe()} (arrêté au {_date(statement.cutoff)})",
        ),
        ("Libellé du virement", transfer_label(statement.cutoff)),
        ("Date d'exécution demandée", _date(requested_execution_date(statement.cutoff))),
    )
    for name, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 6, pdf_text(f"{name} :"))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, pdf_text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    widths = [share * pdf.epw / sum(TABLE_WIDTHS) for share in TABLE_WIDTHS]
    _table_heading(pdf, widths)
    pdf.set_font("Helvetica", "", 8)
    table = _Table(pdf, widths)
    for line in statement.lines:
        if pdf.will_page_break(ROW_HEIGHT):
            pdf.add_page()
            _table_heading(pdf, widths)
            pdf.set_font("Helvetica", "", 8)
        table.row(
            (
                line.countermark,
                line.offer,
                line.beneficiary,
                to_local(line.validated_at, line.timezone).strftime("%d/%m/%Y %H:%M"),
                format_euros(line.booking_amount_cents),
                format_rate(line.rate) or "montant fixe",
                format_euros(line.reimbursed_cents),
                line.status,
            )
        )
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 10)
    totals = (
        ("Nombre de réservations", str(len(statement.lines))),
        ("Total des réservations", format_euros(statement.booked_cents)),
        ("Total remboursé", format_euros(statement.reimbursed_cents)),
    )
    for name, value in totals:
        pdf.cell(55, 6, pdf_text(f"{name} :"))
        pdf.cell(0, 6, pdf_text(value), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
