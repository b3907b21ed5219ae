import datetime as dt

import pytest

from passculture.core.common.exceptions import DateOutOfBounds
from passculture.core.common.time import (
    add_years,
    age_on,
    check_input_date,
    format_local,
    local_time_exists,
    local_to_utc,
    shift,
    shift_days,
    to_local,
)
from tests.conftest import utc


def test_format_local_shows_the_time_in_the_given_timezone():
    moment = utc(2026, 12, 12, 19, 30)
    assert format_local(moment, "Europe/Paris") == "12 décembre 2026 à 20h30"
    assert format_local(moment, "Indian/Reunion") == "12 décembre 2026 à 23h30"
    assert format_local(moment, "America/Cayenne") == "12 décembre 2026 à 16h30"


def test_format_local_can_name_the_weekday():
    assert format_local(utc(2026, 12, 12, 19, 30), "Europe/Paris", with_weekday=True) == (
        "samedi 12 décembre 2026 à 20h30"
    )


def test_format_local_follows_daylight_saving_time_in_paris():
    assert format_local(utc(2026, 7, 1, 18, 0), "Europe/Paris").endswith("20h00")
    assert format_local(utc(2026, 1, 1, 18, 0), "Europe/Paris").endswith("19h00")


def test_local_to_utc_reads_a_wall_clock_time_in_the_venue_timezone():
    assert local_to_utc(dt.datetime(2026, 3, 10, 20, 0), "Indian/Reunion") == utc(2026, 3, 10, 16, 0)
    assert local_to_utc(dt.datetime(2026, 7, 10, 20, 0), "Europe/Paris") == utc(2026, 7, 10, 18, 0)


def test_local_to_utc_keeps_an_aware_datetime_as_the_same_instant():
    aware = to_local(utc(2026, 3, 10, 16, 0), "Pacific/Noumea")
    assert local_to_utc(aware, "Europe/Paris") == utc(2026, 3, 10, 16, 0)


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (dt.date(2026, 5, 14), 17),
        (dt.date(2026, 5, 15), 18),
        (dt.date(2027, 5, 14), 18),
        (dt.date(2027, 5, 15), 19),
    ],
)
def test_age_changes_on_the_birthday(day, age):
    assert age_on(dt.date(2008, 5, 15), day) == age


def test_add_years_maps_29_february_to_28_february():
    assert add_years(dt.date(2008, 2, 29), 18) == dt.date(2026, 2, 28)
    assert add_years(dt.date(2008, 2, 29), 20) == dt.date(2028, 2, 29)


def test_first_of_the_month_is_written_1er():
    moment = dt.datetime(2026, 12, 1, 19, 30, tzinfo=dt.UTC)
    assert format_local(moment, "Europe/Paris") == "1er décembre 2026 à 20h30"


@pytest.mark.parametrize(
    ("wall", "tz_name", "exists"),
    [
        (dt.datetime(2027, 3, 28, 2, 30), "Europe/Paris", False),  # spring forward: 02:00 -> 03:00
        (dt.datetime(2027, 3, 28, 3, 0), "Europe/Paris", True),
        (dt.datetime(2027, 3, 27, 2, 30), "Europe/Paris", True),
        (dt.datetime(2027, 10, 31, 2, 30), "Europe/Paris", True),  # ambiguous, but it exists
        (dt.datetime(2027, 3, 28, 2, 30), "Indian/Reunion", True),  # no summer time there
    ],
)
def test_a_local_time_skipped_by_summer_time_does_not_exist(wall, tz_name, exists):
    assert local_time_exists(wall, tz_name) is exists


# --- Arithmetic on stored dates never overflows; input dates are bounded --------------------------

LAST = dt.datetime.max.replace(tzinfo=dt.UTC)
FIRST = dt.datetime.min.replace(tzinfo=dt.UTC)


def test_shift_saturates_at_the_last_representable_moment():
    assert shift(utc(9999, 12, 31, 22, 59), dt.timedelta(hours=48)) == LAST
    assert shift(utc(2026, 3, 10), dt.timedelta(hours=48)) == utc(2026, 3, 12)


def test_shift_saturates_at_the_first_representable_moment():
    assert shift(utc(1, 1, 1, 1, 0), -dt.timedelta(hours=48)) == FIRST


def test_shift_days_saturates_at_the_calendar_ends():
    assert shift_days(dt.date(9999, 12, 31), 1) == dt.date.max
    assert shift_days(dt.date(1, 1, 1), -1) == dt.date.min


def test_a_moment_of_year_9999_converts_to_a_timezone_ahead_of_utc_without_overflow():
    local = to_local(utc(9999, 12, 31, 23, 30), "Europe/Paris")
    assert (local.year, local.month, local.day) == (9999, 12, 31)
    assert format_local(utc(9999, 12, 31, 23, 30), "Indian/Reunion").endswith("9999 à 23h59")


def test_a_wall_clock_time_of_year_1_converts_to_utc_without_overflow():
    # Paris was at local mean time (UTC+0:09) then: the instant is before datetime.min in UTC.
    assert local_to_utc(dt.datetime(1, 1, 1, 0, 0), "Europe/Paris") == FIRST


def test_add_years_saturates_at_year_9999():
    assert add_years(dt.date(9998, 6, 1), 2) == dt.date(9999, 6, 1)


@pytest.mark.parametrize("day", [dt.date(1900, 1, 1), dt.date(2100, 12, 31), dt.datetime(2026, 3, 10, 20)])
def test_input_dates_within_the_bounds_are_accepted(day):
    assert check_input_date(day) == day


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(2101, 1, 1), dt.date.max])
def test_input_dates_outside_the_bounds_are_refused(day):
    with pytest.raises(DateOutOfBounds) as refusal:
        check_input_date(day)
    assert refusal.value.code == "DATE_OUT_OF_BOUNDS"
    assert "1er janvier 1900" in refusal.value.message and "31 décembre 2100" in refusal.value.message
