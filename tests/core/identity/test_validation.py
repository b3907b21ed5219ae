import datetime as dt

import pytest

from passculture.core.identity.validation import (
    check_birth_date,
    check_document_number,
    check_name,
    first_names_match,
    last_names_match,
)
from tests.helpers import error_code

TODAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("x4rt bpfw4", "X4RTBPFW4"),  # new French card: 9 characters
        ("8806 9230 1234", "880692301234"),  # old French card: 12 digits
        ("12AB34567", "12AB34567"),  # French passport
        ("1234-567-890", "1234567890"),  # residence permit
    ],
)
def test_document_numbers_are_kept_compact_and_in_capitals(typed, stored):
    assert check_document_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "A" * 21, "AB<<12345", "ÉCOLE123"])
def test_document_numbers_outside_the_format_are_refused(typed):
    assert error_code(check_document_number, typed) == "INVALID_DOCUMENT_NUMBER"


@pytest.mark.parametrize("name", ["Jean-Éric", "N'Diaye", "N’Diaye", "De La Fontaine", "Zoë", "Łukasz"])
def test_names_of_any_alphabet_with_hyphens_and_apostrophes_are_accepted(name):
    assert check_name(f"  {name}  ", label="Nom") == name


@pytest.mark.parametrize("name", ["", "R2D2", "Jean--Paul", "<b>", "A" * 129, "-Jean"])
def test_other_names_are_refused(name):
    assert error_code(check_name, name, label="Nom") == "INVALID_IDENTITY_NAME"


def test_a_birth_date_in_the_future_or_before_1900_is_refused():
    assert error_code(check_birth_date, dt.date(2026, 3, 11), TODAY) == "INVALID_BIRTH_DATE"
    assert error_code(check_birth_date, dt.date(1899, 12, 31), TODAY) == "INVALID_BIRTH_DATE"
    assert check_birth_date(dt.date(2008, 2, 29), TODAY) == dt.date(2008, 2, 29)


@pytest.mark.parametrize(
    ("account", "document", "matches"),
    [
        ("Jeanne", "Jeanne Marie Louise", True),
        ("jean eric", "Jean-Éric", True),
        ("Jean-Éric", "JEAN ERIC", True),
        ("Marie", "Jeanne Marie", False),
        ("", "Jeanne", False),
    ],
)
def test_first_names_match_the_first_given_names_of_the_document(account, document, matches):
    assert first_names_match(account, document) is matches


@pytest.mark.parametrize(
    ("account", "document", "matches"),
    [("N'Diaye", "n’diaye", True), ("Dupont", "DUPONT", True), ("Dupont", "Dupond", False)],
)
def test_last_names_match_without_case_accents_or_punctuation(account, document, matches):
    assert last_names_match(account, document) is matches
