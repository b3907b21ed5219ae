import datetime as dt
from decimal import Decimal

import pytest

from passculture.core.finance.files import StatementLine
from passculture.core.finance.periods import transfer_label

CUTOFF = dt.date(2026, 3, 16)
EDEN_IBAN = "FR7630006000011234567890189"
EDEN_BIC = "AGRIFRPP"
LUMIERE_IBAN = "FR1420041010050500013M02606"
LUMIERE_BIC = "PSSTFRPPPAR"


@pytest.fixture
def make_line():
    counter = iter(range(1, 10_000))

    def make(**overrides):
        number = next(counter)
        values = {
            "year": 2026,
            "transfer_label": transfer_label(CUTOFF),
            "creditor": "Cinéma L'Éden & Cie",
            "siret": "12345678900012",
            "iban": EDEN_IBAN,
            "bic": EDEN_BIC,
            "venue": "L'Éden",
            "offer": "Les Enfants du paradis",
            "beneficiary": "Zoé Martin",
            "countermark": f"CM{number:04d}",
            "validated_at": dt.datetime(2026, 3, 10, 19, 30, tzinfo=dt.UTC),
            "booking_amount_cents": 750,
            "rate": Decimal("1"),
            "reimbursed_cents": 750,
            "status": "Envoyé",
        }
        values.update(overrides)
        return StatementLine(**values)

    return make
