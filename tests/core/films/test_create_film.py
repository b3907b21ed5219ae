"""A film typed by a pro: checked (bounded, year 1895..now+5, visa digits) and shared when it exists."""

import pytest

from passculture.core.films.exceptions import (
    FilmFieldTooLong,
    FilmNotFound,
    FilmOnlyForShowtimes,
    FilmTitleRequired,
    InvalidFilmDuration,
    InvalidFilmYear,
    InvalidVisa,
)
from passculture.core.films.models import Film
from passculture.core.films.services import create_film, get_film
from passculture.core.offers.constants import Category
from passculture.core.offers.services import create_offer, update_offer
from tests.conftest import utc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(utc(2026, 6, 1, 12, 0), tick=False)


@pytest.mark.parametrize("year", [1895, 2031, None])
def test_a_year_from_1895_to_five_years_ahead_is_accepted(year):
    assert create_film(title="Film", year=year).year == year


@pytest.mark.parametrize("year", [1894, 2032])
def test_a_year_outside_1895_to_five_years_ahead_is_refused(year):
    with pytest.raises(InvalidFilmYear):
        create_film(title="Film", year=year)


def test_a_visa_keeps_only_its_digits_and_refuses_letters():
    assert create_film(title="Film", visa=" 158 963 ").visa == "158963"
    with pytest.raises(InvalidVisa):
        create_film(title="Autre", visa="15A963")
    with pytest.raises(InvalidVisa):
        create_film(title="Autre", visa="12345678901")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": "  "}, FilmTitleRequired),
        ({"title": "x" * 141}, FilmFieldTooLong),
        ({"title": "Film", "synopsis": "x" * 5001}, FilmFieldTooLong),
        ({"title": "Film", "genres": ["g"] * 11}, FilmFieldTooLong),
        ({"title": "Film", "genres": ["g" * 61]}, FilmFieldTooLong),
        ({"title": "Film", "duration_minutes": 0}, InvalidFilmDuration),
        ({"title": "Film", "duration_minutes": 1441}, InvalidFilmDuration),
    ],
)
def test_every_field_is_bounded(fields, error):
    with pytest.raises(error):
        create_film(**fields)
    assert not Film.objects.exists()


def test_the_same_film_typed_twice_is_one_film():
    first = create_film(title="L'Été dernier", year=2023, synopsis="Premier texte.")
    second = create_film(title="l ete dernier", year=2023, visa="150000", synopsis="Autre texte.")
    assert second == first
    first.refresh_from_db()
    assert (first.visa, first.synopsis) == ("150000", "Premier texte.")


def test_an_unknown_film_id_is_film_not_found():
    with pytest.raises(FilmNotFound):
        get_film(123456)
    with pytest.raises(FilmNotFound):
        get_film("abc")


def test_an_offer_made_with_a_new_film_links_to_it_and_takes_its_defaults(venue):
    offer = create_offer(
        venue=venue,
        new_film={"title": "Anora", "year": 2024, "duration_minutes": 139, "synopsis": "Une histoire."},
    )
    assert offer.film.title == "Anora"
    assert (offer.name, offer.duration_minutes, offer.description) == ("Anora", 139, "Une histoire.")


def test_the_pro_keeps_what_they_typed_over_the_film_defaults(venue):
    film = create_film(title="Anora", year=2024, duration_minutes=139)
    offer = create_offer(venue=venue, film_id=film.pk, name="Anora (VOST)", duration_minutes=145)
    assert (offer.film, offer.name, offer.duration_minutes) == (film, "Anora (VOST)", 145)


def test_only_a_showtime_links_to_a_film(venue):
    film = create_film(title="Anora", year=2024)
    with pytest.raises(FilmOnlyForShowtimes):
        create_offer(venue=venue, name="Carte 5 places", category=Category.CINEMA_CARD, film_id=film.pk)
    card = create_offer(venue=venue, name="Carte 5 places", category=Category.CINEMA_CARD)
    with pytest.raises(FilmOnlyForShowtimes):
        update_offer(card, film_id=film.pk)


def test_an_offer_changes_film_and_unlinks(venue):
    first, second = create_film(title="Un", year=2024), create_film(title="Deux", year=2024)
    offer = create_offer(venue=venue, film_id=first.pk)
    assert update_offer(offer, film_id=second.pk).film == second
    assert update_offer(offer, film=None).film is None
