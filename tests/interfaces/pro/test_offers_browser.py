"""Offers by hand in a real browser: an offer edited with an image, a week of showtimes (preview, then
creation), one showtime edited, one with a booking deleted after the confirmation step."""

import datetime as dt
import re

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot
from tests.image_files import image_bytes

# serialized_rollback: the closing flush would otherwise erase the credit policies seeded by migration.
pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def venue(transactional_db):
    return VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")


@pytest.fixture
def pro_page(page, live_server, venue, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    pro = MembershipFactory(offerer=venue.offerer).user
    log_in(page, client, pro, live_server.url)
    return page


def test_pro_publishes_a_film_with_a_week_of_showtimes_then_edits_and_deletes_one(
    pro_page, live_server, venue, tmp_path
):
    page = pro_page
    poster = tmp_path / "affiche.jpg"
    poster.write_bytes(image_bytes(size=(1200, 1800), gps=True))

    # A film offer is created in steps (test_offer_steps_browser); its edit form stays one page.
    offer = OfferFactory(venue=venue, name="Orbite basse", languages=[])
    page.goto(f"{live_server.url}/pro/offres/{offer.pk}/modifier/")
    page.get_by_label("Description courte").fill("<p>Un <b>grand</b> film.</p><script>alert(1)</script>")
    page.get_by_label("Durée (minutes)").fill("104")
    page.get_by_label("Français").check(force=True)
    languages = page.locator("#checkboxes-id_languages").bounding_box()
    duo = page.locator("#radio-id_is_duo").bounding_box()
    assert languages["y"] + languages["height"] <= duo["y"]  # the boxes never run into « Offre duo »
    page.get_by_label("Non", exact=True).check(force=True)
    page.get_by_label("Image (affiche)").set_input_files(str(poster))
    page.get_by_role("img", name="Aperçu de l'image choisie").wait_for()
    screenshot(page, "pro-offers-form")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(f"{live_server.url}/pro/offres/{offer.pk}/")
    offer.refresh_from_db()
    assert offer.image and offer.description == "<p>Un <b>grand</b> film.</p>"
    page.get_by_role("link", name="Ajouter des séances").click()
    tomorrow = to_local(utcnow(), venue.timezone).date() + dt.timedelta(days=1)
    page.locator("#id_start_date").fill(tomorrow.isoformat())
    page.locator("#id_end_date").fill((tomorrow + dt.timedelta(days=6)).isoformat())
    page.locator("#id_times").fill("14:00, 20:30")
    page.locator("#id_price").fill("7,50")
    page.locator("#id_quantity").fill("100")
    page.get_by_role("button", name="Voir l'aperçu").click()
    preview = page.locator("#showtimes-preview")
    assert "Aperçu : 14 séances à créer" in preview.inner_text()
    assert Stock.objects.filter(offer=offer).count() == 0
    screenshot(page, "pro-offers-showtimes-preview")
    page.get_by_role("button", name="Créer 14 séances").click()

    page.wait_for_url(f"{live_server.url}/pro/offres/{offer.pk}/")
    assert "14 séances créées." in page.locator(".fr-alert").first.inner_text()
    rows = page.locator("#stocks-table tbody tr")
    assert rows.count() == 14
    assert "à 14h00" in rows.nth(0).inner_text() and "à 20h30" in rows.nth(1).inner_text()
    screenshot(page, "pro-offers-detail")

    rows.nth(0).get_by_role("link", name="Modifier").click()
    page.locator("#id_price").fill("9")
    screenshot(page, "pro-offers-stock-edit")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{live_server.url}/pro/offres/{offer.pk}/")
    assert "9\u00a0€" in page.locator("#stocks-table tbody tr").nth(0).inner_text()

    second = Stock.objects.filter(offer=offer).order_by("beginning_datetime")[1]
    beneficiary = UserFactory()
    DepositFactory(user=beneficiary)
    booking = book_offer(beneficiary, second.pk)
    page.reload()
    page.locator("#stocks-table tbody tr").nth(1).get_by_role("link", name=re.compile("Supprimer")).click()
    assert "1 réservation sera annulée" in page.locator("#delete-warning").inner_text()
    screenshot(page, "pro-offers-stock-delete")
    page.get_by_role("button", name="Supprimer et annuler 1 réservation").click()
    page.wait_for_url(f"{live_server.url}/pro/offres/{offer.pk}/")
    assert "1 réservation annulée" in page.locator(".fr-alert").first.inner_text()
    assert page.locator("#stocks-table tbody tr").count() == 13
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED

    page.goto(f"{live_server.url}/pro/offres/")
    assert "Orbite basse" in page.locator("#offers-table").inner_text()
    screenshot(page, "pro-offers-list")
