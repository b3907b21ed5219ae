"""The film page's "ont aimé": every cinema's answers together, shown from the threshold, in one query."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import MIN_ANSWERS_SHOWN, give_feedback
from passculture.core.bookings.models import Booking
from passculture.core.films.factories import FilmFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

from .test_views import lyon_venue

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 8, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def film():
    film = FilmFactory(title="Orbite basse")
    # Showing tomorrow at one cinema: the page has a day to show.
    StockFactory(
        offer=OfferFactory(film=film, venue=lyon_venue()), beginning_datetime=NOW + dt.timedelta(days=1)
    )
    return film


def answers(film, likes: int, dislikes: int, *, venue=None) -> list[Booking]:
    """Used bookings of last week's showtimes, each answered, at a new cinema unless `venue` is given."""
    offer = OfferFactory(film=film, **({"venue": venue} if venue else {}))
    made = []
    for index in range(likes + dislikes):
        start = NOW - dt.timedelta(days=7)
        booking = BookingFactory(
            user=UserFactory(), stock=StockFactory(offer=offer, beginning_datetime=start)
        )
        booking.mark_as_used(start)
        booking.save()
        give_feedback(booking.user, booking.pk, index < likes)
        made.append(booking)
    return made


def page(client, film) -> str:
    response = client.get(reverse("app:film", args=[film.pk]))
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_nothing_is_shown_below_the_threshold(client, film):
    answers(film, MIN_ANSWERS_SHOWN - 1, 0)
    html = page(client, film)
    assert "ont aimé" not in html
    assert "data-feedback-total" not in html


def test_the_share_is_shown_from_the_threshold_over_every_cinema(client, film):
    answers(film, 6, 1)
    answers(film, 1, 0)
    answers(film, 0, 2)
    answers(FilmFactory(), 5, 5)  # another film
    html = page(client, film)
    assert "<strong>70 %</strong> ont aimé" in html
    assert "(10 avis)" in html


def test_a_cancelled_or_unvalidated_booking_stops_counting(client, film):
    made = answers(film, MIN_ANSWERS_SHOWN, 0)
    Booking.objects.filter(pk=made[0].pk).update(status=BookingStatus.CONFIRMED, used_at=None)
    assert "ont aimé" not in page(client, film)


def test_the_counts_cost_one_query_whatever_their_number(client, film, django_assert_max_num_queries):
    answers(film, MIN_ANSWERS_SHOWN, 2)
    page(client, film)  # warm whatever is cached
    with django_assert_max_num_queries(50) as before:
        page(client, film)
    answers(film, 20, 20)
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = page(client, film)
    assert "(52 avis)" in html
    feedback_queries = [q for q in before.captured_queries if "bookings_bookingfeedback" in q["sql"]]
    assert len(feedback_queries) == 1
