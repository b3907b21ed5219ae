"""Mes favoris (/favoris/) and the heart buttons of the film and cinema pages."""

import datetime as dt

import pytest
import time_machine

from passculture.core.favourites.models import Favourite
from passculture.core.favourites.services import add_favourite
from passculture.core.films.factories import FilmFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc
from tests.interfaces.app.discovery.test_views import lyon_venue

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lyonnais(client):
    user = UserFactory(postal_code="69002", city="Lyon")
    client.force_login(user)
    return user


def page(client):
    response = client.get("/favoris/")
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def test_an_empty_list_says_how_to_add_favourites(client, lyonnais):
    assert "Tu n'as encore aucun favori." in page(client)


def test_a_favourite_film_shows_its_next_showtimes_near_the_person(client, lyonnais):
    film = find_or_create_film(title="Orbite basse", year=2026)
    near = OfferFactory(venue=lyon_venue(), film=film, name="Orbite basse")
    far = OfferFactory(venue=lyon_venue(name="Ciné Nord", latitude="50.63", longitude="3.06"), film=film)
    for hours in (2, 26, 50, 74):
        StockFactory(offer=near, beginning_datetime=NOW + dt.timedelta(hours=hours))
    StockFactory(offer=far, beginning_datetime=NOW + dt.timedelta(hours=1))
    add_favourite(lyonnais, film_id=film.pk)

    html = page(client)
    assert "Orbite basse" in html
    assert "Ciné Nord" not in html  # 550 km away
    # The next three, soonest first, each leading to the film page on its day and cinema.
    assert html.count("Ciné Lumière Bellecour") == 3
    assert f'href="/films/{film.pk}/?jour=2026-12-01&amp;cinema={near.pk}"' in html
    assert "Retirer des favoris" in html


def test_a_favourite_film_without_a_showtime_near_says_so(client, lyonnais):
    add_favourite(lyonnais, film_id=FilmFactory(title="Le Phare").pk)
    assert "Pas de séance près de toi dans les 7 prochains jours." in page(client)


def test_the_heart_adds_then_removes_and_comes_back(client, lyonnais):
    film = FilmFactory()
    back = f"/films/{film.pk}/"
    response = client.post(f"/favoris/films/{film.pk}/", {"action": "add", "next": back})
    assert (response.status_code, response.url) == (302, back)
    assert Favourite.objects.filter(user=lyonnais, film=film).exists()
    client.post(f"/favoris/films/{film.pk}/", {"action": "remove", "next": back})
    assert not Favourite.objects.filter(user=lyonnais).exists()


def test_a_cinema_heart_and_the_cinema_listed(client, lyonnais):
    venue = lyon_venue(public_name="Le Zola")
    client.post(f"/favoris/cinemas/{venue.pk}/", {"action": "add"})
    html = page(client)
    assert "Le Zola" in html and f'href="/cinemas/{venue.pk}/"' in html


def test_the_heart_never_sends_people_to_another_site(client, lyonnais):
    response = client.post(f"/favoris/films/{FilmFactory().pk}/", {"next": "https://evil.example/"})
    assert response.url == "/favoris/"


def test_an_unknown_film_says_why_and_adds_nothing(client, lyonnais):
    response = client.post("/favoris/films/999999/", {"action": "add"}, follow=True)
    assert "Ce film ou ce cinéma n'existe pas" in response.content.decode().replace("&#x27;", "'")
    assert not Favourite.objects.exists()


def test_anonymous_people_are_sent_to_log_in_and_pros_are_refused(client):
    assert client.get("/favoris/").status_code == 302
    assert client.post(f"/favoris/films/{FilmFactory().pk}/").status_code == 302
    client.force_login(ProFactory())
    assert client.get("/favoris/").status_code == 403


def test_the_heart_is_only_a_get_less_form(client, lyonnais):
    assert client.get(f"/favoris/films/{FilmFactory().pk}/").status_code == 405


def test_the_film_and_cinema_pages_say_whether_they_are_favourites(client, lyonnais):
    film = find_or_create_film(title="Orbite basse", year=2026)
    offer = OfferFactory(venue=lyon_venue(), film=film)
    StockFactory(offer=offer, beginning_datetime=NOW + dt.timedelta(hours=5))
    film_page = client.get(f"/films/{film.pk}/").content.decode()
    assert 'aria-pressed="false"' in film_page and "Ajouter aux favoris" in film_page
    add_favourite(lyonnais, film_id=film.pk)
    add_favourite(lyonnais, venue_id=offer.venue_id)
    assert 'aria-pressed="true"' in client.get(f"/films/{film.pk}/").content.decode()
    assert 'aria-pressed="true"' in client.get(f"/cinemas/{offer.venue_id}/").content.decode()
