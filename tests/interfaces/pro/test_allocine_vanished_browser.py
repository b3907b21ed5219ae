"""Booked showtimes that vanished from Allociné, in a real browser: the dashboard alert, "Garder la
séance" for one, deletion (cancelling its booking) for the other."""

import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot

# serialized_rollback: the closing flush would otherwise erase the credit policies seeded by migration.
pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _booked_vanished_showtime(venue, name: str, days: int) -> AllocineVanishedShowtime:
    start = utcnow().replace(hour=19, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    stock = StockFactory(
        offer__venue=venue, offer__name=name, beginning_datetime=start, provider_ref=f"allocine:{name}"
    )
    beneficiary = UserFactory()
    DepositFactory(user=beneficiary)
    book_offer(beneficiary, stock.pk)
    return AllocineVanishedShowtime.objects.create(venue=venue, stock=stock, detected_at=utcnow())


def test_the_pro_keeps_one_vanished_showtime_and_deletes_the_other(page, live_server, client):
    expect = pytest.importorskip("playwright.sync_api").expect
    venue = VenueFactory(name="Ciné Lumière", timezone="Europe/Paris")
    kept = _booked_vanished_showtime(venue, "Les Voyageurs du Nord", days=3)
    cancelled = _booked_vanished_showtime(venue, "La Longue Nuit", days=4)
    _booked_vanished_showtime(VenueFactory(name="Cinéma Voisin"), "Le Film des Autres", days=3)
    log_in(page, client, MembershipFactory(offerer=venue.offerer).user, live_server.url)

    page.goto(f"{live_server.url}/pro/")
    block = page.locator("#allocine-vanished-showtimes")
    expect(block).to_contain_text("Séances réservées absentes du programme AlloCiné")
    expect(block.get_by_test_id("vanished-showtime")).to_have_count(2)
    expect(block).to_contain_text("Ciné Lumière")
    expect(block).not_to_contain_text("Le Film des Autres")
    expect(block.locator(f"#vanished-showtime-{kept.pk}")).to_contain_text("1 place réservée")
    screenshot(page, "pro-dashboard-allocine-vanished")

    block.locator(f"#vanished-showtime-{kept.pk}").get_by_role("button", name="Garder la séance").click()
    expect(page.get_by_text("Séance gardée : elle reste en vente")).to_be_visible()
    expect(page.get_by_test_id("vanished-showtime")).to_have_count(1)
    kept.refresh_from_db()
    assert kept.acknowledged_at is not None

    page.locator(f"#vanished-showtime-{cancelled.pk}").get_by_role("link", name="Supprimer la séance").click()
    page.get_by_role("button", name="Supprimer et annuler 1 réservation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("La Longue Nuit")
    assert Booking.objects.get(stock=cancelled.stock).status == BookingStatus.CANCELLED

    page.goto(f"{live_server.url}/pro/")
    expect(page.locator("#allocine-vanished-showtimes")).to_have_count(0)
    assert Booking.objects.get(stock=kept.stock).status == BookingStatus.CONFIRMED
