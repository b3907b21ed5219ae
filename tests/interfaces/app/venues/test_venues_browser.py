"""The cinema page and the map of cinemas on a phone (390 x 844), in Debian's Chromium. The map's tiles
come from a local tile server (never the network); with it stopped or answering 404, the list stays."""

import datetime as dt
import io
import re
import socket

import pytest
from PIL import Image, ImageDraw

from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.browser import BROWSER_MARKS, assert_accessible, screenshot

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
BELLECOUR = "lat=45.75780&lon=4.83200"
TILE_PATH = re.compile(r"^/tuiles/\d+/\d+/\d+\.png$")


def tile_png() -> bytes:
    """A 256 px tile that looks like a plan: a pale ground, a grid of streets."""
    image = Image.new("RGB", (256, 256), (242, 239, 233))
    draw = ImageDraw.Draw(image)
    for offset in range(0, 256, 64):
        draw.line([(offset, 0), (offset, 256)], fill=(255, 255, 255), width=6)
        draw.line([(0, offset), (256, offset)], fill=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server(httpserver, settings):
    httpserver.expect_request(TILE_PATH).respond_with_data(tile_png(), content_type="image/png")
    settings.MAP_TILES_URL = httpserver.url_for("/tuiles/{z}/{x}/{y}.png")
    return httpserver


@pytest.fixture
def stopped_tile_server(settings):
    """A port where nothing listens (bound, then closed): every tile is refused, like a server down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAP_TILES_URL = f"http://127.0.0.1:{port}/tuiles/{{z}}/{{x}}/{{y}}.png"


@pytest.fixture
def cinemas(transactional_db):
    bellecour = VenueFactory(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
        motor_disability_accessible=True,
        audio_disability_accessible=True,
    )
    croix_rousse = VenueFactory(
        name="Cinéma de la Croix-Rousse",
        address="12 boulevard de la Croix-Rousse",
        postal_code="69004",
        city="Lyon",
        department_code="69",
        latitude="45.774500",
        longitude="4.829500",
    )
    today = to_local(utcnow(), "Europe/Paris").date()

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        return local_to_utc(
            dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute)), "Europe/Paris"
        )

    orbite = OfferFactory(venue=bellecour, name="Orbite basse", duration_minutes=104, is_duo=True)
    phare = OfferFactory(venue=bellecour, name="Le Phare des sept mers", duration_minutes=95)
    for days, hour, version, quantity in ((1, 18, "VF", None), (1, 20, "VO", 4), (3, 21, "VO", None)):
        StockFactory(offer=orbite, beginning_datetime=at(days, hour, 30), booking_limit_datetime=at(days, hour, 30),
                     version=version, quantity=quantity, price_cents=750)  # fmt: skip
    StockFactory(offer=phare, beginning_datetime=at(1, 16), booking_limit_datetime=at(1, 16), price_cents=600)
    StockFactory(offer__venue=croix_rousse, offer__name="Nuit claire", beginning_datetime=at(2, 20),
                 booking_limit_datetime=at(2, 20))  # fmt: skip
    return bellecour, croix_rousse


def phone_page(page, **options):
    context = page.context.browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", **options
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def no_horizontal_scroll(phone) -> bool:
    return phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


# --- The cinema page ------------------------------------------------------------------------------


def test_the_cinema_page_shows_its_films_by_day_on_a_phone(live_server, cinemas, page):
    bellecour, _ = cinemas
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/cinemas/{bellecour.pk}/")

    assert phone.get_by_role("heading", level=1).inner_text() == "Ciné Lumière Bellecour"
    directions = phone.get_by_role("link", name="Itinéraire vers le cinéma")
    assert (
        directions.get_attribute("href") == "https://www.openstreetmap.org/directions?to=45.757800%2C4.832000"
    )
    access = phone.get_by_role("region", name="Accessibilité").inner_text()
    assert "Handicap moteur" in access and "Handicap auditif" in access
    # Tomorrow is the first day with showtimes; its three showtimes are buttons with time, version, price.
    assert phone.locator("a[aria-current=true]").inner_text() == "Demain"
    films = phone.locator(".film-row")
    assert films.count() == 2
    assert films.nth(0).get_by_role("heading").inner_text() == "Le Phare des sept mers"
    orbite = films.nth(1)
    assert [b.inner_text() for b in orbite.locator(".showtime-button").all()] == [
        "18h30 VF · 7,50\xa0€",
        "20h30 VO · 7,50\xa0€ · 4 places",
    ]
    assert no_horizontal_scroll(phone)
    screenshot(phone, "app-cinema")
    assert_accessible(phone, "app-cinema")

    # Another day, without JavaScript's help: the chip is a link.
    chips = phone.get_by_role("navigation", name="Jours de la semaine")
    chips.get_by_role("link").filter(has_not_text="Demain").first.click()
    phone.wait_for_url(re.compile(r"\?jour=\d{4}-\d{2}-\d{2}#programme$"))
    assert phone.locator(".film-row").count() == 1
    # The chosen chip is scrolled into its row (the row scrolls sideways, never the page).
    assert phone.evaluate(
        """() => {
          const row = document.querySelector(".day-chips__list").getBoundingClientRect();
          const chip = document.querySelector("[aria-current=true]").getBoundingClientRect();
          return chip.left >= row.left && chip.right <= row.right;
        }"""
    )
    assert no_horizontal_scroll(phone)
    assert phone.locator(".showtime-button").inner_text() == "21h30 VO · 7,50\xa0€"
    assert phone.locator(".showtime-button").get_attribute("href").startswith("/reserver/")
    screenshot(phone, "app-cinema-autre-jour")
    assert_accessible(phone, "app-cinema-autre-jour")


# --- The map ----------------------------------------------------------------------------------------


def test_the_map_shows_tiles_and_markers_that_lead_to_each_cinema(live_server, cinemas, tile_server, page):
    _, croix_rousse = cinemas
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")

    phone.locator(".leaflet-tile-loaded").first.wait_for()
    assert phone.locator("#carte").is_visible()
    assert any(TILE_PATH.match(request.path) for request, _response in tile_server.log)
    markers = phone.locator(".map-marker__link")
    assert markers.count() == 2
    assert markers.first.get_attribute("title") == "Ciné Lumière Bellecour"
    # The list is there too, nearest first.
    names = phone.locator(".venue-card__name").all_inner_texts()
    assert names == ["Ciné Lumière Bellecour", "Cinéma de la Croix-Rousse"]
    assert "OpenStreetMap" in phone.locator(".leaflet-control-attribution").inner_text()
    assert no_horizontal_scroll(phone)
    phone.wait_for_timeout(300)  # Leaflet fades the tiles in
    screenshot(phone, "app-carte")
    assert_accessible(phone, "app-carte")

    # A marker is a link reached with the keyboard; Enter opens the cinema page.
    marker = phone.locator(".map-marker__link").filter(has_text="Cinéma de la Croix-Rousse")
    marker.focus()
    assert phone.evaluate("() => document.activeElement.classList.contains('map-marker__link')")
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{live_server.url}/cinemas/{croix_rousse.pk}/?{BELLECOUR}")
    assert phone.get_by_role("heading", level=1).inner_text() == "Cinéma de la Croix-Rousse"


def test_a_tap_on_a_marker_opens_the_cinema(live_server, cinemas, tile_server, page):
    bellecour, _ = cinemas
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")
    phone.locator(".leaflet-tile-loaded").first.wait_for()

    phone.locator(".map-marker__link").filter(has_text="Ciné Lumière Bellecour").tap()

    phone.wait_for_url(f"{live_server.url}/cinemas/{bellecour.pk}/?{BELLECOUR}")


def test_with_the_tile_server_down_the_list_stays(live_server, cinemas, stopped_tile_server, page):
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")

    status = phone.locator("#carte-statut")
    status.filter(has_text="La carte n'a pas pu se charger").wait_for()
    assert not phone.locator("#carte").is_visible()
    assert phone.locator(".venue-card__name").count() == 2
    assert no_horizontal_scroll(phone)
    screenshot(phone, "app-carte-sans-tuiles")
    assert_accessible(phone, "app-carte-sans-tuiles")
    phone.locator(".venue-card__name").first.click()
    phone.wait_for_url(re.compile(r"/cinemas/\d+/"))


class TestTilesAnswering404:
    @pytest.fixture
    def unjudged_asset_origins(self, tile_server):
        # This tile server answers 404 on purpose: its tiles are not this site's files.
        return [tile_server.url_for("/")]

    def test_the_list_stays(self, live_server, cinemas, tile_server, page):
        tile_server.clear()
        tile_server.expect_request(TILE_PATH).respond_with_data("introuvable", status=404)
        phone = phone_page(page)
        phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")

        phone.locator("#carte-statut").filter(has_text="Tous les cinémas sont dans la liste").wait_for()
        assert not phone.locator("#carte").is_visible()
        assert phone.locator(".venue-card__name").count() == 2
        assert any(TILE_PATH.match(request.path) for request, _response in tile_server.log)


def test_without_javascript_the_map_page_is_a_list(live_server, cinemas, tile_server, page):
    phone = phone_page(page, java_script_enabled=False)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")

    assert not phone.locator("#carte").is_visible()
    assert not phone.locator("#autour-de-moi").is_visible()
    assert phone.locator(".venue-card__name").count() == 2
    assert not tile_server.log


def test_autour_de_moi_finds_the_cinemas_around_the_device(live_server, cinemas, tile_server, page):
    phone = phone_page(
        page, geolocation={"latitude": 45.7602, "longitude": 4.8357}, permissions=["geolocation"]
    )
    phone.goto(f"{live_server.url}/carte/")
    assert phone.get_by_text("Où cherches-tu un cinéma ?").is_visible()
    assert no_horizontal_scroll(phone)
    screenshot(phone, "app-carte-sans-position")
    assert_accessible(phone, "app-carte-sans-position")

    phone.get_by_role("button", name="Autour de moi").click()

    phone.wait_for_url(re.compile(r"/carte/\?.*lat=45\.76020&lon=4\.83570$"))
    assert phone.get_by_text("Autour de ta position, à 20 km maximum.").is_visible()
    assert phone.locator(".venue-card__name").count() == 2


def test_nothing_scrolls_sideways_on_a_small_phone(live_server, cinemas, tile_server, page):
    bellecour, _ = cinemas
    small = page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, locale="fr-FR"
    )
    phone = small.new_page()
    phone.goto(f"{live_server.url}/cinemas/{bellecour.pk}/")
    assert no_horizontal_scroll(phone)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")
    phone.locator(".leaflet-tile-loaded").first.wait_for()
    assert no_horizontal_scroll(phone)
    phone.goto(f"{live_server.url}/carte/")
    assert no_horizontal_scroll(phone)


def test_keyboard_users_can_skip_the_map(live_server, cinemas, tile_server, page):
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/carte/?{BELLECOUR}")
    phone.locator(".leaflet-tile-loaded").first.wait_for()

    skip = phone.get_by_role("link", name="Passer la carte")
    skip.focus()
    assert skip.is_visible()
    phone.keyboard.press("Enter")

    assert phone.evaluate("() => document.activeElement.id") == "liste-cinemas"
