"""POST /bookings/{id}/feedback ("Tu as aimé ?"), the answer in the bookings, the film's counts."""

import datetime as dt

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import MIN_ANSWERS_SHOWN, give_feedback
from passculture.core.bookings.models import BookingFeedback
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
NOW = utc(2026, 3, 10, 12, 0)
H = dt.timedelta(hours=1)


@pytest.fixture
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def assert_error(response, status, code):
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert response.json()["message"]


def used(user, *, start=NOW - 5 * H, **stock):
    booking = BookingFactory(user=user, stock=StockFactory(beginning_datetime=start, **stock))
    booking.mark_as_used(start)
    booking.save()
    return booking


def test_the_owner_answers_once_201(beneficiary, client_of):
    booking = used(beneficiary)
    response = client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True})
    assert response.status_code == 201
    assert response.json() == {"canAnswer": False, "liked": True, "answeredAt": "2026-03-10T12:00:00Z"}
    assert BookingFeedback.objects.get(booking=booking).liked is True


def test_a_second_answer_is_409_feedback_already_given(beneficiary, client_of):
    booking = used(beneficiary)
    client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": False})
    response = client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True})
    assert_error(response, 409, "FEEDBACK_ALREADY_GIVEN")
    assert BookingFeedback.objects.get(booking=booking).liked is False


def test_another_persons_booking_is_404(client_of):
    booking = used(UserFactory())
    assert_error(
        client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True}), 404, "BOOKING_NOT_FOUND"
    )


def test_a_confirmed_booking_is_409_not_used(beneficiary, client_of):
    booking = BookingFactory(user=beneficiary, stock=StockFactory(beginning_datetime=NOW - 5 * H))
    response = client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True})
    assert_error(response, 409, "FEEDBACK_BOOKING_NOT_USED")


def test_a_cancelled_booking_is_409_cancelled(beneficiary, client_of):
    booking = BookingFactory(user=beneficiary, stock=StockFactory(beginning_datetime=NOW - 5 * H))
    booking.mark_as_cancelled(NOW - 6 * H, "BENEFICIARY")
    booking.save()
    response = client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True})
    assert_error(response, 409, "FEEDBACK_BOOKING_CANCELLED")


def test_a_show_not_over_is_409(beneficiary, client_of):
    booking = used(beneficiary, start=NOW - H / 2)
    response = client_of.post(f"/bookings/{booking.pk}/feedback", {"liked": True})
    assert_error(response, 409, "FEEDBACK_SHOW_NOT_OVER")


@pytest.mark.parametrize("body", [{}, {"liked": "true"}, {"liked": 1}, {"liked": None}, {"like": True}])
def test_liked_must_be_a_json_boolean_422(beneficiary, client_of, body):
    booking = used(beneficiary)
    assert_error(client_of.post(f"/bookings/{booking.pk}/feedback", body), 422, "INVALID_INPUT")
    assert not BookingFeedback.objects.exists()


@pytest.mark.parametrize("booking_id", ["0", "-1", "99999999999999999999", "abc"])
def test_a_booking_id_out_of_bounds_is_refused(client_of, booking_id):
    response = client_of.post(f"/bookings/{booking_id}/feedback", {"liked": True})
    assert response.status_code in (404, 422)
    assert response.json()["code"]


def test_without_token_is_401(anonymous, beneficiary):
    booking = used(beneficiary)
    assert_error(anonymous.post(f"/bookings/{booking.pk}/feedback", {"liked": True}), 401, "UNAUTHENTICATED")


def test_the_booking_says_whether_to_ask_and_the_answer(beneficiary, client_of):
    booking = used(beneficiary)
    path = f"/bookings/{booking.pk}"
    assert client_of.get(path).json()["feedback"] == {"canAnswer": True, "liked": None, "answeredAt": None}
    give_feedback(beneficiary, booking.pk, False)
    assert client_of.get(path).json()["feedback"] == {
        "canAnswer": False,
        "liked": False,
        "answeredAt": "2026-03-10T12:00:00Z",
    }


def test_the_bookings_list_reads_the_answers_in_the_same_query(
    beneficiary, client_of, django_assert_max_num_queries
):
    for _ in range(2):
        give_feedback(beneficiary, used(beneficiary).pk, True)
    used(beneficiary)
    with django_assert_max_num_queries(6) as one:
        client_of.get("/bookings")
    for _ in range(3):
        give_feedback(beneficiary, used(beneficiary).pk, False)
    with django_assert_max_num_queries(len(one.captured_queries)):
        ended = client_of.get("/bookings").json()["endedBookings"]
    assert sorted(b["feedback"]["liked"] is None for b in ended) == [False] * 5 + [True]


def _answers(film, likes, dislikes):
    for index in range(likes + dislikes):
        booking = used(UserFactory(), offer__film=film, offer__venue=VenueFactory())
        give_feedback(booking.user, booking.pk, index < likes)


def test_the_film_calendar_gives_the_counts_from_the_threshold(anonymous):
    film = FilmFactory()
    _answers(film, MIN_ANSWERS_SHOWN - 2, 1)
    assert anonymous.get(f"/movie/calendar?filmId={film.pk}").json()["film"]["feedback"] is None
    _answers(film, 0, 1)
    assert anonymous.get(f"/movie/calendar?filmId={film.pk}").json()["film"]["feedback"] == {
        "likes": MIN_ANSWERS_SHOWN - 2,
        "total": MIN_ANSWERS_SHOWN,
        "likePercent": 80,
    }
