"""The counter's scan log as a pro sees it (selectors.latest_counter_attempts)."""

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.selectors import latest_counter_attempts
from passculture.core.bookings.services import CounterActor, check_countermark
from passculture.core.offerers.factories import MembershipFactory
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
