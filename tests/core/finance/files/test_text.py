from decimal import Decimal

import pytest

from passculture.core.finance.files.text import format_iban, format_rate, mask_iban, sepa_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Cinéma L'Éden & Cie", "Cinema L'Eden + Cie"),
        ('Ciné_Club "Le Studio"', "Cine-Club 'Le Studio'"),
        ("Kino – Łódź", "Kino - Lodz"),
        ("contact@cine.fr  ;  ligne\nsuivante", "contact cine.fr ligne suivante"),
        ("   ", ""),
    ],
)
def test_sepa_text_transliterates_to_the_sepa_character_set(value, expected):
    assert sepa_text(value, 70) == expected


def test_sepa_text_cuts_without_a_trailing_space():
    assert sepa_text("Cinéma de la Plage", 10) == "Cinema de"


def test_iban_is_grouped_by_four_and_masked_but_for_its_ends():
    assert format_iban("fr76 3000 6000 0112 3456 7890 189") == "FR76 3000 6000 0112 3456 7890 189"
    assert mask_iban("FR7630006000011234567890189") == "FR76 **** **** **** **** ***0 189"
    assert mask_iban("DE89370400440532013000") == "DE89 **** **** **** **30 00"


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Decimal("1"), "100 %"),
        (Decimal("0.95"), "95 %"),
        (Decimal("0.925"), "92,5 %"),
        (Decimal("0"), "0 %"),
        (None, ""),
    ],
)
def test_rate_is_shown_as_a_french_percentage(rate, expected):
    assert format_rate(rate) == expected
