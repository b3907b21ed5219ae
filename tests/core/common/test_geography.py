"""A person's clock from the postal code of their profile (decision 0033)."""

import pytest

from passculture.core.common.geography import timezone_for_postal_code


@pytest.mark.parametrize(
    ("postal_code", "tz"),
    [
        ("75011", "Europe/Paris"),
        ("20000", "Europe/Paris"),  # Corsica
        ("97400", "Indian/Reunion"),
        ("97300", "America/Cayenne"),
        ("97200", "America/Martinique"),
        ("98800", "Pacific/Noumea"),
        ("97600", "Indian/Mayotte"),
    ],
)
def test_the_department_gives_the_timezone(postal_code, tz):
    assert timezone_for_postal_code(postal_code) == tz


@pytest.mark.parametrize("postal_code", ["", None, "974", "9740O", " 97400 x"])
def test_an_unknown_or_malformed_postal_code_means_paris(postal_code):
    assert timezone_for_postal_code(postal_code) == "Europe/Paris"
