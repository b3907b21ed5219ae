"""After the show: one like or dislike per used booking, by its owner, and the counts (decision 0034)."""

import datetime as dt

import pytest
from django.db.models import Q

from passculture.core.bookings import feedback
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import (
    MIN_ANSWERS_SHOWN,
    FeedbackCounts,
    can_answer,
    counts_by_offer_of_venue,
    counts_for_offer,
    counts_for_showings,
    give_feedback,
)
from passculture.core.bookings.models import BookingFeedback
from passculture.core.bookings.services import (
    book_offer,
    cancel_booking_by_offerer,
    undo_validation,
    validate_countermark,
)
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory
from tests.helpers import error_code

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)


def used_booking(*, user=None, start=NOW - 5 * H, duration=100, **stock):
    """A booking validated at the counter, of a show that started 5 hours ago and lasted 100 minutes."""
    booking = BookingFactory(
        user=user or UserFactory(),
        stock=StockFactory(beginning_datetime=start, offer__duration_minutes=duration, **stock),
    )
    booking.mark_as_used(start - H / 4)
    booking.save()
    return booking


def test_owner_likes_a_used_booking_once_the_show_is_over():
    booking = used_booking()
    answer = give_feedback(booking.user, booking.pk, True)
    assert (answer.booking, answer.liked, answer.created_at) == (booking, True, NOW)


def test_owner_dislikes_a_used_booking():
    booking = used_booking()
    assert give_feedback(booking.user, booking.pk, False).liked is False


def test_a_reimbursed_booking_can_be_answered():
    booking = used_booking()
    booking.status = BookingStatus.REIMBURSED
    booking.save()
    assert give_feedback(booking.user, booking.pk, True).liked is True


def test_second_answer_is_refused_and_the_first_one_stays():
    booking = used_booking()
    give_feedback(booking.user, booking.pk, True)
    assert error_code(give_feedback, booking.user, booking.pk, False) == "FEEDBACK_ALREADY_GIVEN"
    assert error_code(give_feedback, booking.user, booking.pk, True) == "FEEDBACK_ALREADY_GIVEN"
    assert list(BookingFeedback.objects.values_list("liked", flat=True)) == [True]


def test_another_persons_booking_is_unknown():
    booking = used_booking()
    assert error_code(give_feedback, UserFactory(), booking.pk, True) == "BOOKING_NOT_FOUND"
    assert not BookingFeedback.objects.exists()


def test_unknown_booking_is_unknown(beneficiary):
    assert error_code(give_feedback, beneficiary, 987_654, True) == "BOOKING_NOT_FOUND"


def test_a_confirmed_booking_cannot_be_answered():
    booking = BookingFactory(stock=StockFactory(beginning_datetime=NOW - 5 * H))
    assert error_code(give_feedback, booking.user, booking.pk, True) == "FEEDBACK_BOOKING_NOT_USED"


def test_a_cancelled_booking_cannot_be_answered():
    booking = BookingFactory(stock=StockFactory(beginning_datetime=NOW - 5 * H))
    booking.mark_as_cancelled(NOW - 6 * H, "OFFERER")
    booking.save()
    assert error_code(give_feedback, booking.user, booking.pk, True) == "FEEDBACK_BOOKING_CANCELLED"


def test_a_used_booking_is_answered_from_the_end_of_its_show():
    # Validated at the door at 11:45 for a 100-minute show at 12:00: it ends at 13:40.
    booking = used_booking(start=NOW, duration=100)
    end = NOW + dt.timedelta(minutes=100)
    assert not can_answer(booking, end - dt.timedelta(seconds=1))
    assert can_answer(booking, end)
    assert error_code(give_feedback, booking.user, booking.pk, True) == "FEEDBACK_SHOW_NOT_OVER"
    assert give_feedback(booking.user, booking.pk, True, at=end).created_at == end


def test_show_not_over_says_from_when_in_the_venues_time():
    booking = used_booking(start=NOW, duration=100, offer__venue__timezone="Indian/Reunion")
    with pytest.raises(feedback.FeedbackShowNotOver) as refused:
        give_feedback(booking.user, booking.pk, True)
    # 13:40 UTC is 17h40 in La Réunion.
    assert "17h40" in refused.value.message


def test_a_used_thing_is_answered_at_once(beneficiary):
    booking = BookingFactory(user=beneficiary, stock=ThingStockFactory())
    booking.mark_as_used(NOW)
    booking.save()
    assert can_answer(booking, NOW)
    assert give_feedback(beneficiary, booking.pk, False).liked is False


@pytest.mark.parametrize("value", [1, 0, "true", None, "oui"])
def test_only_a_boolean_is_an_answer(value):
    booking = used_booking()
    assert error_code(give_feedback, booking.user, booking.pk, value) == "FEEDBACK_INVALID"


def test_an_answered_booking_is_not_asked_again():
    booking = used_booking()
    assert can_answer(booking, NOW)
    give_feedback(booking.user, booking.pk, True)
    booking.refresh_from_db()
    assert not can_answer(booking, NOW)


@pytest.mark.parametrize(
    ("likes", "total", "percent"), [(0, 0, 0), (7, 8, 88), (1, 3, 33), (2, 3, 67), (10, 10, 100), (0, 12, 0)]
)
def test_like_percent_is_rounded_half_up(likes, total, percent):
    assert FeedbackCounts(likes, total).like_percent == percent


def test_the_split_is_shown_from_the_threshold():
    assert not FeedbackCounts(MIN_ANSWERS_SHOWN - 1, MIN_ANSWERS_SHOWN - 1).is_shown
    assert FeedbackCounts(0, MIN_ANSWERS_SHOWN).is_shown


def _answered(liked: bool, **stock):
    booking = used_booking(**stock)
    give_feedback(booking.user, booking.pk, liked)
    return booking


def test_a_film_is_counted_across_every_cinema_that_shows_it():
    film = FilmFactory()
    _answered(True, offer__film=film)
    _answered(True, offer__film=film, offer__venue=VenueFactory())
    _answered(False, offer__film=film, offer__venue=VenueFactory())
    _answered(False)  # another film
    assert counts_for_showings(Q(film_id=film.pk)) == FeedbackCounts(likes=2, total=3)


def test_a_film_is_counted_in_one_query(django_assert_num_queries):
    film = FilmFactory()
    for liked in (True, False, True):
        _answered(liked, offer__film=film)
    with django_assert_num_queries(1):
        counts_for_showings(Q(film_id=film.pk))


def test_an_undone_validation_stops_counting_and_counts_again_once_validated_again(
    beneficiary, venue, counter
):
    booking = book_offer(beneficiary, StockFactory(offer__venue=venue, beginning_datetime=NOW + 100 * H).pk)
    after_show = NOW + 110 * H
    validate_countermark(counter, booking.token, at=NOW + 99 * H)
    give_feedback(beneficiary, booking.pk, True, at=after_show)
    showings = Q(pk=booking.offer_id)
    assert counts_for_showings(showings) == FeedbackCounts(1, 1)

    undo_validation(counter, booking.token, at=after_show)
    assert counts_for_showings(showings) == FeedbackCounts(0, 0)
    assert error_code(give_feedback, beneficiary, booking.pk, False, at=after_show) == (
        "FEEDBACK_BOOKING_NOT_USED"
    )

    validate_countermark(counter, booking.token, at=after_show)
    assert counts_for_showings(showings) == FeedbackCounts(1, 1)
    # Validated again, the answer given is still final.
    assert error_code(give_feedback, beneficiary, booking.pk, False, at=after_show) == (
        "FEEDBACK_ALREADY_GIVEN"
    )


def test_a_used_booking_cancelled_after_its_validation_was_undone_stops_counting(beneficiary, venue, counter):
    booking = book_offer(beneficiary, StockFactory(offer__venue=venue, beginning_datetime=NOW + 100 * H).pk)
    after_show = NOW + 110 * H
    validate_countermark(counter, booking.token, at=NOW + 99 * H)
    give_feedback(beneficiary, booking.pk, False, at=after_show)
    undo_validation(counter, booking.token, at=after_show)
    cancel_booking_by_offerer(counter, booking.pk, at=after_show)
    assert counts_for_showings(Q(pk=booking.offer_id)) == FeedbackCounts(0, 0)
    assert BookingFeedback.objects.filter(booking=booking).exists()


def test_pro_counts_of_an_offer_only_for_its_own_offerer():
    booking = _answered(True)
    _answered(False, offer=booking.offer)
    own = [booking.offerer_id]
    assert counts_for_offer(booking.offer_id, own) == FeedbackCounts(1, 2)
    assert counts_for_offer(booking.offer_id, [booking.offerer_id + 1000]) == FeedbackCounts(0, 0)


def test_pro_counts_by_offer_of_a_venue_most_answered_first(django_assert_num_queries):
    venue = VenueFactory()
    quiet = _answered(True, offer__venue=venue, offer__name="Calme plat")
    busy = _answered(True, offer__venue=venue, offer__name="Foule")
    _answered(False, offer=busy.offer)
    _answered(True)  # another venue
    with django_assert_num_queries(1):
        rows = counts_by_offer_of_venue(venue.pk, [venue.offerer_id])
    assert [(r.offer_id, r.offer_name, r.counts) for r in rows] == [
        (busy.offer_id, "Foule", FeedbackCounts(1, 2)),
        (quiet.offer_id, "Calme plat", FeedbackCounts(1, 1)),
    ]
    assert feedback.total_of(rows) == FeedbackCounts(2, 3)
    assert counts_by_offer_of_venue(venue.pk, [venue.offerer_id + 1000]) == []
