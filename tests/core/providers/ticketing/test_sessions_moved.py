"""cinema_sessions push: a changed beginningDatetime for the same idAtProvider is a move (decision 0030)."""

import datetime as dt

import pytest

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing import sessions
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 2, 9, 0)  # Monday; Paris is UTC+1
H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def film(db):
    return FilmFactory(title="Le Voyage dans la Lune", allocine_id="1234", visa="5678", duration_minutes=15)


def programme(start: dt.datetime):
    return [
        sessions.PushedOffer(
            "allocine_id:1234",
            [sessions.PushedCategory("PT", "Plein tarif", 750)],
            [sessions.PushedStock("S1", start, "PT", 100, ("VF",))],
        )
    ]


@pytest.mark.parametrize(
    ("timezone", "old_text", "new_text", "limit_text"),
    [
        ("Europe/Paris", "jeudi 5 mars 2026 à 21h00", "vendredi 6 mars 2026 à 19h00", "4 mars 2026 à 10h00"),
        (
            "Indian/Reunion",
            "vendredi 6 mars 2026 à 00h00",
            "vendredi 6 mars 2026 à 22h00",
            "4 mars 2026 à 13h00",
        ),
    ],
)
def test_a_pushed_move_emails_each_booking_once_and_sets_the_limit(
    film, timezone, old_text, new_text, limit_text
):
    venue = VenueFactory(timezone=timezone, booking_email="caisse@cinema.example.com")
    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 5, 20)))
    stock = Stock.objects.get(offer__venue=venue, id_at_provider="S1")
    users = [UserFactory(), UserFactory()]
    for user in users:
        DepositFactory(user=user)
    bookings = [book_offer(user, stock.pk) for user in users]
    OutboxEmail.objects.all().delete()

    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 6, 18)))
    # The same push again (a retry, the next run): nothing moves, nothing is sent.
    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 6, 18)))

    emails = list(OutboxEmail.objects.filter(kind="showtime_moved_beneficiary"))
    assert sorted(e.to[0] for e in emails) == sorted(u.email for u in users)
    for email in emails:
        assert f"Ancien horaire : {old_text} (heure locale)" in email.text_body
        assert f"Nouvel horaire : {new_text} (heure locale)" in email.text_body
        assert f"jusqu'au {limit_text}" in email.text_body
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.cancellation_limit_datetime == NOW + 48 * H


def test_a_pushed_move_to_start_in_10_hours_is_cancellable_until_it_starts(film):
    venue = VenueFactory()
    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 5, 20)))
    user = UserFactory()
    DepositFactory(user=user)
    booking = book_offer(user, Stock.objects.get(offer__venue=venue).pk)

    sessions.push_cinema_sessions(venue, programme(NOW + 10 * H))

    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == NOW + 10 * H


def test_a_pushed_move_under_a_minute_sends_nothing(film):
    venue = VenueFactory()
    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 5, 20)))
    user = UserFactory()
    DepositFactory(user=user)
    booking = book_offer(user, Stock.objects.get(offer__venue=venue).pk)

    sessions.push_cinema_sessions(venue, programme(utc(2026, 3, 5, 20, 0, 30)))

    assert not OutboxEmail.objects.filter(kind="showtime_moved_beneficiary").exists()
    assert (
        Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == booking.cancellation_limit_datetime
    )
