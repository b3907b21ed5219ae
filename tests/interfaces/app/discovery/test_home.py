"""The home feed (/): the credit banner, carousels of films near the person, the cinemas near."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

from .test_views import lyon_venue, showtime

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday
LYON = {"lat": "45.76400", "lon": "4.83570"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def home(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


def carousel(html: str, slug: str) -> list[str]:
    """The titles of one carousel, in order ([] when the carousel is not shown)."""
    match = re.search(rf'aria-labelledby="{slug}">(.*?)</section>', html, re.S)
    if not match:
        return []
    return re.findall(r'class="app-poster-card__title"><a href="[^"]*">([^<]*)</a>', match.group(1))


def test_anonymous_sees_the_signup_banner_and_films_nationwide_with_a_place_choice(client):
    showtime(VenueFactory(), offer__name="Film parisien")

    html = home(client)

    assert "Tu as 18 ans ?" in html and 'href="/inscription/">Créer mon compte' in html
    assert "Partout en France" in html
    assert "Choisir un lieu" in html and 'name="ville"' in html
    assert "data-geo-button>Autour de moi" in html
    assert carousel(html, "a-l-affiche") == ["Film parisien"]
    assert 'href="/recherche/">Rechercher un film' in html
    assert 'id="recherche"' not in html and 'name="q"' not in html  # no whole search form


def test_a_beneficiary_sees_the_credit_and_the_films_near_the_town_of_the_profile(client):
    user = UserFactory(postal_code="69003", city="Lyon")
    DepositFactory(user=user, granted_at=utc(2026, 3, 1, 9), expires_at=utc(2028, 3, 1, 9))
    client.force_login(user)
    showtime(offer__name="Orbite basse")
    showtime(VenueFactory(), offer__name="Film parisien")

    html = home(client)

    assert "Il te reste 300\u00a0€" in html
    assert "fr-alert--success" in html
    assert "Près de Lyon (69003)" in html and "(ton profil)" in html
    assert carousel(html, "a-l-affiche") == ["Orbite basse"]


def test_carousels_group_by_film_and_link_to_the_film_page_with_the_position(client):
    film = FilmFactory(title="L'Été dernier", release_date=dt.date(2026, 11, 27))
    old = FilmFactory(title="Vieux film", release_date=dt.date(2026, 10, 1))
    venue, other = lyon_venue(), lyon_venue(name="Pathé Bellecour")
    stock = showtime(venue, offer__film=film, hours=30, version="VO")
    showtime(other, offer__film=film, hours=32, version="VO")
    showtime(venue, offer__film=old, hours=20)

    html = home(client, **LYON)

    assert "Près de toi" in html
    assert carousel(html, "a-l-affiche") == ["Vieux film", "L&#x27;Été dernier"]
    assert carousel(html, "cette-semaine") == ["L&#x27;Été dernier"]
    assert carousel(html, "en-vo") == ["L&#x27;Été dernier"]
    assert f'href="/films/{film.pk}/?lat=45.76400&amp;lon=4.83570&amp;cinema={stock.offer_id}"' in html
    assert "+1 cinéma" in html


def test_the_week_carousel_is_hidden_without_a_film_released_this_week(client):
    showtime(offer__film=FilmFactory(release_date=dt.date(2026, 1, 1)))

    html = home(client, **LYON)

    assert carousel(html, "a-l-affiche")
    assert 'aria-labelledby="cette-semaine"' not in html
    assert 'aria-labelledby="en-vo"' not in html


def test_last_places_show_the_showtime_chip_and_the_places_left(client):
    stock = showtime(offer__name="Presque complet", hours=6, quantity=10, booked_quantity=7)
    showtime(offer__name="Plein de places", hours=5, quantity=100)

    html = home(client, **LYON)

    assert carousel(html, "dernieres-places") == ["Presque complet"]
    assert f'href="/reserver/{stock.pk}/"' in html
    assert ">Aujourd&#x27;hui 15h00 · VF<" in html
    assert ">3 places<" in html


def test_cinemas_near_link_to_the_cinema_pages_and_the_map(client):
    venue = lyon_venue()
    showtime(venue)

    html = home(client, **LYON)

    assert 'aria-labelledby="cinemas-pres"' in html
    assert f'href="/cinemas/{venue.pk}/?lat=45.76400&amp;lon=4.83570"' in html
    assert 'href="/carte/?lat=45.76400&amp;lon=4.83570">Voir les cinémas sur la carte' in html
    assert "cinemas-pres" not in home(client)  # no position: no "near you"


def test_only_the_first_posters_load_eagerly(client):
    for index in range(4):
        film = FilmFactory(poster=f"films/poster-{index}.jpg")
        showtime(offer__film=film, hours=3 + index)

    html = home(client, **LYON)

    assert html.count('loading="eager"') == 2


def test_a_typed_town_and_bad_positions_are_explained_in_the_tu_voice(client):
    showtime(offer__name="Orbite basse")

    assert "Près de Lyon (69002)" in home(client, ville="69002")
    assert "Ce lieu est introuvable : vérifie" in home(client, ville="Zzyzx-les-Bains")
    assert "Position invalide" in home(client, lat="95", lon="2")
    assert "Position incomplète" in home(client, lat="45")


@pytest.mark.parametrize(
    "query",
    ["q=leon", "lieu=69001", "quand=today", "jour=2026-12-02&quand=day", "rayon=50", "page=2"],
)
def test_old_search_links_on_the_home_are_sent_to_the_search_page(client, query):
    response = client.get(f"/?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"/recherche/?{query}"


def test_hidden_offers_are_not_shown(client):
    showtime(lyon_venue(validation_status=ValidationStatus.PENDING), offer__name="Film en attente")

    assert "Film en attente" not in home(client, **LYON)


def test_an_empty_home_says_so_and_points_to_the_search(client):
    html = home(client, **LYON)

    assert "Aucune séance cette semaine à moins de 20 km." in html
    assert 'href="/recherche/">Chercher partout en France' in html


def test_queries_do_not_grow_with_the_number_of_films(client, django_assert_max_num_queries):
    user = UserFactory(postal_code="69003", city="Lyon")
    DepositFactory(user=user)
    client.force_login(user)
    for index in range(3):
        showtime(lyon_venue(name=f"Salle {index}"), hours=2 + index, offer__film=FilmFactory(), quantity=5)
    with CaptureQueriesContext(connection) as few:
        home(client)
    for index in range(20):
        showtime(
            lyon_venue(name=f"Autre {index}"),
            hours=2 + index,
            offer__film=FilmFactory(release_date=dt.date(2026, 11, 30)),
            version="VO",
            quantity=5,
        )
    with django_assert_max_num_queries(len(few.captured_queries) + 4):
        html = home(client)
    assert len(carousel(html, "a-l-affiche")) == 10
