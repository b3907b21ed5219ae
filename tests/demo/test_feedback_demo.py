""" "Tu as aimé ?" in the demo: answers from the history's young people only, consistent with their
bookings, enough for some films to show their share; the accounts one logs in with still get asked."""

import pytest
from django.db.models import Q

from passculture.core.bookings.feedback import COUNTED_STATUSES, MIN_ANSWERS_SHOWN, counts_for_showings
from passculture.core.bookings.models import Booking, BookingFeedback
from passculture.core.films.models import Film
from passculture.demo import data

pytestmark = pytest.mark.usefixtures("demo")


def test_every_answer_is_of_a_used_booking_of_a_history_beneficiary_after_its_show(db):
    answers = list(BookingFeedback.objects.select_related("booking__stock", "booking__user"))
    assert answers
    history = {data.history_email(n) for n in range(1, data.HISTORY_BENEFICIARY_COUNT + 1)}
    for answer in answers:
        booking = answer.booking
        assert booking.status in COUNTED_STATUSES
        assert booking.user.email in history
        assert answer.created_at > (booking.stock.beginning_datetime or booking.used_at)


def test_some_films_show_their_share_on_their_page(db):
    shown = [
        film
        for film in Film.objects.all()
        if counts_for_showings(Q(film_id=film.pk)).total >= MIN_ANSWERS_SHOWN
    ]
    assert shown


def test_the_demo_young_person_is_asked_about_a_used_booking(db):
    used = Booking.objects.filter(user__email=data.YOUNG_SPENT_EMAIL, status__in=COUNTED_STATUSES)
    assert used.exists()
    assert not BookingFeedback.objects.filter(booking__in=used).exists()
