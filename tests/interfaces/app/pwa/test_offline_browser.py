"""The installable web app in a real browser: my bookings, with their QR codes, open offline once visited;
the kept pages are forgotten at logout."""

import io

import pytest
import zxingcpp
from PIL import Image

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot

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
    assert page.evaluate("caches.has('pc-pages')") is False

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

    assert page.evaluate("caches.has('pc-pages')") is False


def test_a_session_that_ended_forgets_the_kept_pages(page, live_server, client, booking):
    log_in(page, client, booking.user, live_server.url)
    page.goto(f"{live_server.url}/reservations/")
    _wait_until_kept_offline(page)
    page.context.clear_cookies()

    page.reload()  # the server sends the visitor to the login page

    assert "/connexion/" in page.url
    assert page.evaluate("caches.has('pc-pages')") is False
