"""The pro sets up the Allociné import in a real browser (screenshot)."""

import pytest

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from tests.browser import BROWSER_MARKS, log_in, screenshot

pytestmark = BROWSER_MARKS
SIRET = "73282932000074"


@pytest.fixture
def pro_page(transactional_db, live_server, page, client):
    offerer = OffererFactory(siren="732829320", name="Cinémas Voltaire")
    pro = MembershipFactory(offerer=offerer).user
    log_in(page, client, pro, live_server.url)
    page.offerer = offerer
    return page


def test_a_pro_saves_the_settings_and_sees_the_import_pending(live_server, pro_page):
    venue = VenueFactory(offerer=pro_page.offerer, name="Le Voltaire", siret=SIRET)
    AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    pro_page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/")
    pro_page.click("#venue-allocine-settings-link")
    pro_page.fill("#id_price", "6,50")
    pro_page.fill("#id_quantity", "90")
    pro_page.click("label[for=id_is_duo]")
    pro_page.click("#allocine-settings-form button[type=submit]")
    assert "Importation programmée" in pro_page.locator(".fr-alert--success, .fr-notice").first.inner_text()
    assert pro_page.locator("#allocine-state").text_content() == "importation en attente"
    assert (AllocineVenueSettings.objects.get().price_cents, AllocineVenueSettings.objects.get().is_duo) == (
        650,
        True,
    )
    screenshot(pro_page, "pro-venues-allocine-settings")
