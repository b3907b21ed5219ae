"""Venues in a real browser: create a venue by typing an address (the address API replayed by a local
server), see its coordinates and its timezone, correct its position; screenshots of each page."""

import pytest

from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import Venue
from tests.browser import BROWSER_MARKS, log_in, screenshot
from tests.core.geo import ban_payloads

pytestmark = BROWSER_MARKS
SIREN = "732829320"
SIRET = "73282932000074"


@pytest.fixture
def ban_replay(httpserver, settings):
    """The national address API, replayed: the Réunion address only, for its own postal code."""
    settings.ADRESSE_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request(
        "/search/", query_string={"q": "2 rue de Paris 97400 Saint-Denis", "limit": "5", "postcode": "97400"}
    ).respond_with_json(ban_payloads.REUNION_RUE_DE_PARIS)
    return httpserver


@pytest.fixture
def pro_page(transactional_db, live_server, page, client):
    offerer = OffererFactory(siren=SIREN, name="Cinémas du Lagon")
    pro = MembershipFactory(offerer=offerer).user
    log_in(page, client, pro, live_server.url)
    return page


def test_a_pro_creates_a_venue_from_its_address_then_corrects_its_position(live_server, pro_page, ban_replay):
    page = pro_page
    page.goto(f"{live_server.url}/pro/lieux/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lieux"
    page.get_by_role("link", name="Ajouter un lieu").click()

    page.get_by_role("textbox", name="Nom du lieu", exact=True).fill("Ciné Lagon")
    page.locator("#id_siret").fill(SIRET)
    page.locator("#id_address").fill("2 rue de Paris")
    page.get_by_role("textbox", name="Code postal", exact=True).fill("97400")
    page.get_by_role("textbox", name="Ville", exact=True).fill("Saint-Denis")
    page.locator("#id_booking_email").fill("resa@cinelagon.example.com")
    page.get_by_text("Handicap moteur").click()
    screenshot(page, "pro-venues-form")
    page.get_by_role("button", name="Créer le lieu").click()

    page.wait_for_url(f"{live_server.url}/pro/lieux/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ciné Lagon"
    assert page.locator("#venue-timezone").inner_text() == "Indian/Reunion"
    assert page.locator("#venue-latitude").inner_text() == "-20,87916"
    assert page.locator("#venue-longitude").inner_text() == "55,45086"
    assert "Base Adresse Nationale" in page.locator("#venue-coordinates-source").text_content().strip()
    assert "Coordonnées bancaires" in page.content()
    screenshot(page, "pro-venues-detail")

    page.get_by_role("link", name="Modifier le lieu").click()
    page.get_by_text("Corriger la position").click()
    page.locator("#id_latitude").fill("-20,8801")
    page.locator("#id_longitude").fill("55,4487")
    screenshot(page, "pro-venues-edit")
    page.get_by_role("button", name="Enregistrer les modifications").click()

    page.wait_for_url(f"{live_server.url}/pro/lieux/*/")
    assert page.locator("#venue-latitude").inner_text() == "-20,88010"
    assert page.locator("#venue-coordinates-source").text_content().strip() == "Saisie manuelle"
    venue = Venue.objects.get(name="Ciné Lagon")
    assert venue.motor_disability_accessible

    page.goto(f"{live_server.url}/pro/lieux/")
    row = page.locator("#venues-table tbody tr").filter(has_text="Ciné Lagon")
    assert "Indian/Reunion" in row.inner_text()
    screenshot(page, "pro-venues-list")
