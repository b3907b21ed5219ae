"""The discovery page (/) and the page of a cinema card (/offres/<id>/); films: test_film_page.py."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def lyon_venue(**kwargs):
    defaults = dict(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
    )
    return VenueFactory(**{**defaults, **kwargs})


def showtime(venue=None, hours=30, **kwargs):
    start = NOW + dt.timedelta(hours=hours)
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue or lyon_venue(), **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def page(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


# --- Search -------------------------------------------------------------------------------------


def test_a_postal_code_finds_the_films_around_with_cinema_distance_showtimes_price_and_duo(client):
    stock = showtime(
        offer__name="L'Été dernier", offer__is_duo=True, price_cents=750, version="VO", quantity=3
    )
    showtime(VenueFactory(), offer__name="Film parisien")  # Paris: 390 km away

    html = page(client, lieu="69001")

    assert "Séances près de Lyon (69001)" in html
    assert "L&#x27;Été dernier" in html
    assert "Ciné Lumière Bellecour" in html
    assert "à 1,6 km" in html
    assert "demain à 15h00" in html  # 14:00 UTC
    assert 'title="Version originale sous-titrée">VO' in html
    assert "3 places" in html
    assert "7,50\u00a0€" in html
    assert "Duo possible" in html
    assert "Film parisien" not in html
    assert f'href="/reserver/{stock.pk}/"' in html
    assert f'href="/offres/{stock.offer_id}/?lat=' in html


def test_the_device_position_comes_in_the_query_string(client):
    showtime(offer__name="Orbite basse")

    html = page(client, lat="45.7640", lon="4.8357", rayon="5")

    assert "Séances près de toi" in html
    assert "Orbite basse" in html
    assert 'name="lat" value="45.7640"' in html


def test_a_typed_place_wins_over_the_device_position(client):
    showtime(VenueFactory(), offer__name="Film parisien")

    html = page(client, lieu="75011", lat="45.7640", lon="4.8357")

    assert "Film parisien" in html
    assert 'name="lat" value=""' in html


def test_a_picked_suggestion_label_is_understood(client):
    showtime(offer__name="Orbite basse")

    assert "Orbite basse" in page(client, lieu="Lyon (69001)")


def test_films_are_filtered_by_title_ignoring_accents_and_by_day(client):
    venue = lyon_venue()
    showtime(venue, hours=4, offer__name="Léon")
    showtime(venue, hours=4, offer__name="Autre film")
    showtime(venue, hours=30, offer__name="Léon demain")

    html = page(client, lieu="69002", q="LEON", quand="today")

    assert ">Léon<" in html
    assert "Léon demain" not in html
    assert "Autre film" not in html


def test_a_chosen_day_uses_the_calendar_field(client):
    venue = lyon_venue()
    showtime(venue, hours=24 * 3 + 2, offer__name="Vendredi")
    showtime(venue, hours=30, offer__name="Mercredi")

    html = page(client, lieu="69002", quand="day", jour="2026-12-04")

    assert "Vendredi" in html
    assert "Mercredi" not in html


def test_an_empty_search_suggests_the_radius_that_finds_something(client):
    # Saint-Étienne is about 50 km from Lyon.
    showtime(
        lyon_venue(name="Le Méliès", city="Saint-Étienne", latitude="45.439700", longitude="4.387200"),
        offer__name="Orbite basse",
    )

    html = page(client, lieu="69001", rayon="20")

    assert "Aucune séance dans un rayon de 20 km autour de Lyon (69001)." in html
    assert "Essaie 100 km" in html or "Essaie 50 km" in html
    assert "rayon=" in html


def test_an_empty_search_says_when_nothing_is_found_even_at_100_km(client):
    html = page(client, lieu="69001", rayon="50", q="introuvable")

    assert "Aucune séance dans un rayon de 50 km autour de Lyon (69001) pour « introuvable »." in html
    assert "Aucune séance non plus jusqu'à 100 km." in html
    assert "Effacer la recherche « introuvable »" in html


def test_without_a_position_the_page_says_so_and_lists_the_next_showtimes_nationwide(client):
    showtime(VenueFactory(), offer__name="Film parisien")

    html = page(client)

    assert "<h1>Films à l'affiche</h1>" in html
    assert "voici les prochaines séances partout en France" in html
    assert "Film parisien" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"lieu": "69001", "rayon": "15"},
            "Rayon de recherche invalide : choisissez 5, 10, 20, 50 ou 100 km.",
        ),
        ({"quand": "hier"}, "Date invalide"),
        ({"quand": "day", "jour": "2026-11-20"}, "Cette date est passée"),
        ({"quand": "day"}, "Choisissez le jour dans le calendrier."),
        ({"lat": "95", "lon": "2"}, "Coordonnées invalides"),
        ({"lat": "45"}, "Indiquez à la fois la latitude et la longitude"),
        ({"lieu": "Zzyzx-les-Bains"}, "Nous ne trouvons pas ce lieu"),
        ({"q": "x" * 101}, "Texte de recherche trop long"),
    ],
)
def test_bad_parameters_are_explained_in_french_and_the_page_still_answers(client, params, message):
    assert message in page(client, **params)


def test_a_place_with_several_towns_offers_the_others(client):
    html = page(client, lieu="Saint-Denis")

    assert "Pas le bon endroit ?" in html
    assert "Saint-Denis (974" in html or "Saint-Denis (93" in html


def test_pages_of_results_follow_each_other(client):
    venue = lyon_venue()
    for index in range(25):
        showtime(venue, hours=2 + index, offer__name=f"Film {index:02d}")

    first = page(client, lieu="69002")
    second = page(client, lieu="69002", page="2")

    assert first.count('class="card"') == 20
    assert "Plus de films" in first
    assert second.count('class="card"') == 5
    assert "Film 24" in second and "Film 24" not in first
    assert "Films précédents" in second


def test_a_beneficiary_starts_around_their_own_town_and_can_see_all_of_france(client):
    showtime(offer__name="Orbite basse")
    showtime(VenueFactory(), offer__name="Film parisien")
    client.force_login(UserFactory(postal_code="69003", city="Lyon"))

    html = page(client)

    assert "Autour de chez toi (Lyon (69003), d'après ton profil)." in html
    assert "Orbite basse" in html and "Film parisien" not in html
    everywhere = page(client, lieu="")
    assert "Film parisien" in everywhere and "Orbite basse" in everywhere


def test_a_pro_gets_no_position_from_their_profile(client):
    showtime(VenueFactory(), offer__name="Film parisien")
    client.force_login(ProFactory(postal_code="69003", city="Lyon"))

    assert "Film parisien" in page(client)


def test_cinema_cards_are_listed_apart(client):
    ThingStockFactory(offer__venue=lyon_venue(), offer__name="Carte 5 places", price_cents=2500)

    html = page(client, lieu="69002")

    assert "Cartes cinéma et abonnements à moins de 20 km" in html
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

    assert "à 20h30" in html
    assert 'datetime="2026-12-03T20:30:00+04:00"' in html
    assert "Horaires en heure locale (Saint-Denis)." in html


def test_the_page_is_usable_without_javascript(client):
    html = page(client)

    assert '<form method="get" action="/"' in html
    assert 'id="autour-de-moi" hidden' in html  # shown by the script only when geolocation exists
    assert 'name="lieu"' in html


# --- The film page ------------------------------------------------------------------------------


def film_url(offer, **params) -> str:
    url = reverse("app:offer", args=[offer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_cinema_card_page_offers_its_stock(client):
    stock = ThingStockFactory(offer__venue=lyon_venue(), price_cents=2500)

    html = client.get(film_url(stock.offer)).content.decode()

    assert "25\u00a0€" in html
    assert f'href="/reserver/{stock.pk}/"' in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: OfferFactory(is_active=False),
        lambda: OfferFactory(venue__validation_status=ValidationStatus.PENDING),
        lambda: OfferFactory(
            venue=VenueFactory(offerer=OffererFactory(validation_status=ValidationStatus.NEW))
        ),
    ],
)
def test_an_offer_beneficiaries_may_not_see_is_not_found(client, make):
    assert client.get(film_url(make())).status_code == 404


def test_an_unknown_offer_is_not_found(client):
    assert client.get("/offres/999999/").status_code == 404


def test_the_film_page_never_renders_scripts_nor_unsafe_links(client):
    offer = OfferFactory(
        venue=lyon_venue(),
        description="<script>alert(1)</script><img src=x onerror=alert(2)>Synopsis",
        extra_data={"allocine_url": "javascript:alert(3)", "directors": "<b>X</b>"},
    )

    html = client.get(film_url(offer)).content.decode()

    assert "<script>alert" not in html and "onerror" not in html
    assert "javascript:alert" not in html
    assert "&lt;b&gt;X&lt;/b&gt;" in html
