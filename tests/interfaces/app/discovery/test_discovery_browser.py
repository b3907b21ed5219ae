"""The home feed and the search page on a phone (390 x 844, and 360 x 740 for the home), in Debian's
Chromium: the first poster above the fold, "Autour de moi", filter chips, suggestions when empty."""

import datetime as dt

import pytest

from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
NEAR_BELLECOUR = {"latitude": 45.7602, "longitude": 4.8357}


def at(days: int, hour: int, minute: int = 30) -> dt.datetime:
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=days)
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), "Europe/Paris")


@pytest.fixture
def lyon_films(transactional_db):
    today = to_local(utcnow(), "Europe/Paris").date()
    bellecour = VenueFactory(
        name="Ciné Lumière Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
    )
    zola = VenueFactory(
        name="Le Zola", postal_code="69100", city="Villeurbanne", latitude="45.766000", longitude="4.880000"
    )
    films = {}
    specs = [
        ("L'Été dernier", ["Drame"], today - dt.timedelta(days=2), "VO", 4),
        ("Orbite basse", ["Science-fiction", "Aventure"], today - dt.timedelta(days=40), "VF", None),
        ("Kizomba", ["Comédie musicale"], today - dt.timedelta(days=20), "VF", None),
        ("Les Quatre Saisons", ["Comédie"], today - dt.timedelta(days=5), "VO", None),
    ]
    for index, (title, genres, released, version, quantity) in enumerate(specs):
        film = FilmFactory(
            title=title, genres=genres, release_date=released, duration_minutes=95 + 10 * index
        )
        films[title] = film
        for venue in (bellecour, zola) if index % 2 == 0 else (bellecour,):
            offer = OfferFactory(venue=venue, film=film, name=title)
            for day, hour in ((0, 21), (1, 18), (2, 20)):
                start = at(day, hour)
                if start <= utcnow():
                    start = at(day + 3, hour)
                StockFactory(
                    offer=offer,
                    beginning_datetime=start,
                    booking_limit_datetime=start,
                    version=version,
                    quantity=quantity,
                    price_cents=750,
                )
    StockFactory(offer__venue=VenueFactory(), offer__name="Film parisien")
    return films


def phone_page(page, viewport=PHONE, **options):
    context = page.context.browser.new_context(
        viewport=viewport, is_mobile=True, has_touch=True, locale="fr-FR", **options
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def no_horizontal_scroll(phone) -> bool:
    return phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def first_poster_is_above_the_fold(phone) -> bool:
    """The first poster's bottom edge is visible above the fixed tab bar, without scrolling."""
    return phone.evaluate(
        """() => {
            const poster = document.querySelector('.app-carousel .pc-poster');
            const tabs = document.querySelector('.app-tabs');
            const bottom = poster.getBoundingClientRect().bottom;
            return bottom > 0 && bottom < window.innerHeight - tabs.getBoundingClientRect().height;
        }"""
    )


@pytest.mark.parametrize(
    ("viewport", "name"), [(PHONE, "home-credit-phone"), (SMALL_PHONE, "home-credit-360")]
)
def test_home_with_credit_shows_the_banner_then_posters_above_the_fold(
    live_server, lyon_films, page, client, viewport, name
):
    user = UserFactory(postal_code="69002", city="Lyon")
    DepositFactory(user=user)
    phone = phone_page(page, viewport)
    log_in(phone, client, user, live_server.url)
    phone.goto(f"{live_server.url}/")

    assert "Il te reste 300" in phone.locator(".app-banner").inner_text()
    assert phone.locator(".app-where__text").inner_text().startswith("Près de Lyon (69002)")

    def titles(section: str) -> list[str]:
        return phone.get_by_role("region", name=section).get_by_role("heading", level=3).all_inner_texts()

    assert sorted(titles("À l'affiche près de toi")) == sorted(lyon_films)  # Le Zola's copies merged
    assert sorted(titles("Sortis cette semaine")) == ["L'Été dernier", "Les Quatre Saisons"]
    assert sorted(titles("En VO")) == ["L'Été dernier", "Les Quatre Saisons"]
    assert phone.get_by_role("region", name="Dernières places").get_by_text("4 places").count() == 1
    assert (
        phone.get_by_role("region", name="Cinémas près de toi").get_by_role("link", name="Le Zola").count()
        == 1
    )
    assert first_poster_is_above_the_fold(phone)
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, name)
    screenshot(phone, name)

    phone.get_by_role("link", name="L'Été dernier").first.click()
    ete = lyon_films["L'Été dernier"]
    phone.wait_for_url(f"**/films/{ete.pk}/?lat=*")
    assert phone.get_by_role("heading", level=1).inner_text() == "L'Été dernier"


def test_home_without_a_position_asks_for_it_then_shows_films_around(live_server, lyon_films, page):
    phone = phone_page(page, geolocation=NEAR_BELLECOUR, permissions=["geolocation"])
    phone.goto(f"{live_server.url}/")

    assert phone.locator(".app-where__text").inner_text() == "Partout en France"
    assert "Tu as 18 ans ?" in phone.locator(".app-banner").inner_text()
    assert first_poster_is_above_the_fold(phone)
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "home-anonymous-phone")
    screenshot(phone, "home-anonymous-phone")

    phone.get_by_role("button", name="Autour de moi").click()
    phone.wait_for_url("**/?lat=45.76020*")
    assert phone.locator(".app-where__text").inner_text() == "Près de toi"
    assert phone.get_by_text("Film parisien").count() == 0
    assert_accessible(phone, "home-around-me-phone")
    screenshot(phone, "home-around-me-phone")

    phone.get_by_text("Changer").click()
    phone.get_by_label("Ville ou code postal").fill("69100")
    phone.get_by_role("button", name="Voir les films").click()
    phone.wait_for_url("**/?ville=69100")
    assert phone.locator(".app-where__text").inner_text() == "Près de Villeurbanne (69100)"


def test_a_refused_geolocation_is_explained(live_server, lyon_films, page):
    phone = phone_page(page)
    # The permission prompt answered "Bloquer": the browser calls the error callback with code 1.
    phone.add_init_script(
        "navigator.geolocation.getCurrentPosition = function (ok, fail) {"
        " setTimeout(function () { fail({code: 1, message: 'denied'}); }, 10); };"
    )
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("button", name="Autour de moi").click()

    phone.wait_for_function(
        "() => document.getElementById('geo-status').innerText.includes('autorisé la géolocalisation')"
    )
    assert phone.url == f"{live_server.url}/"


def test_search_by_postal_code_then_filter_with_chips(live_server, lyon_films, page):
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="Rechercher un film").click()
    phone.wait_for_url("**/recherche/")
    assert phone.get_by_role("link", name="Recherche").get_attribute("aria-current") == "page"
    phone.get_by_label("Ville ou code postal").fill("69001")
    phone.get_by_role("button", name="Rechercher", exact=True).click()
    phone.wait_for_url("**/recherche/?lieu=69001*")

    cards = phone.locator(".app-result")
    assert cards.count() == 4  # one card per film, never one per cinema
    ete = cards.filter(has_text="L'Été dernier")
    text = ete.inner_text()
    assert "Drame" in text and "+1 cinéma" in text and "à 1,6 km" in text
    assert ete.locator(".app-showtimes a").first.get_attribute("href").startswith("/reserver/")
    assert phone.get_by_text("Film parisien").count() == 0
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "search-results-phone")
    screenshot(phone, "search-results-phone")

    phone.get_by_role("list", name="Filtres").get_by_role("link", name="VO").click()
    phone.wait_for_url("**version=VO*")
    assert phone.get_by_role("link", name="VO", exact=True).get_attribute("aria-current") == "true"
    assert sorted(phone.locator(".app-result__title").all_inner_texts()) == [
        "L'Été dernier",
        "Les Quatre Saisons",
    ]
    phone.get_by_role("list", name="Jour").get_by_role("link", name="Demain").click()
    phone.wait_for_url("**jour=tomorrow*")
    assert "version=VO" in phone.url
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "search-filtered-phone")
    screenshot(phone, "search-filtered-phone")


def test_an_empty_search_offers_what_to_widen(live_server, lyon_films, page):
    phone = phone_page(page)
    # Vienne is about 27 km from Bellecour.
    phone.goto(f"{live_server.url}/recherche/?lieu=38200&rayon=10")

    empty = phone.locator(".app-empty")
    assert "Aucun film ne correspond à moins de 10 km." in empty.inner_text()
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "search-empty-phone")
    screenshot(phone, "search-empty-phone")
    empty.get_by_role("link", name="Chercher à 50 km").click()
    phone.wait_for_url("**rayon=50*")
    assert phone.locator(".app-result").count() == 4


def test_typing_a_town_suggests_places_from_the_gazetteer(live_server, lyon_films, page):
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/recherche/")
    phone.get_by_label("Ville ou code postal").press_sequentially("lyo", delay=50)

    phone.wait_for_function("() => document.querySelectorAll('#lieux option').length > 0")
    labels = phone.eval_on_selector_all("#lieux option", "options => options.map(o => o.value)")
    assert labels[0] == "Lyon (69001)"
