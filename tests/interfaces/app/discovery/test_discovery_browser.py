"""Discovery on a phone (390 x 844), in Debian's Chromium: search by postal code, "Autour de moi",
the town suggestions, then the film page."""

import datetime as dt

import pytest

from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.browser import BROWSER_MARKS, screenshot

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
NEAR_BELLECOUR = {"latitude": 45.7602, "longitude": 4.8357}


@pytest.fixture
def lyon_film(transactional_db):
    venue = VenueFactory(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
    )
    offer = OfferFactory(
        venue=venue,
        name="L'Été dernier",
        description="Un été au bord du Rhône.",
        image="offers/demo/orbite-basse.png",
        is_duo=True,
        duration_minutes=104,
        extra_data={"directors": ["Jeanne Lune"], "cast": ["Ana Sol"]},
    )
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=2)
    stocks = []
    for hour, version, quantity in ((18, "VF", None), (20, "VO", 4)):
        start = local_to_utc(dt.datetime.combine(day, dt.time(hour, 30)), "Europe/Paris")
        stocks.append(
            StockFactory(
                offer=offer,
                beginning_datetime=start,
                booking_limit_datetime=start,
                version=version,
                quantity=quantity,
                price_cents=750,
            )
        )
    StockFactory(offer__venue=VenueFactory(), offer__name="Film parisien")
    return offer, stocks


def phone_page(page, **options):
    context = page.context.browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR", **options
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def no_horizontal_scroll(phone) -> bool:
    return phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_search_by_postal_code_then_open_the_film_page(live_server, lyon_film, page):
    offer, (vf, vo) = lyon_film
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/")
    phone.get_by_label("Ville ou code postal").fill("69001")
    phone.get_by_role("button", name="Rechercher").click()
    phone.wait_for_url("**/?lieu=69001*")

    assert phone.get_by_role("heading", level=1).inner_text() == "Séances près de Lyon (69001)"
    card = phone.get_by_role("article").filter(has_text="L'Été dernier")
    text = card.inner_text()
    assert "Ciné Lumière Bellecour" in text
    assert "à 1,6 km" in text
    assert "18h30" in text and "20h30" in text
    assert "4 places" in text
    assert "7,50" in text and "Duo possible" in text
    assert phone.get_by_text("Film parisien").count() == 0
    assert no_horizontal_scroll(phone)
    screenshot(phone, "discovery-search-69001-phone")

    card.get_by_role("link", name="L'Été dernier").click()
    phone.wait_for_url(f"**/offres/{offer.pk}/*")

    assert phone.get_by_role("heading", level=1).inner_text() == "L'Été dernier"
    assert "Jeanne Lune" in phone.locator(".film-page__facts").inner_text()
    showtimes = phone.locator(".film-page__showtimes")
    assert "Ciné Lumière Bellecour" in showtimes.inner_text()
    # Each showtime is a link named by what it shows: time, version, price (and seats when few).
    vo_link = showtimes.get_by_role("link", name="20h30 VO 7,50 € 4 places")
    assert vo_link.get_attribute("href") == f"/reserver/{vo.pk}/"
    vf_link = showtimes.get_by_role("link", name="18h30 VF 7,50 €")
    assert vf_link.get_attribute("href") == f"/reserver/{vf.pk}/"
    assert no_horizontal_scroll(phone)
    screenshot(phone, "discovery-film-page-phone")


def test_around_me_puts_the_device_position_in_the_address(live_server, lyon_film, page):
    phone = phone_page(page, geolocation=NEAR_BELLECOUR, permissions=["geolocation"])
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("button", name="Autour de moi").click()
    phone.wait_for_url("**/?*lat=45.76020*")

    assert phone.get_by_role("heading", level=1).inner_text() == "Séances près de toi"
    assert phone.get_by_role("article").filter(has_text="L'Été dernier").count() == 1
    screenshot(phone, "discovery-around-me-phone")


def test_a_refused_geolocation_is_explained(live_server, lyon_film, page):
    phone = phone_page(page)
    # The permission prompt answered "Bloquer": the browser calls the error callback with code 1.
    phone.add_init_script(
        "navigator.geolocation.getCurrentPosition = function (ok, fail) {"
        " setTimeout(function () { fail({code: 1, message: 'denied'}); }, 10); };"
    )
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("button", name="Autour de moi").click()

    status = phone.locator("#geo-status")
    # "Recherche de ta position…" shows first, then the refusal once the browser answers.
    phone.wait_for_function(
        "() => document.getElementById('geo-status').innerText.includes('autorisé la géolocalisation')"
    )
    assert "Tu n'as pas autorisé la géolocalisation" in status.inner_text()
    assert phone.url == f"{live_server.url}/"


def test_typing_a_town_suggests_places_from_the_gazetteer(live_server, lyon_film, page):
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/")
    phone.get_by_label("Ville ou code postal").press_sequentially("lyo", delay=50)

    phone.wait_for_function("() => document.querySelectorAll('#lieux option').length > 0")
    labels = phone.eval_on_selector_all("#lieux option", "options => options.map(o => o.value)")
    assert labels[0] == "Lyon (69001)"


def test_an_empty_search_offers_a_wider_radius(live_server, lyon_film, page):
    phone = phone_page(page)
    # Vienne is about 27 km from Bellecour.
    phone.goto(f"{live_server.url}/?lieu=38200&rayon=10")

    empty = phone.locator(".empty")
    assert "Aucune séance dans un rayon de 10 km autour de Vienne (38200)." in empty.inner_text()
    empty.get_by_role("link", name="Essaie 50 km").click()
    phone.wait_for_url("**rayon=50*")
    assert phone.get_by_role("article").filter(has_text="L'Été dernier").count() == 1
