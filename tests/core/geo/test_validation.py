from decimal import Decimal

import pytest

from passculture.core.geo.validation import check_coordinates
from tests.helpers import error_code


def test_coordinates_are_rounded_to_six_decimals():
    assert check_coordinates(48.85341234, "2,3488") == (Decimal("48.853412"), Decimal("2.348800"))


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(90.1, 0), (-91, 0), (0, 180.5), (0, -181), ("abc", 2), ("nan", 2)]
)
def test_coordinates_out_of_range_or_not_numbers_are_refused(latitude, longitude):
    assert error_code(check_coordinates, latitude, longitude) == "INVALID_COORDINATES"


def test_one_coordinate_without_the_other_is_refused():
    assert error_code(check_coordinates, "48.85", "") == "COORDINATES_INCOMPLETE"
