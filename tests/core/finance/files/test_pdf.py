import datetime as dt
import io
from decimal import Decimal

from pypdf import PdfReader

from passculture.core.common.money import format_euros
from passculture.core.finance.files import VenueStatement, statement_pdf
from passculture.core.finance.files.pdf import pdf_text

from .conftest import CUTOFF, EDEN_IBAN

# A4 in PDF points, landscape
A4_LANDSCAPE = (841.89, 595.28)


def statement(lines, **overrides):
    values = {
        "venue": "L'Éden",
        "siret": "12345678900012",
        "creditor": "Cinéma L'Éden & Cie",
        "iban": EDEN_IBAN,
        "cutoff": CUTOFF,
        "lines": tuple(lines),
    }
    values.update(overrides)
    return VenueStatement(**values)


def read_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def normalise(text: str) -> str:
    # Text extraction may render the no-break spaces of French amounts as plain ones.
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_statement_pdf_shows_header_lines_and_totals(make_line):
    lines = [
        make_line(
            countermark="ABC123",
            offer="Les Enfants du paradis",
            booking_amount_cents=750,
            reimbursed_cents=750,
        ),
        make_line(booking_amount_cents=1500, rate=Decimal("0.95"), reimbursed_cents=1425),
    ]
    content = statement_pdf(statement(lines))
    assert content.startswith(b"%PDF-")
    reader, text = read_text(content)
    text = normalise(text)
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (round(A4_LANDSCAPE[0]), round(A4_LANDSCAPE[1]))

    assert "Relevé de remboursement pass Culture" in text
    assert "Lieu : L'Éden" in text
    assert "SIRET : 12345678900012" in text
    assert "Créancier : Cinéma L'Éden & Cie" in text
    assert "du 1er au 15 mars 2026" in text
    assert "pass Culture Pro - remboursement 1ère quinzaine 03-2026" in text
    assert "Date d'exécution demandée : 23/03/2026" in text
    assert "ABC123 Les Enfants du paradis Zoé Martin 10/03/2026 20:30 7,50 € 100 % 7,50 € Envoyé" in text
    assert "Nombre de réservations : 2" in text
    assert "Total des réservations : 22,50 €" in text
    assert "Total remboursé : 21,75 €" in text


def test_iban_is_masked_except_its_last_characters(make_line):
    _, text = read_text(statement_pdf(statement([make_line()])))
    assert "FR76 **** **** **** **** ***0 189" in text
    assert EDEN_IBAN not in text.replace(" ", "")


def test_a_long_statement_spans_pages_and_keeps_every_line_and_the_totals(make_line):
    lines = [
        make_line(countermark=f"Z{n:05d}", booking_amount_cents=1234 + n, reimbursed_cents=1172 + n)
        for n in range(150)
    ]
    reader, text = read_text(statement_pdf(statement(lines)))
    assert len(reader.pages) > 2
    assert all(f"Z{n:05d}" in text for n in range(150))
    assert f"page {len(reader.pages)}/{len(reader.pages)}" in text
    total = sum(line.reimbursed_cents for line in lines)
    assert total > 100_000  # the total has a thousands separator
    assert normalise(f"Total remboursé : {pdf_text(format_euros(total))}") in normalise(text)


def test_characters_the_font_cannot_draw_are_transliterated_not_fatal(make_line):
    _, text = read_text(
        statement_pdf(
            statement([make_line(beneficiary="Łukasz Wałęsa", offer="Œuvre — « VO »")], venue="Kino Łódź")
        )
    )
    assert "Lukasz Walesa" in text
    assert "Œuvre — « VO »" in text
    assert "Lieu : Kino Lódz" in text  # ó is in the font, ź is not


def test_same_statement_and_date_give_the_same_bytes(make_line):
    generated_at = dt.datetime(2026, 3, 17, 6, 0, tzinfo=dt.UTC)
    the_statement = statement([make_line(countermark="ABC123")])
    assert statement_pdf(the_statement, generated_at=generated_at) == statement_pdf(
        the_statement, generated_at=generated_at
    )


def test_a_long_offer_title_is_shortened_in_the_pdf_only(make_line):
    title = "Le Seigneur des anneaux : la communauté de l'anneau, version longue restaurée en 4K " * 3
    _, text = read_text(statement_pdf(statement([make_line(offer=title, countermark="LONG01")])))
    row = next(line for line in text.splitlines() if line.startswith("LONG01"))
    assert "Le Seigneur des anneaux" in row
    assert "…" in row
    assert title.strip() not in text


def test_every_page_repeats_the_table_heading(make_line):
    reader, _ = read_text(statement_pdf(statement([make_line() for _ in range(120)])))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (
            "Contremarque Offre Bénéficiaire Validée le Montant Taux Remboursé Statut" in page.extract_text()
        )
