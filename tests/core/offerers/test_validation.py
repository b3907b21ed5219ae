import pytest

from passculture.core.offerers.exceptions import (
    InvalidPostalCode,
    InvalidSiren,
    InvalidSiret,
    SiretNotMatchingSiren,
)
from passculture.core.offerers.validation import check_postal_code, check_siren, check_siret

SIREN = "732829320"  # passes the Luhn key
SIRET = "73282932000074"


def test_siren_is_9_digits_with_a_luhn_key_and_spaces_are_ignored():
    assert check_siren("732 829 320") == SIREN


@pytest.mark.parametrize("value", ["732829321", "73282932", "7328293200", "ABCDEFGHI", "", None])
def test_invalid_siren_is_refused(value):
    with pytest.raises(InvalidSiren) as exc:
        check_siren(value)
    assert exc.value.code == "INVALID_SIREN"


def test_siret_is_14_digits_with_a_luhn_key():
    assert check_siret("732 829 320 00074") == SIRET


@pytest.mark.parametrize("value", ["73282932000075", "7328293200007", "", None])
def test_invalid_siret_is_refused(value):
    with pytest.raises(InvalidSiret):
        check_siret(value)


def test_siret_must_start_with_the_offerer_siren():
    assert check_siret(SIRET, siren=SIREN) == SIRET
    with pytest.raises(SiretNotMatchingSiren):
        check_siret(SIRET, siren="552100554")


@pytest.mark.parametrize("value", ["7501", "750011", "2A000", "", "75 01"])
def test_postal_code_is_5_digits(value):
    with pytest.raises(InvalidPostalCode):
        check_postal_code(value)
    assert check_postal_code(" 97400 ") == "97400"
