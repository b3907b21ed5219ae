"""The app's frame on a phone: the bottom tab bar, the footer, the legal pages and the error pages, each
checked with axe-core at 390x844 (and 360x740 for the tab bar), with screenshots."""

import datetime as dt

import pytest

from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]
PHONE = PHONES[0]


@pytest.fixture
def film(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=2)
    return StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__image="offers/demo/orbite-basse.png",
        price_cents=750,
        beginning_datetime=local_to_utc(dt.datetime.combine(day, dt.time(20, 30)), "Europe/Paris"),
    ).offer


@pytest.fixture
def beneficiary(transactional_db):
    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


def _tab_names(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Navigation principale")
    return [text.strip() for text in nav.get_by_role("link").all_inner_texts()]


def _assert_no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", PHONES, ids=["390x844", "360x740"])
def test_the_tab_bar_sits_at_the_bottom_of_a_phone_screen(live_server, film, page, size):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/")
    assert _tab_names(page) == ["Accueil", "Recherche", "Se connecter"]
    current = page.locator(".app-tabs [aria-current='page']")
    assert current.inner_text().strip() == "Accueil"
    box = page.locator(".app-tabs").bounding_box()
    assert box["y"] + box["height"] == pytest.approx(size["height"], abs=1)
    assert box["height"] >= 48  # a thumb-sized target
    # No link to the pro portal or the back office in the navigation; one footer link for cinemas.
    assert page.locator("header a[href^='/pro'], header a[href^='/backoffice']").count() == 0
    assert page.locator("main a[href^='/backoffice']").count() == 0
    footer = page.get_by_role("contentinfo")
    assert footer.get_by_role("link", name="Espace cinémas").get_attribute("href") == "/pro/"
    _assert_no_sideways_scroll(page)
    assert_accessible(page, f"home {size['width']}")
    screenshot(page, f"app-shell-home-{size['width']}x{size['height']}")


def test_a_beneficiary_has_the_five_tabs_and_the_current_one_is_marked(
    live_server, client, beneficiary, page
):
    page.set_viewport_size(PHONE)
    log_in(page, client, beneficiary, live_server.url)
    page.goto(f"{live_server.url}/")
    names = _tab_names(page)
    # Favoris shows once its page exists (a later part of the app).
    assert names[:3] == ["Accueil", "Recherche", "Réservations"] and names[-1] == "Profil"
    page.get_by_role("link", name="Réservations").click()
    page.wait_for_url(f"{live_server.url}/reservations/")
    assert page.locator(".app-tabs [aria-current='page']").inner_text().strip() == "Réservations"
    assert_accessible(page, "bookings")
    page.get_by_role("link", name="Profil").click()
    page.wait_for_url(f"{live_server.url}/compte/")
    assert page.locator(".app-tabs [aria-current='page']").inner_text().strip() == "Profil"
    _assert_no_sideways_scroll(page)
    assert_accessible(page, "account")
    screenshot(page, "app-shell-account")
    page.goto(f"{live_server.url}/credit/")
    assert_accessible(page, "credit")
    screenshot(page, "app-shell-credit")


def test_at_desktop_width_the_tabs_are_in_the_header(live_server, film, page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    tabs = page.locator(".app-tabs").bounding_box()
    assert tabs["y"] < 100
    assert_accessible(page, "home desktop")
    screenshot(page, "app-shell-home-1280x800")


@pytest.mark.parametrize(
    ("link", "heading", "name"),
    [
        ("Accessibilité : partiellement conforme", "Déclaration d'accessibilité", "accessibility"),
        ("Mentions légales", "Mentions légales", "legal-notices"),
    ],
)
def test_the_footer_leads_to_the_legal_pages(live_server, film, page, link, heading, name):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    page.get_by_role("contentinfo").get_by_role("link", name=link).click()
    assert page.get_by_role("heading", level=1).inner_text() == heading
    _assert_no_sideways_scroll(page)
    assert_accessible(page, name)
    screenshot(page, f"app-{name}")


@pytest.mark.urls("tests.interfaces.error_urls")
@pytest.mark.allow_console_errors  # the browser logs each 4xx/5xx document it loads, on purpose here
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/nulle-part/", 404, "Page introuvable"),
        ("/echec/500/", 500, "Erreur du serveur"),
        ("/echec/403/", 403, "Accès refusé"),
        ("/echec/400/", 400, "Demande incorrecte"),
        ("/pro/nulle-part/", 404, "Page introuvable"),
        ("/backoffice/echec/500/", 500, "Erreur du serveur"),
    ],
)
def test_error_pages_are_french_accessible_and_lead_back(live_server, film, page, path, status, heading):
    page.set_viewport_size(PHONE)
    # As if the person followed a link from the home page (the way back uses the Referer).
    response = page.goto(f"{live_server.url}{path}", referer=f"{live_server.url}/")
    assert response.status == status
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    _assert_no_sideways_scroll(page)
    assert_accessible(page, f"error {path}")
    screenshot(
        page,
        f"error-{status}{'-pro' if path.startswith('/pro') else ''}{'-backoffice' if path.startswith('/backoffice') else ''}",
    )
    page.get_by_role("link", name="Revenir en arrière").click()
    page.wait_for_url(f"{live_server.url}/")


# The home page's weight is measured as `make run` serves it (compressed): see
# tests/interfaces/app/management/commands/test_serve_weight_browser.py.
