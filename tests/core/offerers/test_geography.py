import pytest

from passculture.core.offerers.geography import department_code_from_postal_code, timezone_for_department


def _timezone(postal_code: str) -> str:
    return timezone_for_department(department_code_from_postal_code(postal_code))


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [("75011", "75"), ("01000", "01"), ("13001", "13"), ("69007", "69"), (" 33000 ", "33")],
)
def test_mainland_department_is_the_first_two_digits(postal_code, department):
    assert department_code_from_postal_code(postal_code) == department


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("20000", "2A"),
        ("20090", "2A"),
        ("20137", "2A"),
        ("20169", "2A"),
        ("20200", "2B"),
        ("20250", "2B"),
        ("20600", "2B"),
    ],
)
def test_corsica_splits_into_2a_and_2b(postal_code, department):
    assert department_code_from_postal_code(postal_code) == department


@pytest.mark.parametrize(
    ("postal_code", "department", "timezone"),
    [
        ("97110", "971", "America/Guadeloupe"),
        ("97200", "972", "America/Martinique"),
        ("97300", "973", "America/Cayenne"),
        ("97400", "974", "Indian/Reunion"),
        ("97500", "975", "America/Miquelon"),
        ("97600", "976", "Indian/Mayotte"),
        ("98600", "986", "Pacific/Wallis"),
        ("98714", "987", "Pacific/Tahiti"),
        ("98800", "988", "Pacific/Noumea"),
    ],
)
def test_overseas_postal_codes_give_a_three_digit_department_and_its_own_timezone(
    postal_code, department, timezone
):
    assert department_code_from_postal_code(postal_code) == department
    assert _timezone(postal_code) == timezone


@pytest.mark.parametrize("postal_code", ["75011", "20000", "20200", "67000", "06000"])
def test_mainland_and_corsica_use_paris_time(postal_code):
    assert _timezone(postal_code) == "Europe/Paris"
