"""The search page (/recherche/): one card per film, filter chips as links, suggestions when empty."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .test_views import lyon_venue, showtime

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, **params):
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html: str) -> list[str]:
    return re.findall(r'class="app-result__title"[^>]*><a href="[^"]*">([^<]*)</a>', html)


def test_one_card_per_film_with_nearest_cinema_distance_other_cinemas_and_showtime_chips(client):
    film = FilmFactory(title="L'Été dernier", duration_minutes=112, genres=["Drame", "Romance"])
    stock = showtime(offer__film=film, hours=30, version="VO", quantity=3)
    showtime(lyon_venue(name="Pathé Bellecour"), offer__film=film, hours=32)
    showtime(VenueFactory(), offer__name="Film parisien")  # Paris: 390 km away

    html = page(client, lieu="69001")

    assert result_titles(html) == ["L&#x27;Été dernier"]
    assert "1 h 52 · Drame, Romance" in html
    assert "Ciné Lumière Bellecour · à 1,6 km" in html or "Pathé Bellecour · à 1,6 km" in html
    assert "+1 cinéma<" in html
    assert f'href="/reserver/{stock.pk}/"' in html
    assert "demain 15h00 · VO" in html  # 14:00 UTC
    assert "3 places" in html
    assert f'href="/films/{film.pk}/?lat=45.7' in html
    assert "Film parisien" not in html


def test_the_device_position_comes_in_the_query_string_and_a_typed_place_wins(client):
    showtime(offer__name="Orbite basse")
    showtime(VenueFactory(), offer__name="Film parisien")

    near = page(client, lat="45.7640", lon="4.8357", rayon="5")
    typed = page(client, lieu="75011", lat="45.7640", lon="4.8357")

    assert "Près de toi, à moins de 5 km" in near
    assert result_titles(near) == ["Orbite basse"]
    assert 'name="lat" value="45.7640"' in near
    assert result_titles(typed) == ["Film parisien"]
    assert 'name="lat" value=""' in typed


def test_day_chips_say_today_tomorrow_then_weekday_names_and_keep_the_other_parameters(client):
    venue = lyon_venue()
    showtime(venue, hours=4, offer__name="Léon")
    showtime(venue, hours=30, offer__name="Léon demain")
    showtime(venue, hours=24 * 3 + 2, offer__name="Vendredi")

    html = page(client, lieu="69002", q="LEON", jour="today")

    assert result_titles(html) == ["Léon"]
    assert 'href="?q=LEON&amp;lieu=69002&amp;jour=today" aria-current="true">Aujourd&#x27;hui<' in html
    assert 'href="?q=LEON&amp;lieu=69002&amp;jour=tomorrow">Demain<' in html
    assert ">Jeudi 3<" in html and ">Vendredi 4<" in html
    assert result_titles(page(client, lieu="69002", jour="2026-12-04")) == ["Vendredi"]


def test_old_when_parameter_still_works(client):
    venue = lyon_venue()
    showtime(venue, hours=4, offer__name="Ce matin")
    showtime(venue, hours=30, offer__name="Demain")

    assert result_titles(page(client, lieu="69002", quand="tomorrow")) == ["Demain"]


def test_version_duo_and_accessible_chips_filter_and_toggle(client):
    venue = lyon_venue()
    accessible = lyon_venue(name="Ciné accessible", motor_disability_accessible=True)
    showtime(venue, offer__name="En VF", version="VF")
    showtime(venue, offer__name="En VO", version="VO")
    showtime(venue, offer__name="Duo", offer__is_duo=True)
    showtime(accessible, offer__name="Accessible")

    vo = page(client, lieu="69002", version="VO")
    assert result_titles(vo) == ["En VO"]
    assert 'href="?lieu=69002" aria-current="true">VO<' in vo  # tapping it again removes it
    assert result_titles(page(client, lieu="69002", duo="1")) == ["Duo"]
    assert result_titles(page(client, lieu="69002", accessible="1")) == ["Accessible"]


def test_distance_chips_only_with_a_position(client):
    assert ">50 km<" in page(client, lieu="69002")
    assert ">50 km<" not in page(client)


def test_budget_chip_only_for_a_person_with_credit_and_it_keeps_showtimes_within_the_credit(client):
    venue = lyon_venue()
    showtime(venue, offer__name="Petit prix", price_cents=500)
    showtime(venue, offer__name="Grand prix", price_cents=30000)
    assert "Dans mon budget" not in page(client, lieu="69002")

    user = UserFactory()
    DepositFactory(user=user, amount_cents=1000)
    client.force_login(user)

    html = page(client, lieu="69002", budget="1")
    assert 'aria-current="true">Dans mon budget<' in html
    assert result_titles(html) == ["Petit prix"]


def test_budget_without_credit_says_why(client):
    client.force_login(UserFactory())

    assert "il faut un crédit en cours" in page(client, budget="1")


def test_an_empty_search_suggests_what_to_widen_as_links(client):
    # Saint-Étienne is about 50 km from Lyon; the only film there is in VF.
    showtime(
        lyon_venue(name="Le Méliès", city="Saint-Étienne", latitude="45.439700", longitude="4.387200"),
        offer__name="Orbite basse",
    )

    html = page(client, lieu="69001", rayon="20", version="VO")

    assert "Aucun film ne correspond à moins de 20 km." in html
    assert not result_titles(html)
    # Alone, neither widening finds a film: none is offered.
    assert "Essaie plutôt" not in html
    html = page(client, lieu="69001", rayon="20")
    assert "Essaie plutôt" in html
    assert 'href="?lieu=69001&amp;rayon=50">Chercher à 50 km<' in html
    html = page(client, lieu="42000", version="VO")
    assert 'href="?lieu=42000">Enlever le filtre VO<' in html


def test_an_empty_search_without_any_widening_says_to_come_back(client):
    html = page(client, lieu="69001", rayon="50", q="introuvable")

    assert "Aucun film ne correspond à « introuvable » à moins de 50 km." in html
    assert "Reviens bientôt" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lieu": "69001", "rayon": "15"}, "Cette distance n&#x27;est pas proposée"),
        ({"jour": "hier"}, "Ce jour n&#x27;est pas valable"),
        ({"jour": "2026-11-20"}, "Ce jour n&#x27;est pas valable"),
        ({"lat": "95", "lon": "2"}, "Position invalide"),
        ({"lat": "45"}, "Position incomplète"),
        ({"lieu": "Zzyzx-les-Bains"}, "Ce lieu est introuvable"),
        ({"q": "x" * 101}, "Ce titre est trop long"),
        ({"version": "VOST"}, "Cette version n&#x27;existe pas"),
        ({"duo": "peut-être"}, "Ce filtre n&#x27;est pas compris"),
        ({"page": "deux"}, "Ce numéro de page n&#x27;existe pas"),
        ({"page": "99999999999"}, ""),
        ({"jour": "x" * 5000, "lieu": "y" * 5000, "q": "\x00"}, ""),
    ],
)
def test_bad_parameters_are_explained_in_french_and_the_page_still_answers(client, params, message):
    assert message in page(client, **params)


def test_a_place_with_several_towns_offers_the_others(client):
    html = page(client, lieu="Saint-Denis")

    assert "Pas le bon endroit ?" in html
    assert "Saint-Denis (974" in html or "Saint-Denis (93" in html
    # A postal code names one place: its other villages are not offered.
    assert "Pas le bon endroit ?" not in page(client, lieu="38200")


def test_pages_of_results_follow_each_other_with_voir_plus(client):
    venue = lyon_venue()
    for index in range(13):
        showtime(venue, hours=2 + index, offer__name=f"Film {index:02d}")

    first = page(client, lieu="69002")
    second = page(client, lieu="69002", page="2")

    assert len(result_titles(first)) == 10
    assert 'href="?lieu=69002&amp;page=2" rel="next" class="fr-btn fr-btn--secondary">Voir plus<' in first
    assert result_titles(second) == ["Film 10", "Film 11", "Film 12"]
    assert "Revenir au début" in second


def test_a_beneficiary_starts_around_their_own_town_a_pro_does_not(client):
    showtime(offer__name="Orbite basse")
    showtime(VenueFactory(), offer__name="Film parisien")
    client.force_login(UserFactory(postal_code="69003", city="Lyon"))

    html = page(client)
    assert "Près de Lyon (69003) (ton profil)" in html
    assert result_titles(html) == ["Orbite basse"]

    client.force_login(ProFactory(postal_code="69003", city="Lyon"))
    assert "Partout en France" in page(client)


def test_cinema_cards_are_listed_apart(client):
    ThingStockFactory(offer__venue=lyon_venue(), offer__name="Carte 5 places", price_cents=2500)

    html = page(client, lieu="69002")

    assert "Cartes cinéma et abonnements" in html
    assert "Carte 5 places" in html
    assert "25\u00a0€" in html


def test_showtimes_are_shown_in_the_venue_timezone(client):
    venue = VenueFactory(
        city="Saint-Denis",
        postal_code="97400",
        department_code="974",
        timezone="Indian/Reunion",
        latitude="-20.879000",
        longitude="55.448500",
    )
    # 16:30 UTC is 20:30 in La Réunion (UTC+4).
    StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 12, 3, 16, 30), booking_limit_datetime=None)

    html = page(client, lieu="97400")

    assert 'datetime="2026-12-03T20:30:00+04:00"' in html
    assert "20h30" in html


def test_the_page_is_usable_without_javascript(client):
    html = page(client, version="VO")

    assert '<form method="get" action="/recherche/"' in html
    assert "data-geo-button hidden>Autour de moi" in html  # shown by the script with geolocation only
    assert '<input type="hidden" name="version" value="VO">' in html  # the form keeps the chips


def test_queries_do_not_grow_with_the_number_of_films(client):
    venue = lyon_venue()
    for index in range(3):
        showtime(venue, hours=2 + index, offer__film=FilmFactory())
    with CaptureQueriesContext(connection) as few:
        page(client, lieu="69002")
    for index in range(12):
        showtime(lyon_venue(name=f"Salle {index}"), hours=2 + index, offer__film=FilmFactory())
    with CaptureQueriesContext(connection) as many:
        page(client, lieu="69002")

    assert len(many) <= len(few) + 1  # the walk may read one more batch of venues
    assert len(many) <= 15
