import pytest
from schwifty import IBAN

from passculture.core.finance.validation import (
    bank_name,
    check_bic,
    check_holder,
    check_iban,
    describe_iban,
    format_iban,
    infer_bic,
    mask_iban,
)
from tests.helpers import error_code

VALID_FR = "FR7630006000011234567890189"


def test_an_iban_is_masked_except_its_country_check_digits_and_last_three_characters():
    assert mask_iban(VALID_FR) == "FR76 **** **** **** **** **** 189"
    assert mask_iban("fr76 3000 6000 0112 3456 7890 189") == "FR76 **** **** **** **** **** 189"


def test_an_iban_is_formatted_in_groups_of_four():
    assert format_iban(VALID_FR) == "FR76 3000 6000 0112 3456 7890 189"


def test_a_typed_iban_is_compacted_and_uppercased():
    assert str(check_iban(" fr76 3000 6000 0112 3456 7890 189 ").compact) == VALID_FR


def test_an_iban_with_a_wrong_check_digit_is_refused():
    assert error_code(check_iban, "FR7630006000011234567890188") == "INVALID_IBAN"


@pytest.mark.parametrize("value", ["FR76", "not an iban", "FR76300060000112345678901899999999"])
def test_a_malformed_iban_is_refused(value):
    assert error_code(check_iban, value) == "INVALID_IBAN"


def test_an_empty_iban_is_required():
    assert error_code(check_iban, "  ") == "IBAN_REQUIRED"


def test_an_iban_outside_the_sepa_zone_is_refused():
    # Brazil's IBANs are valid, but reimbursements are SEPA transfers.
    assert error_code(check_iban, "BR1800360305000010009795493C1") == "IBAN_OUTSIDE_SEPA"


def test_the_bic_is_inferred_from_a_known_french_bank():
    assert infer_bic(IBAN(VALID_FR)) == "AGRIFRPP"
    assert bank_name(VALID_FR) == "CREDIT AGRICOLE SA"


def test_no_bic_is_inferred_for_a_bank_the_registry_does_not_know():
    unknown = IBAN.generate("FR", bank_code="99999", account_code="12345678901")
    assert infer_bic(unknown) == ""


def test_a_bic_of_another_country_than_the_iban_is_inconsistent():
    assert error_code(check_bic, "COBADEFFXXX", iban=IBAN(VALID_FR)) == "BIC_IBAN_MISMATCH"


def test_a_bic_of_a_french_overseas_bank_is_consistent_with_a_french_iban():
    assert check_bic("BDAFGPGP", iban=IBAN(VALID_FR)) == "BDAFGPGP"


@pytest.mark.parametrize("value", ["AGRIFRP", "AGRIFRPP1", "AGRI-FRPP"])
def test_a_malformed_bic_is_refused(value):
    assert error_code(check_bic, value, iban=IBAN(VALID_FR)) == "INVALID_BIC"


def test_a_head_office_bic_is_stored_in_its_short_form():
    assert check_bic("agrifrppxxx", iban=IBAN(VALID_FR)) == "AGRIFRPP"
    assert check_bic("AGRIFRPP820", iban=IBAN(VALID_FR)) == "AGRIFRPP820"


def test_the_holder_is_required_and_at_most_70_characters():
    assert check_holder("  Cinéma   Lumière  ") == "Cinéma Lumière"
    assert error_code(check_holder, " ") == "BANK_ACCOUNT_HOLDER_REQUIRED"
    assert error_code(check_holder, "x" * 71) == "BANK_ACCOUNT_HOLDER_REQUIRED"


def test_describe_iban_gives_the_bic_and_bank_or_the_error():
    assert describe_iban(VALID_FR) == {
        "valid": True,
        "error": "",
        "bic": "AGRIFRPP",
        "bank_name": "CREDIT AGRICOLE SA",
    }
    described = describe_iban("FR7630006000011234567890188")
    assert described["valid"] is False
    assert described["error"].startswith("IBAN invalide")
