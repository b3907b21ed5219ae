import datetime as dt

from passculture.core.common.quiet_hours import is_quiet, next_allowed

PARIS = "Europe/Paris"
REUNION = "Indian/Reunion"  # UTC+4, no summer time


def utc(*parts):
    return dt.datetime(*parts, tzinfo=dt.UTC)


def test_quiet_from_22_00_until_08_00_local():
    assert not is_quiet(utc(2026, 12, 11, 20, 59, 59), PARIS)  # 21:59:59
    assert is_quiet(utc(2026, 12, 11, 21, 0), PARIS)  # 22:00
    assert is_quiet(utc(2026, 12, 12, 6, 59, 59), PARIS)  # 07:59:59
    assert not is_quiet(utc(2026, 12, 12, 7, 0), PARIS)  # 08:00


def test_next_allowed_is_the_moment_itself_outside_quiet_hours():
    moment = utc(2026, 12, 11, 12, 0)
    assert next_allowed(moment, PARIS) is moment


def test_next_allowed_before_midnight_is_the_next_morning():
    assert next_allowed(utc(2026, 12, 11, 22, 30), PARIS) == utc(2026, 12, 12, 7, 0)


def test_next_allowed_after_midnight_is_the_same_morning():
    assert next_allowed(utc(2026, 12, 12, 1, 0), PARIS) == utc(2026, 12, 12, 7, 0)


def test_next_allowed_in_summer_time():
    assert next_allowed(utc(2026, 7, 1, 21, 0), PARIS) == utc(2026, 7, 2, 6, 0)  # 23:00 CEST → 08:00 CEST


def test_overseas_quiet_hours_are_local():
    # 19:30 UTC is 23:30 at La Réunion (quiet) but 20:30 in Paris (not quiet).
    moment = utc(2026, 12, 11, 19, 30)
    assert is_quiet(moment, REUNION) and not is_quiet(moment, PARIS)
    assert next_allowed(moment, REUNION) == utc(2026, 12, 12, 4, 0)
