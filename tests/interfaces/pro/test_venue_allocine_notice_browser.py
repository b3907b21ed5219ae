"""The venue page's Allociné notice in a real browser (screenshot)."""

import pytest

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.models import AllocineTheater
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


def test_a_listed_cinema_reads_its_allocine_notice_on_its_venue_page(live_server, pro_page):
    venue = VenueFactory(offerer=pro_page.offerer, name="Le Voltaire", siret=SIRET)
    AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    pro_page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/")
    notice = pro_page.locator("#venue-allocine-eligible")
    assert "identifiant P0645" in notice.inner_text()
    screenshot(pro_page, "pro-venues-allocine-notice")
