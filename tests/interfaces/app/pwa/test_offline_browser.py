"""The installable web app in a real browser: the home page, my credit, film pages and my bookings (with
their QR codes) open offline once visited, styled, under a "hors connexion" banner; the kept pages are
forgotten at logout."""

import io

import pytest
import zxingcpp
from PIL import Image

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def booking(transactional_db):
    user = UserFactory()
    DepositFactory(user=user)
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon")
    return book_offer(user, StockFactory(offer__venue=venue, offer__name="Orbite basse").pk)


def _wait_until_kept_offline(page):
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_selector("html[data-offline-ready]", state="attached")


def _kept_paths(page) -> list[str]:
    return page.evaluate(
        """() => caches.has('pc-pages').then((has) => has
            ? caches.open('pc-pages').then((cache) => cache.keys())
                .then((keys) => keys.map((request) => new URL(request.url).pathname))
            : [])"""
    )


def _kept_bodies(page) -> str:
    return page.evaluate(
        """() => caches.open('pc-pages').then((cache) => cache.keys().then((keys) =>
            Promise.all(keys.map((key) => cache.match(key).then((response) => response.text())))))
            .then((texts) => texts.join(' '))"""
    )


@pytest.fixture
def film_booking(transactional_db):
    """A booking of a film with a poster whose file the test server does not serve (no /media/ in tests)."""
    user = UserFactory(first_name="Inès")
    DepositFactory(user=user)
    film = find_or_create_film(title="Orbite basse", allocine_id="4242", duration_minutes=101)
    film.poster.name = "films/orbite-basse.jpg"
    film.save(update_fields=["poster"])
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon")
    offer = OfferFactory(film=film, name=film.title, venue=venue)
    return book_offer(user, StockFactory(offer=offer).pk)


def _assert_offline_copy(page, name: str) -> None:
    """The kept copy: styled (DSFR's font, the brand layer), under the banner with the date it was kept."""
    banner = page.locator("#app-offline-banner")
    assert banner.is_visible()
    assert banner.get_by_text("Tu es hors connexion", exact=True).is_visible()
    assert "Cette page est la dernière copie enregistrée sur cet appareil, du " in banner.inner_text()
    assert page.evaluate("() => document.documentElement.dataset.offlineCopy").endswith("Z")
    # DSFR's small alert (its padding for the icon) and the brand layer (the banner's margin) both apply.
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.app-offline-banner'));"
        " return [s.paddingLeft, s.marginBottom]; }"
    )
    assert style == ["48px", "16px"]
    # No broken image: a poster never kept is a plain tile (the worker's), not the browser's broken icon.
    broken = page.evaluate(
        "() => [...document.images].filter((img) => img.complete && img.naturalWidth === 0).map((img) => img.src)"
    )
    assert broken == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, name)
    assert_accessible(page, name)


def test_home_credit_film_and_ticket_open_offline_styled_under_a_banner(
    page, live_server, client, film_booking
):
    page.set_viewport_size(PHONE)
    log_in(page, client, film_booking.user, live_server.url)
    film_url = f"{live_server.url}/films/{film_booking.stock.offer.film_id}/"
    pages = {
        "home": f"{live_server.url}/",
        "credit": f"{live_server.url}/credit/",
        "film": film_url,
        "ticket": f"{live_server.url}/reservations/{film_booking.pk}/",
    }
    for url in pages.values():
        page.goto(url)
        _wait_until_kept_offline(page)
        # Online, the page is the server's: no banner.
        assert page.locator("#app-offline-banner").count() == 0
    # The film page reached with a place in its query opens offline from the same copy.
    page.goto(film_url + "?lat=45.76&lon=4.83")
    assert set(_kept_paths(page)) >= {"/", "/credit/", f"/films/{film_booking.stock.offer.film_id}/"}

    page.context.set_offline(True)
    try:
        for name, url in pages.items():
            page.goto(url)
            _assert_offline_copy(page, f"app-offline-{name}")
        page.goto(film_url + "?lat=45.76&lon=4.83")
        assert page.get_by_role("heading", level=1).inner_text() == "Orbite basse"
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('.film-page__head')).display")
            == "flex"
        )
        page.goto(pages["ticket"])
        assert page.locator("[data-countermark]").inner_text() == film_booking.token
        assert page.evaluate("getComputedStyle(document.querySelector('.ticket')).borderStyle") == "dashed"
        # Cancelling needs the server: the kept ticket says so instead of the browser's error page.
        page.get_by_text("Annuler la réservation").click()
        page.get_by_role("button", name="Confirmer l'annulation").click()
        assert "Cette action demande une connexion" in page.locator("#app-offline-banner").inner_text()
        assert page.url == pages["ticket"]
        # Its icon was precached too (DSFR's warning, never shown online).
        assert page.evaluate(
            "() => getComputedStyle(document.querySelector('.app-offline-banner'), '::before').maskImage"
        ).startswith("url(")
        page.goto(pages["credit"])
        assert page.evaluate("() => getComputedStyle(document.querySelector('.bk-page')).maxWidth") == "640px"

        # A page never opened on this device: the styled offline page.
        page.goto(f"{live_server.url}/carte/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tu es hors connexion"
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('.fr-container')).paddingLeft")
            == "16px"
        )
        screenshot(page, "app-offline-never-seen")
        assert_accessible(page, "app-offline-never-seen")
    finally:
        page.context.set_offline(False)

    # Back online: the banner says so and the next load is the server's again.
    page.goto(pages["home"])
    assert page.locator("#app-offline-banner").count() == 0


def test_a_live_page_shows_the_banner_when_the_connection_drops(page, live_server, client, film_booking):
    page.set_viewport_size(PHONE)
    log_in(page, client, film_booking.user, live_server.url)
    page.goto(f"{live_server.url}/credit/")
    _wait_until_kept_offline(page)
    page.context.set_offline(True)
    try:
        page.wait_for_selector("#app-offline-banner")
        assert "peut ne plus être à jour" in page.locator("#app-offline-banner").inner_text()
        screenshot(page, "app-offline-connection-dropped")
        assert_accessible(page, "app-offline-connection-dropped")
    finally:
        page.context.set_offline(False)
    page.wait_for_selector("#app-offline-banner", state="detached")


def test_my_bookings_open_offline_with_their_qr_code(page, live_server, client, booking):
    """The list has no QR code (compact cards): it names the tickets to come, which are kept with it."""
    page.set_viewport_size(PHONE)
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    assert page.locator(".qr svg").count() == 0
    _wait_until_kept_offline(page)
    assert page.get_by_text("s'ouvrent aussi sans connexion").is_visible()
    ticket = f"{live_server.url}/reservations/{booking.pk}/"
    # The ticket was never opened: the worker fetched it with the list.
    page.wait_for_function(
        "(url) => caches.open('pc-pages').then((cache) => cache.match(url)).then(Boolean)", arg=ticket
    )

    # Proof that the pages come from the kept copy, not the server: the server would no longer show them.
    Booking.objects.filter(pk=booking.pk).delete()
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.get_by_role("heading", level=1).inner_text() == "Mes réservations"
        page.get_by_role("link", name="Orbite basse").click()
        page.wait_for_url(ticket)
        assert page.locator("[data-countermark]").inner_text() == booking.token
        png = page.locator(".qr svg").screenshot(caret="initial")
        decoded = [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
        assert decoded == [f"PASSCULTURE:v3;TOKEN:{booking.token}"]
        # The stylesheet comes from the worker's cache too.
        assert page.evaluate("getComputedStyle(document.querySelector('.ticket')).borderStyle") == "dashed"
        screenshot(page, "app-bookings-offline")

        # A page never opened on this device says so, with the way to the kept bookings.
        page.goto(f"{live_server.url}/credit/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tu es hors connexion"
        page.get_by_role("link", name="Voir mes réservations enregistrées sur cet appareil").click()
        page.wait_for_url(f"{live_server.url}/reservations/")
        assert page.get_by_role("link", name="Orbite basse").is_visible()
    finally:
        page.context.set_offline(False)


def test_a_booking_page_opens_offline_too(page, live_server, client, booking):
    log_in(page, client, booking.user, live_server.url)
    url = f"{live_server.url}/reservations/{booking.pk}/"
    page.goto(url)
    _wait_until_kept_offline(page)
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator("[data-countermark]").inner_text() == booking.token
    finally:
        page.context.set_offline(False)


def test_logging_out_forgets_the_kept_pages(page, live_server, client, booking):
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    _wait_until_kept_offline(page)
    assert page.evaluate("caches.has('pc-pages')") is True

    # Logging out is on the profile page (the tab bar has no logout button).
    page.get_by_role("link", name="Profil").click()
    page.wait_for_url(f"{live_server.url}/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state()
    # Only the home page as anyone sees it may be kept again: nothing of this person's.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert set(_kept_paths(page)) <= {"/"}
    assert booking.token not in _kept_bodies(page)
    assert booking.user.email not in _kept_bodies(page)

    # Offline, the next person on this device finds nothing of the previous one's bookings, even once
    # the worker (registered again by the page after logout) controls the page.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/reservations/")
        assert page.get_by_role("heading", level=1).inner_text() == "Tu es hors connexion"
        assert booking.token not in page.content()
    finally:
        page.context.set_offline(False)


def test_static_assets_are_cached_under_a_versioned_name(page, live_server):
    page.goto(f"{live_server.url}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    names = page.evaluate("caches.keys()")
    static = [name for name in names if name.startswith("pc-static-")]
    assert len(static) == 1
    version = static[0].removeprefix("pc-static-")
    assert f'const CONFIG = {{"version": "{version}"' in page.request.get(f"{live_server.url}/sw.js").text()
    assert page.evaluate(
        f"caches.open('{static[0]}').then(c => c.match('/static/app/brand.css')).then(r => !!r)"
    )


def test_someone_else_logging_in_forgets_the_kept_pages(page, live_server, client, booking):
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    _wait_until_kept_offline(page)
    # The first person's session ended without a logout (expired, cookies cleared): the pages stayed.
    page.context.clear_cookies()
    other = UserFactory(email="other@example.com")
    page.goto(f"{live_server.url}/connexion/")
    assert page.evaluate("caches.has('pc-pages')") is True

    page.get_by_label("Adresse email").fill(other.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)
    page.wait_for_load_state()

    # The new person's own pages may be kept from now on; none of the first person's.
    assert not any(path.startswith("/reservations/") for path in _kept_paths(page))
    assert booking.token not in _kept_bodies(page)


def test_a_session_that_ended_forgets_the_kept_pages(page, live_server, client, booking):
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    _wait_until_kept_offline(page)
    page.context.clear_cookies()

    page.reload()  # the server sends the visitor to the login page

    assert "/connexion/" in page.url
    assert page.evaluate("caches.has('pc-pages')") is False


def test_a_page_on_its_way_when_the_pages_are_forgotten_is_not_kept(page, live_server, client, booking):
    """A booking's page asked for before a forget (the list asks for its tickets at load) and answered
    after it belongs to the session that ended: it must not bring the kept pages back."""
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    _wait_until_kept_offline(page)
    detail = f"/reservations/{booking.pk}/"

    answer = page.evaluate(
        """(url) => new Promise((resolve) => {
            navigator.serviceWorker.addEventListener('message', (event) => {
                if (event.data && event.data.url === url) { resolve(event.data.type); }
            });
            const worker = navigator.serviceWorker.controller;
            worker.postMessage({type: 'keep-page', url: url, refresh: true});
            worker.postMessage({type: 'forget-pages'});
        })""",
        detail,
    )

    assert answer == "page-not-kept"
    assert page.evaluate("caches.has('pc-pages')") is False
