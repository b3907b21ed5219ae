"""The venue page's "Logiciel de billetterie" section with an active link, in a real browser: provider,
health, and the switch that stops selling (screenshot + axe; decision 0029)."""

from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS


def test_the_pro_sees_the_link_health_and_stops_selling(transactional_db, live_server, page, client):
    membership = MembershipFactory()
    venue = VenueFactory(offerer=membership.offerer, name="Ciné Lumière Bellecour")
    provider = Provider.objects.create(name="Billetterie de référence (démo)")
    link = VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="DEMO-LYON", status=LinkStatus.ACTIVE
    )
    VenueProviderLink.objects.filter(pk=link.pk).update(
        last_call_at=utcnow(), last_error_at=utcnow(), error_count=1, last_error="délai dépassé (5 s)"
    )
    log_in(page, client, membership.user, live_server.url)

    page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/")
    section = page.locator("#venue-ticketing-section")
    assert "Billetterie de référence (démo)" in section.inner_text()
    assert "délai dépassé (5 s)" in section.inner_text()
    section.scroll_into_view_if_needed()
    screenshot(page, "pro-venue-ticketing-health")
    assert_accessible(page, "pro-venue-ticketing-health")

    page.get_by_role("button", name="Suspendre la vente par le logiciel").click()
    page.wait_for_load_state()
    assert "Suspendue" in page.locator("#venue-ticketing-selling").text_content()
    assert not VenueProviderLink.objects.get(pk=link.pk).is_selling
    screenshot(page, "pro-venue-ticketing-stopped")
    assert_accessible(page, "pro-venue-ticketing-stopped")
