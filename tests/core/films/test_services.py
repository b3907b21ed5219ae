"""One Film per film: the keys are the Allociné id, else the visa, else the normalised title and year."""

import pytest

from passculture.core.films.models import Film
from passculture.core.films.services import find_film, find_or_create_film

pytestmark = pytest.mark.django_db


def test_the_same_allocine_id_is_the_same_film_whatever_the_title():
    film = find_or_create_film(title="Dune", allocine_id="123", year=2021)
    assert find_or_create_film(title="Dune : première partie", allocine_id="123") == film
    assert Film.objects.count() == 1


def test_a_visa_matches_when_there_is_no_allocine_id():
    film = find_or_create_film(title="Le Cercle", visa="45 678")
    assert find_or_create_film(title="Autre titre", visa="45 678") == film


def test_a_title_matches_across_accents_case_and_punctuation_in_the_same_year():
    film = find_or_create_film(title="L'Été dernier", year=2023)
    assert find_or_create_film(title="l ete  DERNIER", year=2023) == film
    assert find_or_create_film(title="L'Été dernier", year=1999) != film


def test_a_title_never_matches_a_film_another_allocine_id_names():
    first = find_or_create_film(title="Nosferatu", allocine_id="1", year=2024)
    second = find_or_create_film(title="Nosferatu", allocine_id="2", year=2024)
    assert first != second


def test_a_film_made_by_hand_gets_its_ids_on_the_first_import_and_keeps_what_was_set():
    film = find_or_create_film(title="Anora", year=2024, synopsis="Écrit à la main.")
    imported = find_or_create_film(
        title="Anora", year=2024, allocine_id="999", visa="1234", synopsis="Le texte de l'import."
    )
    assert imported == film
    film.refresh_from_db()
    assert (film.allocine_id, film.visa, film.synopsis) == ("999", "1234", "Écrit à la main.")
    assert find_film(allocine_id="999") == film


def test_an_empty_title_and_no_id_find_nothing():
    assert find_film(title="  ") is None


def test_a_search_typed_with_control_characters_still_finds_the_film():
    from passculture.core.films.selectors import search_films

    film = find_or_create_film(title="Le Grand Saut", visa="12345")
    assert list(search_films("grand\x00 saut")) == [film]
    assert list(search_films("123\x0045")) == [film]
