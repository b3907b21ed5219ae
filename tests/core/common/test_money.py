from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passculture.core.common.exceptions import InvalidAmount
from passculture.core.common.money import cents_to_euros, euros_to_cents, format_euros, parse_euros


@pytest.mark.parametrize(
    ("euros", "cents"),
    [("12.34", 1234), (Decimal("0.005"), 1), ("2.675", 268), (7, 700), ("-1.005", -101)],
)
def test_euros_to_cents_rounds_half_up_to_the_cent(euros, cents):
    assert euros_to_cents(euros) == cents


def test_euros_to_cents_does_not_suffer_from_binary_floats():
    # 0.1 + 0.2 is 0.30000000000000004 as a float: still 30 cents.
    assert euros_to_cents(0.1 + 0.2) == 30


def test_cents_to_euros_has_two_decimals():
    assert cents_to_euros(1050) == Decimal("10.50")
    assert str(cents_to_euros(5)) == "0.05"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_cents_survive_a_round_trip_through_euros(cents):
    assert euros_to_cents(cents_to_euros(cents)) == cents


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0\u00a0€"),
        (800, "8\u00a0€"),
        (1050, "10,50\u00a0€"),
        (300_00, "300\u00a0€"),
        (123_456_78, "123\u202f456,78\u00a0€"),
        (1_000_000_00, "1\u202f000\u202f000\u00a0€"),
        (-2_500_00, "-2\u202f500\u00a0€"),
    ],
)
def test_format_euros_uses_french_separators_and_drops_zero_cents(cents, text):
    assert format_euros(cents) == text


@pytest.mark.parametrize(("text", "cents"), [("7,50", 750), ("7.50 €", 750), ("1 234,5", 123450), ("0", 0)])
def test_euros_typed_the_french_way_or_not_become_cents(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "NaN", "Infinity", "7,505", "1e999999", "10000000", "7\x00"])
def test_euros_that_are_no_amount_are_refused_not_crashed_on(text):
    with pytest.raises(InvalidAmount):
        parse_euros(text)


def test_an_amount_past_decimal_arithmetic_is_refused():
    with pytest.raises(InvalidAmount):
        euros_to_cents(Decimal("1e999999"))
