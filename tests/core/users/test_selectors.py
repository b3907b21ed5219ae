"""Eligibility: from the 18th birthday to the day before the 19th, with a frozen clock where "today"
matters (the calendar day in Paris)."""

import datetime as dt

import pytest
import time_machine

from passculture.core.common.time import age_on
from passculture.core.users.selectors import birthday, eligibility, format_day, today

# Eligibility reads the credit policies in force (dated data, seeded by migrations).
pytestmark = pytest.mark.django_db

BIRTH = dt.date(2008, 5, 15)
LEAP_BIRTH = dt.date(2008, 2, 29)


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (dt.date(2026, 5, 14), "NOT_YET"),  # the day before the 18th birthday
        (dt.date(2026, 5, 15), "ELIGIBLE"),  # the 18th birthday
        (dt.date(2027, 5, 14), "ELIGIBLE"),  # the day before the 19th birthday
        (dt.date(2027, 5, 15), "NO_LONGER"),  # the 19th birthday itself
    ],
)
def test_eligible_from_18th_birthday_to_day_before_19th(day, status):
    assert eligibility(BIRTH, day).status == status


def test_eligibility_window_runs_from_18th_to_19th_birthday_exclusive():
    result = eligibility(BIRTH, dt.date(2026, 9, 1))
    assert (result.eligible_from, result.eligible_until) == (dt.date(2026, 5, 15), dt.date(2027, 5, 15))
    assert result.last_eligible_day == dt.date(2027, 5, 14)


def test_under_18_message_says_pas_encore_with_the_exact_date():
    message = eligibility(BIRTH, dt.date(2025, 1, 1)).message
    assert message.startswith("Pas encore")
    assert "15 mai 2026" in message


def test_eligible_message_gives_the_last_day():
    assert "14 mai 2027 inclus" in eligibility(BIRTH, dt.date(2026, 6, 1)).message


def test_over_19_message_says_no_longer_eligible_and_the_account_may_stay():
    message = eligibility(BIRTH, dt.date(2030, 1, 1)).message
    assert "plus éligible" in message
    assert "garder ton compte" in message


def test_eligibility_unknown_without_birth_date():
    assert eligibility(None, dt.date(2026, 1, 1)).status == "UNKNOWN"


# --- 29 February: the age is reached on 1 March in common years (French civil-law reading) -------


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (dt.date(2026, 2, 28), "NOT_YET"),  # 2026 is a common year: no 29 February
        (dt.date(2026, 3, 1), "ELIGIBLE"),
        (dt.date(2027, 2, 28), "ELIGIBLE"),  # the day before the 19th birthday (1 March 2027)
        (dt.date(2027, 3, 1), "NO_LONGER"),
    ],
)
def test_born_on_29_february_is_eligible_from_1_march_in_common_years(day, status):
    assert eligibility(LEAP_BIRTH, day).status == status


def test_born_on_29_february_reaches_an_age_on_29_february_in_leap_years():
    born_2012 = dt.date(2012, 2, 29)  # 18 in 2030 (a common year), 20 in 2032 (a leap year)
    assert birthday(born_2012, 20) == dt.date(2032, 2, 29)
    assert birthday(born_2012, 18) == dt.date(2030, 3, 1)


def test_birthday_agrees_with_age_on_for_every_day_around_29_february():
    # age_on is what the credit grant checks: eligibility must never disagree with it.
    for offset in range(-3, 4):
        day = dt.date(2026, 3, 1) + dt.timedelta(days=offset)
        assert (age_on(LEAP_BIRTH, day) >= 18) == (day >= birthday(LEAP_BIRTH, 18))


def test_the_not_yet_message_of_a_29_february_birth_says_1er_mars():
    assert "1er mars 2026" in eligibility(LEAP_BIRTH, dt.date(2025, 6, 1)).message


# --- "Today" is the day in Paris ------------------------------------------------------------------


def test_today_is_the_calendar_day_in_paris():
    # 23:30 UTC on 14 May is already 15 May in Paris (UTC+2 in summer): the 18th birthday.
    with time_machine.travel(dt.datetime(2026, 5, 14, 23, 30, tzinfo=dt.UTC), tick=False):
        assert today() == dt.date(2026, 5, 15)
        assert eligibility(BIRTH, today()).status == "ELIGIBLE"


def test_format_day_writes_the_first_as_1er():
    assert format_day(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert format_day(dt.date(2026, 12, 25)) == "25 décembre 2026"
