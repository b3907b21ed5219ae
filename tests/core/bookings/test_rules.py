import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passculture.core.bookings.constants import TOKEN_ALPHABET, BookingStatus
from passculture.core.bookings.exceptions import InvalidCountermark
from passculture.core.bookings.rules import (
    beneficiary_cancellation,
    cancellation_limit,
    event_end,
    generate_token,
    is_final_at_once,
    is_qr_code_visible,
    normalize_token,
    offerer_may_cancel,
    qr_payload,
)
from tests.conftest import utc

H = dt.timedelta(hours=1)
BOOKED_AT = utc(2026, 3, 10, 12, 0)
tokens = st.text(alphabet=TOKEN_ALPHABET, min_size=6, max_size=6)
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(dt.UTC)
)


def test_countermark_alphabet_is_a_to_z_without_i_and_o_and_digits_2_to_7():
    assert set(TOKEN_ALPHABET) == set("ABCDEFGHJKLMNPQRSTUVWXYZ234567")
    assert len(TOKEN_ALPHABET) == 30


@given(st.integers())  # the draw only makes hypothesis call it many times
def test_generated_countermark_is_6_characters_of_the_alphabet(_):
    token = generate_token()
    assert len(token) == 6
    assert set(token) <= set(TOKEN_ALPHABET)


def test_generated_countermarks_use_the_whole_alphabet_at_random():
    drawn = {generate_token() for _ in range(300)}
    assert len(drawn) == 300  # 30**6 possibilities: a collision here means no randomness
    assert set("".join(drawn)) == set(TOKEN_ALPHABET)


@given(tokens)
def test_countermark_is_matched_case_insensitively(token):
    assert normalize_token(token.lower()) == token
    assert normalize_token(f"  {token.swapcase()} ") == token


@given(tokens)
def test_normalize_is_idempotent(token):
    assert normalize_token(normalize_token(token.lower())) == normalize_token(token.lower())


@given(tokens)
def test_scanned_qr_payload_gives_back_the_countermark(token):
    assert normalize_token(qr_payload(token)) == token
    assert normalize_token(qr_payload(token).lower()) == token


def test_qr_payload_is_the_real_service_v3_format():
    assert qr_payload("ABC234") == "PASSCULTURE:v3;TOKEN:ABC234"


def test_qr_code_shown_while_confirmed_until_the_event_is_over():
    start = BOOKED_AT + 24 * H

    def visible(at, *, confirmed=True, duration=90):
        return is_qr_code_visible(is_confirmed=confirmed, event_start=start, duration_minutes=duration, at=at)

    assert visible(start + dt.timedelta(minutes=89))
    assert not visible(start + dt.timedelta(minutes=90))
    assert not visible(BOOKED_AT, confirmed=False)


def test_qr_code_of_a_thing_is_shown_while_confirmed():
    assert is_qr_code_visible(is_confirmed=True, event_start=None, duration_minutes=None, at=BOOKED_AT)


@pytest.mark.parametrize(
    "raw", ["ABC23", "ABC2345", "ABCDE0", "ABCDEI", "ABCDEO", "ABCD18", "ABC-23", "", None]
)
def test_countermark_outside_the_alphabet_or_length_is_refused(raw):
    with pytest.raises(InvalidCountermark) as exc:
        normalize_token(raw)
    assert exc.value.code == "INVALID_COUNTERMARK"


def test_cancellation_limit_booked_well_ahead_is_48h_after_booking():
    assert cancellation_limit(BOOKED_AT, BOOKED_AT + 10 * 24 * H) == BOOKED_AT + 48 * H


def test_cancellation_limit_booked_72h_before_is_48h_before_the_show():
    start = BOOKED_AT + 72 * H
    assert cancellation_limit(BOOKED_AT, start) == start - 48 * H == BOOKED_AT + 24 * H


def test_cancellation_limit_booked_last_minute_is_final_at_once():
    assert cancellation_limit(BOOKED_AT, BOOKED_AT + 47 * H) == BOOKED_AT
    assert cancellation_limit(BOOKED_AT, BOOKED_AT + 2 * H) == BOOKED_AT


@pytest.mark.parametrize(
    ("show_in", "final"),
    [
        (48 * H + dt.timedelta(minutes=1), False),  # one minute to cancel
        (48 * H, True),  # the limit is the booking time itself
        (48 * H - dt.timedelta(minutes=1), True),
        (2 * H, True),
        (10 * 24 * H, False),
    ],
)
def test_a_booking_48_hours_or_less_before_the_show_is_final_at_once(show_in, final):
    assert is_final_at_once(BOOKED_AT, BOOKED_AT + show_in) is final


def test_a_thing_is_never_final_at_once():
    assert is_final_at_once(BOOKED_AT, None) is False


@given(booked_at=moments, lead=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=10)))
def test_final_at_once_is_the_cancellation_limit_at_the_booking_time(booked_at, lead):
    assert is_final_at_once(booked_at, booked_at + lead) is (
        cancellation_limit(booked_at, booked_at + lead) == booked_at
    )


def test_things_have_no_cancellation_limit():
    assert cancellation_limit(BOOKED_AT, None) is None


@given(booked_at=moments, lead=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=400)))
def test_cancellation_limit_follows_its_formula(booked_at, lead):
    start = booked_at + lead
    limit = cancellation_limit(booked_at, start)
    assert limit == max(min(start - 48 * H, booked_at + 48 * H), booked_at)
    assert booked_at <= limit <= booked_at + 48 * H
    assert limit <= start - 48 * H or limit == booked_at


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (BookingStatus.CONFIRMED, True),
        (BookingStatus.USED, False),
        (BookingStatus.REIMBURSED, False),
        (BookingStatus.CANCELLED, False),
    ],
)
def test_the_pro_may_cancel_only_a_booking_not_yet_used(status, allowed):
    assert offerer_may_cancel(status) is allowed


# Rows stored before dates were bounded: a showtime in year 9999 (typed 31/12/9999 23:59 in Paris), booked
# in year 9999, or booked at the first moment of year 1. Every computation from them must still answer.
LAST_SHOWTIME = utc(9999, 12, 31, 22, 59)
LAST_MOMENT = dt.datetime.max.replace(tzinfo=dt.UTC)


def test_the_cancellation_limit_of_a_showtime_in_year_9999_does_not_overflow():
    assert cancellation_limit(BOOKED_AT, LAST_SHOWTIME) == BOOKED_AT + 48 * H
    assert cancellation_limit(LAST_SHOWTIME - H, LAST_SHOWTIME) == LAST_SHOWTIME - H
    first = dt.datetime.min.replace(tzinfo=dt.UTC)
    assert cancellation_limit(first, first + H) == first


def test_a_showtime_in_year_9999_ends_at_the_last_representable_moment():
    assert event_end(LAST_SHOWTIME, None) == LAST_MOMENT
    assert is_qr_code_visible(
        is_confirmed=True, event_start=LAST_SHOWTIME, duration_minutes=600, at=BOOKED_AT
    )


def test_what_the_beneficiary_is_told_about_a_showtime_in_year_9999_does_not_overflow():
    booked_at = LAST_SHOWTIME - 2 * H
    told = beneficiary_cancellation(
        status=BookingStatus.CONFIRMED,
        booked_at=booked_at,
        limit=cancellation_limit(booked_at, LAST_SHOWTIME),
        event_start=LAST_SHOWTIME,
        at=LAST_SHOWTIME - H,
    )
    assert told.refusal == "FINAL_AT_BOOKING"
    # La Réunion is 4 hours ahead of UTC: the local time is past the last representable moment.
    assert told.message("Indian/Reunion").endswith("depuis le 31 décembre 9999 à 23h59.")
