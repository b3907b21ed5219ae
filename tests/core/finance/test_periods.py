import datetime as dt

import pytest

from passculture.core.finance import periods
from passculture.core.finance.periods import Fortnight, NotACutoff

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 1), D(2026, 3, 1)),
        (D(2026, 3, 2), D(2026, 3, 1)),
        (D(2026, 3, 15), D(2026, 3, 1)),
        (D(2026, 3, 16), D(2026, 3, 16)),
        (D(2026, 3, 31), D(2026, 3, 16)),
    ],
)
def test_cutoff_on_or_before_is_the_latest_first_or_sixteenth(day, expected):
    assert periods.cutoff_on_or_before(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 1), D(2026, 3, 16)),
        (D(2026, 3, 15), D(2026, 3, 16)),
        (D(2026, 3, 16), D(2026, 4, 1)),
        (D(2026, 2, 28), D(2026, 3, 1)),
        (D(2026, 12, 16), D(2027, 1, 1)),
        (D(2026, 12, 31), D(2027, 1, 1)),
    ],
)
def test_next_cutoff_is_strictly_after_the_day(day, expected):
    assert periods.next_cutoff(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 16), D(2026, 3, 1)),
        (D(2026, 3, 1), D(2026, 2, 16)),
        (D(2027, 1, 1), D(2026, 12, 16)),
        (D(2026, 3, 20), D(2026, 3, 16)),
    ],
)
def test_previous_cutoff_is_strictly_before_the_day(day, expected):
    assert periods.previous_cutoff(day) == expected


def test_a_booking_validated_before_midnight_paris_goes_in_the_cutoff_of_the_next_day():
    # 15 March 23:59 in Paris (UTC+1 in winter) = 22:59 UTC
    assert periods.cutoff_for(dt.datetime(2026, 3, 15, 22, 59, tzinfo=dt.UTC)) == D(2026, 3, 16)
    # 16 March 00:01 in Paris = 15 March 23:01 UTC: already after the cut-off instant
    assert periods.cutoff_for(dt.datetime(2026, 3, 15, 23, 1, tzinfo=dt.UTC)) == D(2026, 4, 1)


def test_new_year_is_counted_on_the_paris_clock_not_utc():
    # 31 December 23:30 UTC is 1 January 00:30 in Paris: the next year's first fortnight
    assert periods.cutoff_for(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == D(2027, 1, 16)
    assert periods.cutoff_for(dt.datetime(2026, 12, 31, 22, 59, tzinfo=dt.UTC)) == D(2027, 1, 1)


def test_cutoff_for_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        periods.cutoff_for(dt.datetime(2026, 3, 15, 12, 0))


def test_cutoff_instant_is_midnight_paris_in_utc_in_winter_and_summer():
    assert periods.cutoff_instant(D(2026, 3, 16)) == dt.datetime(2026, 3, 15, 23, 0, tzinfo=dt.UTC)
    assert periods.cutoff_instant(D(2026, 7, 1)) == dt.datetime(2026, 6, 30, 22, 0, tzinfo=dt.UTC)


def test_batch_is_created_the_day_after_the_cutoff_and_executed_seven_days_after():
    assert periods.batch_creation_day(D(2026, 3, 16)) == D(2026, 3, 17)
    assert periods.requested_execution_date(D(2026, 3, 16)) == D(2026, 3, 23)
    assert periods.requested_execution_date(D(2026, 12, 16)) == D(2026, 12, 23)
    assert periods.requested_execution_date(D(2027, 1, 1)) == D(2027, 1, 8)


@pytest.mark.parametrize(
    ("cutoff", "fortnight", "first", "last"),
    [
        (D(2026, 3, 16), Fortnight(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 15)),
        (D(2026, 4, 1), Fortnight(2026, 3, 2), D(2026, 3, 16), D(2026, 3, 31)),
        (D(2026, 3, 1), Fortnight(2026, 2, 2), D(2026, 2, 16), D(2026, 2, 28)),
        (D(2024, 3, 1), Fortnight(2024, 2, 2), D(2024, 2, 16), D(2024, 2, 29)),
        (D(2027, 1, 1), Fortnight(2026, 12, 2), D(2026, 12, 16), D(2026, 12, 31)),
    ],
)
def test_a_cutoff_closes_the_fortnight_that_ends_the_day_before(cutoff, fortnight, first, last):
    closed = periods.fortnight_closed_by(cutoff)
    assert closed == fortnight
    assert (closed.first_day, closed.last_day) == (first, last)
    assert periods.next_cutoff(closed.last_day) == cutoff


@pytest.mark.parametrize(
    ("cutoff", "label"),
    [
        (D(2026, 3, 16), "pass Culture Pro - remboursement 1ère quinzaine 03-2026"),
        (D(2026, 4, 1), "pass Culture Pro - remboursement 2nde quinzaine 03-2026"),
        (D(2027, 1, 1), "pass Culture Pro - remboursement 2nde quinzaine 12-2026"),
        (D(2027, 1, 16), "pass Culture Pro - remboursement 1ère quinzaine 01-2027"),
    ],
)
def test_transfer_label_names_the_fortnight_the_cutoff_closes(cutoff, label):
    assert periods.transfer_label(cutoff) == label


def test_fortnight_describes_itself_in_french():
    assert periods.fortnight_closed_by(D(2026, 3, 16)).describe() == "du 1er au 15 mars 2026"
    assert periods.fortnight_closed_by(D(2026, 3, 1)).describe() == "du 16 au 28 février 2026"


@pytest.mark.parametrize("day", [D(2026, 3, 2), D(2026, 3, 15), D(2026, 3, 17), D(2026, 3, 31)])
def test_functions_of_a_cutoff_refuse_another_day(day):
    for function in (
        periods.cutoff_instant,
        periods.batch_creation_day,
        periods.requested_execution_date,
        periods.fortnight_closed_by,
        periods.transfer_label,
    ):
        with pytest.raises(NotACutoff) as error:
            function(day)
        assert error.value.code == "NOT_A_CUTOFF"


def test_a_datetime_is_not_a_cutoff_even_on_the_sixteenth():
    with pytest.raises(NotACutoff):
        periods.check_cutoff(dt.datetime(2026, 3, 16, 0, 0))


def test_parse_cutoff_accepts_a_first_or_sixteenth_and_explains_the_rest():
    assert periods.parse_cutoff(" 2026-03-16 ") == D(2026, 3, 16)
    with pytest.raises(NotACutoff, match="le 1er et le 16"):
        periods.parse_cutoff("2026-03-17")
    with pytest.raises(NotACutoff, match="AAAA-MM-JJ"):
        periods.parse_cutoff("16/03/2026")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-16", "1899-12-16"])
def test_parse_cutoff_refuses_absurd_years_with_a_clear_message(text):
    with pytest.raises(NotACutoff, match=r"Date de clôture hors limites\. Indiquez une date entre le 1er"):
        periods.parse_cutoff(text)


@pytest.mark.parametrize(
    ("frozen_at_utc", "expected"),
    [
        # 16 March 23:30 in Paris: the 16 March batch is created only from the 17th
        (dt.datetime(2026, 3, 16, 22, 30, tzinfo=dt.UTC), D(2026, 3, 1)),
        # 17 March 00:00 in Paris = 16 March 23:00 UTC
        (dt.datetime(2026, 3, 16, 23, 0, tzinfo=dt.UTC), D(2026, 3, 16)),
        (dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC), D(2026, 3, 16)),
        # 2 January 00:30 in Paris
        (dt.datetime(2027, 1, 1, 23, 30, tzinfo=dt.UTC), D(2027, 1, 1)),
        (dt.datetime(2027, 1, 1, 22, 30, tzinfo=dt.UTC), D(2026, 12, 16)),
    ],
)
def test_due_cutoff_follows_the_paris_clock(time_machine, frozen_at_utc, expected):
    time_machine.move_to(frozen_at_utc, tick=False)
    assert periods.due_cutoff() == expected
