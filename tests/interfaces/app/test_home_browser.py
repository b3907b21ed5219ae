"""The home page in a real browser: Playwright driving Debian's Chromium (never a downloaded one)."""

import datetime as dt

import pytest

from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from tests.browser import BROWSER_MARKS

pytestmark = BROWSER_MARKS


@pytest.fixture
def film(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=2)
    start = local_to_utc(dt.datetime.combine(day, dt.time(20, 30)), "Europe/Paris")
    return StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__image="offers/demo/orbite-basse.png",
        price_cents=750,
        beginning_datetime=start,
    ).offer


def test_home_lists_a_film_as_a_poster_card_with_its_cinema(live_server, film, page):
    page.goto(f"{live_server.url}/")
    section = page.get_by_role("region", name="À l'affiche")
    card = section.get_by_role("article").filter(has_text="Orbite basse")
    assert "Ciné Lumière Bellecour" in card.inner_text()
    # The poster is decoration beside the title: the title's link names the card once.
    assert card.get_by_role("link").count() == 1
    assert card.get_by_role("link").get_attribute("href") == f"/offres/{film.pk}/"
    assert card.locator("img").get_attribute("alt") == ""


def test_keyboard_users_can_skip_to_the_content(live_server, film, page):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_footer_link_for_cinemas_leads_to_the_pro_portal(live_server, film, page):
    page.goto(f"{live_server.url}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Espace cinémas").click()
    page.wait_for_url(f"{live_server.url}/pro/connexion/?next=/pro/")
    assert page.get_by_role("heading", level=1).inner_text() == "Se connecter à pass Culture Pro"
