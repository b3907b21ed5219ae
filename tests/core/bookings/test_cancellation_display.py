"""What the beneficiary is told about cancelling: the same answer as cancel_booking_by_beneficiary."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.rules import CancellationRefusal, beneficiary_cancellation, cancellation_limit
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc

from .conftest import NOW

H = dt.timedelta(hours=1)
BOOKED = utc(2026, 3, 10, 12, 0)


def _state(start, at, status=BookingStatus.CONFIRMED, booked=BOOKED):
    return beneficiary_cancellation(
        status=status, booked_at=booked, limit=cancellation_limit(booked, start), event_start=start, at=at
    )


def test_booked_well_ahead_it_is_cancellable_for_48_hours():
    state = _state(BOOKED + 10 * 24 * H, BOOKED + 47 * H)
    assert (state.is_allowed, state.limit, state.refusal) == (True, BOOKED + 48 * H, "")
    assert state.message("Europe/Paris") == "Annulable jusqu'au 12 mars 2026 à 13h00."


def test_the_limit_itself_is_still_allowed_like_the_service():
    assert _state(BOOKED + 10 * 24 * H, BOOKED + 48 * H).is_allowed


def test_after_48_hours_the_window_is_over():
    state = _state(BOOKED + 10 * 24 * H, BOOKED + 48 * H + dt.timedelta(seconds=1))
    assert (state.is_allowed, state.refusal) == (False, CancellationRefusal.WINDOW_OVER)
    assert state.message("Europe/Paris") == (
        "Les 48 h pour changer d'avis sont passées : la réservation est définitive depuis le 12 mars 2026 à 13h00."
    )


def test_booked_72_hours_before_it_becomes_final_48_hours_before_the_show():
    start = BOOKED + 72 * H
    state = _state(start, BOOKED + 25 * H)
    assert (state.is_allowed, state.refusal, state.limit) == (
        False,
        CancellationRefusal.SHOW_WITHIN_48H,
        start - 48 * H,
    )
    assert state.message("Europe/Paris").startswith("La séance commence dans moins de 48 h : ")
    assert state.message("Europe/Paris").endswith("définitive depuis le 11 mars 2026 à 13h00.")


def test_booked_less_than_48_hours_before_it_is_final_at_once():
    state = _state(BOOKED + 20 * H, BOOKED + dt.timedelta(minutes=1))
    assert (state.is_allowed, state.refusal, state.limit) == (
        False,
        CancellationRefusal.FINAL_AT_BOOKING,
        BOOKED,
    )
    assert state.message("Europe/Paris") == (
        "Réservée moins de 48 h avant la séance : la réservation est définitive depuis le 10 mars 2026 à 13h00."
    )


def test_a_final_at_once_booking_is_not_cancellable_even_at_the_booking_instant():
    # Exactly 48 h before: the limit is the booking time, so nothing is left to cancel in.
    state = _state(BOOKED + 48 * H, BOOKED)
    assert (state.is_allowed, state.refusal) == (False, CancellationRefusal.FINAL_AT_BOOKING)
    assert _state(BOOKED + 48 * H + dt.timedelta(minutes=1), BOOKED).is_allowed


def test_once_the_show_has_started_it_says_so():
    start = BOOKED + 72 * H
    assert _state(start, start + H).refusal == CancellationRefusal.EVENT_STARTED


def test_the_message_uses_the_venue_timezone():
    state = _state(BOOKED + 10 * 24 * H, BOOKED)
    # 14:00 UTC is 18:00 in La Réunion (UTC+4).
    assert state.message("Indian/Reunion") == "Annulable jusqu'au 12 mars 2026 à 16h00."


def test_a_thing_is_cancellable_without_limit_while_unused():
    state = beneficiary_cancellation(
        status=BookingStatus.CONFIRMED, booked_at=BOOKED, limit=None, event_start=None, at=BOOKED + 900 * H
    )
    assert (state.is_allowed, state.limit) == (True, None)
    assert state.message("Europe/Paris") == "Annulable tant qu'elle n'a pas été utilisée."


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (BookingStatus.CANCELLED, CancellationRefusal.CANCELLED),
        (BookingStatus.USED, CancellationRefusal.USED),
        (BookingStatus.REIMBURSED, CancellationRefusal.USED),
    ],
)
def test_only_a_confirmed_booking_can_be_cancelled(status, refusal):
    state = _state(BOOKED + 10 * 24 * H, BOOKED + H, status=status)
    assert (state.is_allowed, state.refusal) == (False, refusal)
    assert state.message("Europe/Paris")


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    show_in=st.integers(min_value=1, max_value=24 * 8),
    tried_after=st.integers(min_value=0, max_value=24 * 8 * 60),
)
def test_the_displayed_answer_is_the_service_answer(beneficiary, show_in, tried_after):
    """Whatever the show's start and the moment of the attempt, the page offers the cancel button exactly
    when the service accepts it."""
    stock = StockFactory(beginning_datetime=NOW + show_in * H)
    booking = book_offer(beneficiary, stock.pk, at=NOW)
    at = NOW + dt.timedelta(minutes=tried_after)
    state = beneficiary_cancellation(
        status=booking.status,
        booked_at=booking.booked_at,
        limit=booking.cancellation_limit_datetime,
        event_start=stock.beginning_datetime,
        at=at,
    )
    try:
        cancel_booking_by_beneficiary(beneficiary, booking.pk, at=at)
        accepted = True
    except DomainError:
        accepted = False
    assert state.is_allowed is accepted
