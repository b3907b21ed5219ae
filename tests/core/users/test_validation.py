import pytest

from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from passculture.core.users.validation import check_phone_number, check_portal_access
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
