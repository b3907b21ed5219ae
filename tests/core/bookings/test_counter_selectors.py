"""The counter's scan log as a pro sees it (selectors.latest_counter_attempts)."""

import pytest

from passculture.core.bookings.constants import AUTO_VALIDATOR_LABEL, BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.selectors import (
    cancellation_message_of,
    counter_booking_of_offerers,
    latest_counter_attempts,
    validations_of_the_day,
)
from passculture.core.bookings.services import CounterActor, book_offer, cancel_countermark, check_countermark
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc
from tests.helpers import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(venue):
    return BookingFactory(stock__offer__venue=venue, stock__beginning_datetime=None)


def tokens_seen_by(user):
    actor = CounterActor.for_user(user)
    return [attempt.token for attempt in latest_counter_attempts(user, actor.offerer_ids)]


def test_pro_sees_every_attempt_on_their_offerers_bookings_newest_first(pro, venue, booking):
    colleague = MembershipFactory(offerer=venue.offerer).user
    check_countermark(CounterActor.for_user(colleague), booking.token)
    check_countermark(
        CounterActor(offerer_ids={venue.offerer_id}, label="Logiciel de billetterie"), booking.token
    )
    assert tokens_seen_by(pro) == [booking.token, booking.token]


def test_pro_sees_their_own_misses_but_not_other_users_misses(pro):
    error_code(check_countermark, CounterActor.for_user(pro), "AAAAAA")
    error_code(check_countermark, CounterActor.for_user(MembershipFactory().user), "BBBBBB")
    assert tokens_seen_by(pro) == ["AAAAAA"]


def test_pro_never_sees_attempts_on_another_offerers_bookings(pro, booking):
    stranger_booking = BookingFactory(stock__beginning_datetime=None)
    stranger = MembershipFactory(offerer=stranger_booking.offerer).user
    check_countermark(CounterActor.for_user(stranger), stranger_booking.token)
    # The pro's try on the stranger's booking is logged without the booking: it shows as a miss.
    error_code(check_countermark, CounterActor.for_user(pro), stranger_booking.token)
    assert tokens_seen_by(stranger) == [stranger_booking.token]
    assert tokens_seen_by(pro) == [stranger_booking.token]
    attempt = latest_counter_attempts(pro, CounterActor.for_user(pro).offerer_ids)[0]
    assert attempt.booking is None


def test_the_log_is_limited_to_the_latest_attempts(pro):
    actor = CounterActor.for_user(pro)
    for token in ("AAAAAA", "BBBBBB", "CCCCCC"):
        error_code(check_countermark, actor, token)
    assert [a.token for a in latest_counter_attempts(pro, actor.offerer_ids, limit=2)] == ["CCCCCC", "BBBBBB"]


# --- What a refusal may show (selectors.counter_booking_of_offerers) ------------------------------


def test_a_countermark_shows_its_booking_only_to_its_offerers_pros(pro, booking):
    own = CounterActor.for_user(pro).offerer_ids
    assert counter_booking_of_offerers(booking.token.lower(), own) == booking
    assert counter_booking_of_offerers(f"PASSCULTURE:v3;TOKEN:{booking.token}", own) == booking
    assert (
        counter_booking_of_offerers(
            booking.token, CounterActor.for_user(MembershipFactory().user).offerer_ids
        )
        is None
    )


def test_unknown_and_malformed_countermarks_show_nothing(pro):
    own = CounterActor.for_user(pro).offerer_ids
    assert counter_booking_of_offerers("ZZZZZZ", own) is None
    assert counter_booking_of_offerers("0I1O", own) is None
    assert counter_booking_of_offerers("", own) is None


def test_the_offerers_words_of_a_cancellation_are_kept(pro, venue, beneficiary, frozen_clock):
    booking = book_offer(beneficiary, StockFactory(offer__venue=venue, beginning_datetime=None).pk)
    cancel_countermark(CounterActor.for_user(pro), booking.token, reason_text="Motif : Séance annulée.")
    assert cancellation_message_of(Booking.objects.get(pk=booking.pk)) == "Motif : Séance annulée."
    assert cancellation_message_of(BookingFactory()) == ""


# --- Today's validations (selectors.validations_of_the_day) ----------------------------------------


def validated(venue, used_at, *, label="caisse@cinema.example.com", status=BookingStatus.USED):
    booking = BookingFactory(stock__offer__venue=venue, stock__beginning_datetime=None, booked_at=used_at)
    Booking.objects.filter(pk=booking.pk).update(status=status, used_at=used_at, validated_by_label=label)
    return booking


def test_todays_validations_are_the_venues_local_today_newest_first(pro, venue):
    reunion = VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion", postal_code="97400")
    # 21:30 UTC on 9 March: 22:30 in Paris (yesterday there), 1:30 on 10 March in La Réunion (today).
    night_in_reunion = validated(reunion, utc(2026, 3, 9, 21, 30))
    validated(venue, utc(2026, 3, 9, 21, 30))  # yesterday in Paris
    morning_in_paris = validated(venue, utc(2026, 3, 10, 8, 0))
    later_in_paris = validated(venue, utc(2026, 3, 10, 11, 0), status=BookingStatus.REIMBURSED)
    # 20:30 UTC on 10 March is 00:30 on the 11th in La Réunion: tomorrow there.
    validated(reunion, utc(2026, 3, 10, 20, 30))
    at = utc(2026, 3, 10, 12, 0)
    found = validations_of_the_day(CounterActor.for_user(pro).offerer_ids, at=at)
    assert found == [later_in_paris, morning_in_paris, night_in_reunion]


def test_todays_validations_leave_out_automatic_ones_and_other_offerers(pro, venue):
    at = utc(2026, 3, 10, 12, 0)
    validated(venue, utc(2026, 3, 10, 3, 0), label=AUTO_VALIDATOR_LABEL)
    validated(VenueFactory(), utc(2026, 3, 10, 9, 0))
    mine = validated(venue, utc(2026, 3, 10, 9, 0))
    assert validations_of_the_day(CounterActor.for_user(pro).offerer_ids, at=at) == [mine]


def test_todays_validations_are_bounded(pro, venue):
    at = utc(2026, 3, 10, 12, 0)
    for minute in range(5):
        validated(venue, utc(2026, 3, 10, 9, minute))
    found = validations_of_the_day(CounterActor.for_user(pro).offerer_ids, at=at, limit=3)
    assert [b.used_at.minute for b in found] == [4, 3, 2]
