import datetime as dt

import pytest

from passculture.core.common.exceptions import DomainError
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from passculture.core.users.validation import (
    check_app_access,
    check_backoffice_access,
    check_birth_date,
    check_city,
    check_name,
    check_phone_number,
    check_portal_access,
    check_postal_code,
    cities_for_postal_code,
)
from tests.helpers import error_code


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("0612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)1 23 45 67 89", "+33123456789"),
        ("0033 1 23 45 67 89", "+33123456789"),
    ],
)
def test_french_phone_numbers_are_normalised_to_e164(typed, e164):
    assert check_phone_number(typed) == e164


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0692 12 34 56", "+262692123456"),  # La Réunion, mobile
        ("0262 12 34 56", "+262262123456"),  # La Réunion, landline
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("0696 12 34 56", "+596696123456"),  # Martinique
        ("0694 12 34 56", "+594694123456"),  # Guyane
        ("0639 12 34 56", "+262639123456"),  # Mayotte
    ],
)
def test_overseas_numbers_get_their_own_country_code(typed, e164):
    assert check_phone_number(typed) == e164


@pytest.mark.parametrize(
    "typed", ["", "12345", "06 12 34 56", "00 12 34 56 78", "+44 20 7946 0958", "06 12 34 56 78 9", "abc"]
)
def test_other_numbers_are_refused(typed):
    assert error_code(check_phone_number, typed) == "INVALID_PHONE_NUMBER"


@pytest.mark.django_db
def test_only_professionals_and_staff_enter_the_pro_portal():
    check_portal_access(ProFactory())
    check_portal_access(StaffFactory())

    assert error_code(check_portal_access, UserFactory()) == "NOT_A_PROFESSIONAL"


@pytest.mark.django_db
def test_only_young_beneficiaries_sign_in_to_the_app():
    check_app_access(UserFactory())

    assert error_code(check_app_access, ProFactory()) == "NOT_A_BENEFICIARY"
    assert error_code(check_app_access, StaffFactory()) == "NOT_A_BENEFICIARY"


@pytest.mark.django_db
def test_only_active_staff_enter_the_back_office_and_others_look_like_a_wrong_password():
    check_backoffice_access(StaffFactory())

    assert error_code(check_backoffice_access, ProFactory()) == "INVALID_CREDENTIALS"
    assert error_code(check_backoffice_access, UserFactory()) == "INVALID_CREDENTIALS"
    assert error_code(check_backoffice_access, StaffFactory(is_active=False)) == "INVALID_CREDENTIALS"


# --- Sign-up fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Léa", "Léa"),
        ("  Jean-Pierre  ", "Jean-Pierre"),
        ("N'Diaye", "N'Diaye"),
        ("d’Artagnan", "d’Artagnan"),
        ("Marie   Claire", "Marie Claire"),
        ("Nguyễn", "Nguyễn"),
        ("St. Clair", "St. Clair"),
    ],
)
def test_names_keep_letters_hyphens_apostrophes_and_spaces(typed, kept):
    assert check_name(typed) == kept


@pytest.mark.parametrize("typed", ["", "   ", "L3a", "<script>", "Léa@", "-Léa", "x" * 129, "Lé\x00a"])
def test_names_refuse_digits_symbols_and_empty_values(typed):
    assert error_code(check_name, typed) == "INVALID_NAME"


TODAY = dt.date(2026, 6, 1)


def test_a_birth_date_in_the_future_is_refused():
    assert error_code(check_birth_date, dt.date(2026, 6, 2), TODAY) == "INVALID_BIRTH_DATE"


def test_a_birth_date_before_1900_is_a_typo():
    assert error_code(check_birth_date, dt.date(1899, 12, 31), TODAY) == "INVALID_BIRTH_DATE"


def test_a_missing_birth_date_is_refused():
    assert error_code(check_birth_date, None, TODAY) == "INVALID_BIRTH_DATE"


def test_signing_up_needs_15_years_and_says_from_when():
    with pytest.raises(DomainError) as refused:
        check_birth_date(dt.date(2011, 6, 2), TODAY)
    assert refused.value.code == "TOO_YOUNG_TO_SIGN_UP"
    assert "2 juin 2026" in refused.value.message
    assert check_birth_date(dt.date(2011, 6, 1), TODAY) == dt.date(2011, 6, 1)  # 15 today


@pytest.mark.parametrize("typed", ["75011", "69001", "20000", "97400", "97600", "98714", " 13001 "])
def test_postal_codes_have_5_digits_mainland_corsica_and_overseas(typed):
    assert check_postal_code(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["", "7501", "750111", "2A000", "00100", "99000", "75 01x"])
def test_postal_codes_refuse_anything_else(typed):
    assert error_code(check_postal_code, typed) == "INVALID_POSTAL_CODE"


def test_the_city_comes_back_spelt_as_the_gazetteer_spells_it():
    assert check_city("69001", "lyon") == "Lyon"
    assert check_city("75011", "PARIS") == "Paris"
    assert check_city("97400", "saint denis") == "Saint-Denis"


def test_a_city_of_another_postal_code_is_refused_with_the_right_ones():
    with pytest.raises(DomainError) as refused:
        check_city("69001", "Marseille")
    assert refused.value.code == "CITY_NOT_MATCHING_POSTAL_CODE"
    assert "Lyon" in refused.value.message


def test_a_postal_code_unknown_to_the_gazetteer_accepts_the_typed_city():
    assert cities_for_postal_code("98000") == []
    assert check_city("98000", "  Monaco ") == "Monaco"


@pytest.mark.parametrize("typed", ["", "   ", "---", "Lyon\x00", "x" * 101])
def test_an_empty_or_unreadable_city_is_refused(typed):
    assert error_code(check_city, "98000", typed) == "INVALID_CITY"


def test_cities_of_a_postal_code_are_listed_once_without_arrondissements():
    assert cities_for_postal_code("75011") == ["Paris"]
    assert cities_for_postal_code("97600") == ["Mamoudzou", "Koungou"]
