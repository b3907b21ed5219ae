import csv
import datetime as dt
import io
from decimal import Decimal

from passculture.core.finance.files import VenueStatement, accounting_csv, iter_accounting_csv, statement_csv

from .conftest import CUTOFF, EDEN_IBAN, LUMIERE_BIC, LUMIERE_IBAN

STATEMENT_HEADER = [
    "Année",
    "Libellé du virement",
    "Créancier",
    "SIRET",
    "IBAN",
    "Lieu",
    "Offre",
    "Bénéficiaire",
    "Contremarque",
    "Date de validation",
    "Montant de la réservation (€)",
    "Taux de remboursement",
    "Montant remboursé (€)",
    "Statut",
]


def read_back(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def euros_to_cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


def statement(lines):
    return VenueStatement(
        venue="L'Éden",
        siret="12345678900012",
        creditor="Cinéma L'Éden & Cie",
        iban=EDEN_IBAN,
        cutoff=CUTOFF,
        lines=tuple(lines),
    )


def test_statement_csv_has_the_columns_of_the_rules_and_sums_back(make_line):
    lines = [
        make_line(booking_amount_cents=750, rate=Decimal("1"), reimbursed_cents=750),
        make_line(booking_amount_cents=1500, rate=Decimal("0.95"), reimbursed_cents=1425),
        make_line(booking_amount_cents=1099, rate=Decimal("0.92"), reimbursed_cents=1011),
    ]
    content = statement_csv(statement(lines))
    header = content.decode("utf-8-sig").split("\r\n")[0].split(";")
    assert header == STATEMENT_HEADER
    rows = read_back(content)
    assert len(rows) == 3
    assert sum(euros_to_cents(row["Montant remboursé (€)"]) for row in rows) == 3186
    assert sum(euros_to_cents(row["Montant de la réservation (€)"]) for row in rows) == 3349
    assert [row["Taux de remboursement"] for row in rows] == ["100 %", "95 %", "92 %"]
    first = rows[0]
    assert first["Année"] == "2026"
    assert first["Libellé du virement"] == "pass Culture Pro - remboursement 1ère quinzaine 03-2026"
    assert first["Créancier"] == "Cinéma L'Éden & Cie"
    assert first["SIRET"] == "12345678900012"
    assert first["IBAN"] == "FR76 3000 6000 0112 3456 7890 189"
    assert first["Lieu"] == "L'Éden"
    assert first["Bénéficiaire"] == "Zoé Martin"
    assert first["Contremarque"] == "CM0001"
    assert first["Montant remboursé (€)"] == "7,50"
    assert first["Statut"] == "Envoyé"


def test_validation_date_is_shown_on_the_venues_clock(make_line):
    moment = dt.datetime(2026, 3, 10, 19, 30, tzinfo=dt.UTC)
    rows = read_back(
        statement_csv(
            statement(
                [make_line(validated_at=moment), make_line(validated_at=moment, timezone="Indian/Reunion")]
            )
        )
    )
    assert [row["Date de validation"] for row in rows] == ["10/03/2026 20:30", "10/03/2026 23:30"]


def test_rate_of_a_fixed_amount_is_empty_and_fractions_keep_their_decimals(make_line):
    rows = read_back(statement_csv(statement([make_line(rate=None), make_line(rate=Decimal("0.925"))])))
    assert [row["Taux de remboursement"] for row in rows] == ["", "92,5 %"]


def test_text_that_a_spreadsheet_would_run_is_defused(make_line):
    rows = read_back(statement_csv(statement([make_line(offer='=HYPERLINK("http://x","clic")')])))
    assert rows[0]["Offre"] == '\'=HYPERLINK("http://x","clic")'


def test_statement_of_a_venue_without_lines_is_a_header_only(make_line):
    assert read_back(statement_csv(statement([]))) == []


def test_accounting_csv_lists_every_line_with_its_bic_and_sums_back(make_line):
    lines = [
        make_line(reimbursed_cents=750),
        make_line(reimbursed_cents=713),
        make_line(
            creditor="Lumière SAS",
            venue="Le Lumière",
            iban=LUMIERE_IBAN,
            bic=LUMIERE_BIC,
            reimbursed_cents=1140,
        ),
    ]
    content = accounting_csv(lines)
    rows = read_back(content)
    assert list(rows[0].keys()) == [*STATEMENT_HEADER[:5], "BIC", *STATEMENT_HEADER[5:]]
    assert [row["Lieu"] for row in rows] == ["L'Éden", "L'Éden", "Le Lumière"]
    assert [row["BIC"] for row in rows] == ["AGRIFRPP", "AGRIFRPP", "PSSTFRPPPAR"]
    assert sum(euros_to_cents(row["Montant remboursé (€)"]) for row in rows) == 2603


def test_accounting_csv_in_chunks_is_the_same_document(make_line):
    lines = [make_line(reimbursed_cents=cents) for cents in range(1, 1200)]
    chunks = list(iter_accounting_csv(lines))
    assert len(chunks) > 1
    assert b"".join(chunks) == accounting_csv(lines)
    assert sum(euros_to_cents(row["Montant remboursé (€)"]) for row in read_back(b"".join(chunks))) == sum(
        range(1, 1200)
    )
