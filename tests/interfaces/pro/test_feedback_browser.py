""" "Avis des spectateurs" in the pro portal at 1440x900: the venue page's summary and table, the offer
page's count; axe; another structure's pro gets a 404 page."""

import datetime as dt

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import give_feedback
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DESKTOP = {"width": 1440, "height": 900}


def answers(offer, likes: int, dislikes: int = 0) -> None:
    start = utcnow() - dt.timedelta(days=3)
    for index in range(likes + dislikes):
        booking = BookingFactory(
            user=UserFactory(), stock=StockFactory(offer=offer, beginning_datetime=start)
        )
        booking.mark_as_used(start)
        booking.save()
        give_feedback(booking.user, booking.pk, index < likes)


def test_a_pro_reads_the_answers_of_their_venue_and_of_an_offer(live_server, page, client, transactional_db):
    offerer = OffererFactory(name="Cinémas du Lagon")
    venue = VenueFactory(offerer=offerer, name="Ciné Lagon", city="Saint-Denis")
    pro = MembershipFactory(offerer=offerer).user
    orbite = OfferFactory(venue=venue, name="Orbite basse")
    phare = OfferFactory(venue=venue, name="Le Phare")
    answers(orbite, 11, 3)
    answers(phare, 2, 1)
    page.set_viewport_size(DESKTOP)
    log_in(page, client, pro, live_server.url)

    page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/")
    section = page.locator("#venue-feedback-section")
    assert section.get_by_role("heading", name="Avis des spectateurs").is_visible()
    assert "Pour l'ensemble de vos offres dans ce lieu : 76 % ont aimé (17 avis" in section.inner_text()
    rows = section.locator("tbody tr")
    assert rows.nth(0).inner_text().split("\t") == ["Orbite basse", "14", "79 %"]
    assert rows.nth(1).inner_text().split("\t") == ["Le Phare", "3", "à partir de 10 avis"]
    section.scroll_into_view_if_needed()
    screenshot(page, "pro-feedback-venue")
    assert_accessible(page, "pro-feedback-venue")

    section.get_by_role("link", name="Orbite basse").click()
    page.wait_for_url(f"{live_server.url}/pro/offres/{orbite.pk}/")
    assert (
        "79 % ont aimé (14 avis : 11 « aimé », 3 « pas aimé »)"
        in page.locator("#offer-feedback-section").inner_text()
    )
    screenshot(page, "pro-feedback-offer")
    assert_accessible(page, "pro-feedback-offer")


def test_another_structures_pro_gets_a_404_page(live_server, page, client, transactional_db):
    offer = OfferFactory(name="Orbite basse")
    answers(offer, 10)
    stranger = MembershipFactory(offerer=OffererFactory()).user
    page.set_viewport_size(DESKTOP)
    log_in(page, client, stranger, live_server.url)
    for url in (f"/pro/lieux/{offer.venue_id}/", f"/pro/offres/{offer.pk}/"):
        response = page.goto(live_server.url + url)
        assert response.status == 404
        assert "ont aimé" not in page.content()
