"""The cinema page (/cinemas/<id>/) and the map of cinemas (/carte/): contract tests."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import override_settings

from passculture.core.films.models import Film
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from passculture.interfaces.app.venues.tiles import tiles_origin
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday
BELLECOUR = {"lat": "45.75780", "lon": "4.83200"}


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


def showtime(venue, start: dt.datetime, **kwargs):
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue, **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def csp(response) -> dict[str, list[str]]:
    return {
        name: sources
        for name, *sources in (part.split() for part in response["Content-Security-Policy"].split(";"))
    }


def text(response) -> str:
    return re.sub(r"[ \t\n]+", " ", response.content.decode())


# --- The cinema page ------------------------------------------------------------------------------


def test_the_cinema_page_shows_address_directions_and_films_of_the_first_day_with_showtimes(client):
    venue = lyon_venue(motor_disability_accessible=True, audio_disability_accessible=True)
    stock = showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse", version="VO", price_cents=750,
                     quantity=4)  # fmt: skip
    showtime(venue, utc(2026, 12, 4, 19, 0), offer__name="Le Phare")

    response = client.get(f"/cinemas/{venue.pk}/")

    assert response.status_code == 200
    html = text(response)
    assert "<h1" in html and "Ciné Lumière Bellecour</h1>" in html
    assert "2 place Bellecour<br>69002 Lyon" in html
    assert 'href="https://www.openstreetmap.org/directions?to=45.757800%2C4.832000"' in html
    assert "Handicap moteur" in html and "Handicap auditif" in html
    assert "Handicap visuel" not in html
    # Tomorrow is the first day with a showtime: it is the one shown.
    assert 'aria-current="true">Demain</a>' in html
    assert "Demain, mercredi 2 décembre" in html
    assert "Orbite basse" in html and "Le Phare" not in html
    assert f'href="/reserver/{stock.pk}/"' in html
    assert '<time datetime="2026-12-02T20:30:00+01:00">20h30</time> VO · 7,50\xa0€ · 4 places' in html
    # Today has nothing: a chip that is not a link, and says why to screen readers.
    assert 'Aujourd&#x27;hui<span class="fr-sr-only"> : aucune séance</span>' in html
    assert 'href="?jour=2026-12-04#programme"' in html
    assert "Vendredi 4" in html


def test_a_showtime_sold_at_several_prices_is_one_button_with_its_price_range(client):
    from passculture.core.offers import price_categories

    venue = lyon_venue()
    cheap = showtime(
        venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse", price_cents=550, quantity=None
    )
    full = price_categories.create_price_category(cheap.offer, label="Plein tarif", price_cents=900)
    dear = showtime(venue, utc(2026, 12, 2, 19, 30), offer=cheap.offer, price_category=full, price_cents=900)

    html = text(client.get(f"/cinemas/{venue.pk}/"))

    assert f'href="/reserver/{cheap.pk}/"' in html and f'href="/reserver/{dear.pk}/"' not in html
    assert "20h30</time> VF · de 5,50\xa0€ à 9\xa0€" in html


def test_a_day_chip_shows_that_day(client):
    venue = lyon_venue()
    showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse")
    showtime(venue, utc(2026, 12, 4, 19, 0), offer__name="Le Phare")

    html = text(client.get(f"/cinemas/{venue.pk}/", {"jour": "2026-12-04"}))

    assert "Le Phare" in html and "Orbite basse" not in html
    assert 'aria-current="true">Vendredi 4</a>' in html


@pytest.mark.parametrize(
    "day", ["demain", "2026-13-01", "2026-12-25", "2025-12-02", "x" * 5000, "2026-12-02'"]
)
def test_a_day_outside_the_week_says_so_and_shows_the_first_day(client, day):
    venue = lyon_venue()
    showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse")

    response = client.get(f"/cinemas/{venue.pk}/", {"jour": day})

    assert response.status_code == 200
    html = text(response)
    assert "Ce jour n&#x27;est pas dans le programme des 7 prochains jours" in html
    assert "voici les séances du mercredi 2 décembre" in html
    assert "Orbite basse" in html


def test_a_day_of_the_week_without_showtimes_says_so(client):
    venue = lyon_venue()
    showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse")

    html = text(client.get(f"/cinemas/{venue.pk}/", {"jour": "2026-12-03"}))

    assert "Jeudi 3 décembre" in html
    assert "Pas de séance ce jour-là : choisis un autre jour." in html
    assert "Orbite basse" not in html


def test_a_cinema_without_coordinates_gets_directions_to_its_address(client):
    venue = lyon_venue(latitude=None, longitude=None)

    response = client.get(f"/cinemas/{venue.pk}/")

    assert response.status_code == 200
    assert "openstreetmap.org/directions?to=" in response.content.decode()
    assert "to=45." not in response.content.decode()


def test_a_cinema_without_showtimes_this_week_says_so(client):
    venue = lyon_venue(name="Le Zola")
    showtime(venue, utc(2026, 12, 20, 19, 0))  # in three weeks

    html = text(client.get(f"/cinemas/{venue.pk}/"))

    assert "Pas de séance à réserver dans ce cinéma pendant les 7 prochains jours." in html
    assert "Accessibilité non renseignée par le cinéma." in html


def test_a_linked_film_gives_the_poster_the_offer_lacks(client, settings):
    venue = lyon_venue()
    film = Film.objects.create(title="Orbite basse", title_key="orbite basse", poster="films/orbite.png")
    showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Orbite basse", offer__film=film)

    html = text(client.get(f"/cinemas/{venue.pk}/"))

    assert 'src="/media/films/orbite.png"' in html


@pytest.mark.parametrize(
    "hidden",
    [
        lambda: lyon_venue(offerer=OffererFactory(validation_status=ValidationStatus.NEW)),
        lambda: lyon_venue(offerer=OffererFactory(validation_status=ValidationStatus.REJECTED)),
        lambda: lyon_venue(validation_status=ValidationStatus.PENDING),
    ],
    ids=["offerer-new", "offerer-rejected", "venue-pending"],
)
def test_a_cinema_not_validated_is_not_found(client, hidden):
    venue = hidden()
    showtime(venue, utc(2026, 12, 2, 19, 30), offer__name="Caché")

    response = client.get(f"/cinemas/{venue.pk}/")

    assert response.status_code == 404
    assert "Caché" not in response.content.decode()


def test_an_unknown_cinema_is_not_found(client):
    assert client.get("/cinemas/999999/").status_code == 404
    assert client.get("/cinemas/99999999999999999999999/").status_code == 404


def test_an_overseas_cinema_shows_its_local_days_and_says_so(client):
    # 08:00 UTC is 12:00 in La Réunion; 21:00 UTC on the 1st is 01:00 on the 2nd there: "Demain".
    venue = VenueFactory(city="Saint-Denis", postal_code="97400", department_code="974", timezone="Indian/Reunion",
                         latitude="-20.882100", longitude="55.450800")  # fmt: skip
    showtime(venue, utc(2026, 12, 1, 21, 0), offer__name="Film de minuit")

    html = text(client.get(f"/cinemas/{venue.pk}/"))

    assert 'aria-current="true">Demain</a>' in html
    assert ">01h00</time>" in html
    assert "Horaires en heure locale (Saint-Denis)." in html


def test_the_cinema_page_links_back_to_the_map_with_a_checked_position(client):
    venue = lyon_venue()
    assert 'href="/carte/?lat=45.75780&amp;lon=4.83200"' in text(
        client.get(f"/cinemas/{venue.pk}/", BELLECOUR)
    )
    assert 'href="/carte/"' in text(client.get(f"/cinemas/{venue.pk}/", {"lat": "north", "lon": "4.8"}))


# --- The map --------------------------------------------------------------------------------------


def test_the_map_lists_the_cinemas_near_a_position_nearest_first(client):
    near = lyon_venue(name="Près")
    far = lyon_venue(name="Loin", latitude="45.770000", longitude="4.880000")
    showtime(far, utc(2026, 12, 2, 19, 0))
    showtime(near, utc(2026, 12, 2, 19, 0))
    showtime(near, utc(2026, 12, 3, 19, 0))
    hidden = lyon_venue(name="Caché", offerer=OffererFactory(validation_status=ValidationStatus.NEW))
    showtime(hidden, utc(2026, 12, 2, 19, 0))

    response = client.get("/carte/", BELLECOUR)

    assert response.status_code == 200
    html = text(response)
    assert "2 cinémas avec des séances cette semaine" in html
    assert html.index(">Près</a>") < html.index(">Loin</a>")
    assert "Caché" not in html
    assert f'href="/cinemas/{near.pk}/?lat=45.75780&amp;lon=4.83200"' in html
    assert "2 films à l'affiche" in html
    data = json.loads(re.search(r'id="carte-donnees" type="application/json">(.*?)</script>', html).group(1))
    assert [c["name"] for c in data["cinemas"]] == ["Près", "Loin"]
    assert data["tiles"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert data["tiles"]["attribution"] == "© les contributeurs d'OpenStreetMap"
    assert data["center"] == {"lat": 45.7578, "lon": 4.832}


def test_only_the_map_page_lets_images_come_from_the_tile_server(client):
    showtime(lyon_venue(), utc(2026, 12, 2, 19, 0))

    assert csp(client.get("/carte/", BELLECOUR))["img-src"] == [
        "'self'",
        "data:",
        "https://tile.openstreetmap.org",
    ]
    assert csp(client.get("/"))["img-src"] == ["'self'", "data:"]
    assert csp(client.get("/carte/"))["img-src"] == ["'self'", "data:"]  # no position: no map


@override_settings(MAP_TILES_URL="http://127.0.0.1:8123/tiles/{z}/{x}/{y}.png")
def test_the_tile_server_is_configurable(client):
    showtime(lyon_venue(), utc(2026, 12, 2, 19, 0))

    response = client.get("/carte/", BELLECOUR)

    assert csp(response)["img-src"][-1] == "http://127.0.0.1:8123"
    assert "http://127.0.0.1:8123/tiles/{z}/{x}/{y}.png" in response.content.decode()


@override_settings(MAP_TILES_URL="")
def test_without_a_tile_server_the_page_is_a_list(client):
    showtime(lyon_venue(name="Près"), utc(2026, 12, 2, 19, 0))

    response = client.get("/carte/", BELLECOUR)

    html = text(response)
    assert ">Près</a>" in html
    assert "carte-donnees" not in html and "leaflet" not in html
    assert csp(response)["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8123/{z}/{x}/{y}.png", "http://127.0.0.1:8123"),
        ("HTTPS://Tiles.Example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("", ""),
        ("ftp://tiles.example.org/{z}/{x}/{y}.png", ""),
        ("javascript:alert(1)", ""),
        ("https://{z}.example.org/{x}/{y}.png", ""),
        ("https://tiles.example.org:99999/{z}.png", ""),
        ("//tiles.example.org/{z}/{x}/{y}.png", ""),
        ("https://'unsafe-inline'/", ""),
    ],
)
def test_the_tiles_origin_is_an_http_origin_or_nothing(template, origin):
    assert tiles_origin(template) == origin


def test_the_map_page_may_ask_for_the_position(client):
    assert "geolocation=(self)" in client.get("/carte/")["Permissions-Policy"]
    assert "geolocation=()" in client.get("/connexion/")["Permissions-Policy"]


def test_without_a_position_the_map_asks_for_one(client):
    html = text(client.get("/carte/"))

    assert "Où cherches-tu un cinéma ?" in html
    assert "Indique ta ville ou ton code postal, ou utilise ta position" in html
    assert 'id="autour-de-moi" hidden' in html


def test_a_postal_code_locates_the_map(client):
    showtime(lyon_venue(name="Près"), utc(2026, 12, 2, 19, 0))

    html = text(client.get("/carte/", {"lieu": "69002"}))

    assert "Autour de Lyon (69002), à 20 km maximum." in html
    assert ">Près</a>" in html


def test_the_profile_town_locates_a_beneficiary(client):
    showtime(lyon_venue(name="Près"), utc(2026, 12, 2, 19, 0))
    client.force_login(UserFactory(postal_code="69002", city="Lyon"))

    html = text(client.get("/carte/"))

    assert "Autour de Lyon (69002)" in html
    assert ">Près</a>" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lat": "north", "lon": "4.83"}, "Position invalide"),
        ({"lat": "95", "lon": "4.83"}, "Position invalide"),
        ({"lat": "45.7"}, "Position incomplète"),
        ({"lat": "1" * 5000, "lon": "4.8"}, "Position invalide"),
        ({"lieu": "Zzzzzzzz"}, "Ce lieu est introuvable : vérifie"),
        ({**BELLECOUR, "rayon": "7"}, "Cette distance n&#x27;est pas proposée"),
        ({**BELLECOUR, "rayon": "'; drop"}, "Cette distance n&#x27;est pas proposée"),
    ],
)
def test_bad_input_gives_a_french_error_never_a_server_error(client, params, message):
    response = client.get("/carte/", params)

    assert response.status_code == 200
    html = text(response)
    assert 'class="fr-alert fr-alert--error' in html
    assert message in html


def test_nothing_near_suggests_a_wider_radius(client):
    showtime(
        lyon_venue(name="Loin", latitude="45.900000", longitude="4.832000"), utc(2026, 12, 2, 19, 0)
    )  # 16 km

    html = text(client.get("/carte/", {**BELLECOUR, "rayon": "5"}))

    assert "Aucun cinéma avec des séances cette semaine à 5 km" in html
    assert 'href="/carte/?lat=45.75780&amp;lon=4.83200&amp;rayon=20"' in html
    assert "Cherche jusqu'à 20 km" in html
