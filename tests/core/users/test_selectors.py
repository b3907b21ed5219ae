import datetime as dt

import pytest

from passculture.core.users.selectors import eligibility

BIRTH = dt.date(2008, 5, 15)


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (dt.date(2026, 5, 14), "NOT_YET"),
        (dt.date(2026, 5, 15), "ELIGIBLE"),
        (dt.date(2027, 5, 14), "ELIGIBLE"),
        (dt.date(2027, 5, 15), "NO_LONGER"),
    ],
)
def test_eligible_from_18th_birthday_to_day_before_19th(day, status):
    assert eligibility(BIRTH, day).status == status


def test_eligibility_window_runs_from_18th_to_19th_birthday_exclusive():
    result = eligibility(BIRTH, dt.date(2026, 9, 1))
    assert (result.eligible_from, result.eligible_until) == (dt.date(2026, 5, 15), dt.date(2027, 5, 15))


def test_under_18_message_says_pas_encore_with_the_date():
    message = eligibility(BIRTH, dt.date(2025, 1, 1)).message
    assert message.startswith("Pas encore")
    assert "15/05/2026" in message


def test_over_19_message_says_no_longer_eligible():
    assert "plus éligible" in eligibility(BIRTH, dt.date(2030, 1, 1)).message


def test_eligibility_unknown_without_birth_date():
    assert eligibility(None, dt.date(2026, 1, 1)).status == "UNKNOWN"


def test_born_on_29_february_is_eligible_from_28_february():
    assert eligibility(dt.date(2008, 2, 29), dt.date(2026, 2, 27)).status == "NOT_YET"
    assert eligibility(dt.date(2008, 2, 29), dt.date(2026, 2, 28)).status == "ELIGIBLE"
