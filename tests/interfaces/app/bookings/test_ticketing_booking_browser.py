"""Booking a showtime sold by the cinema's ticketing system, in a real browser: the reference system issues
a seat and a barcode, the booking page shows them and its QR code encodes the barcode; cancelling frees
the seat there (decision 0029)."""

import io

import pytest
import zxingcpp
from PIL import Image

from passculture.core.bookings.models import Booking
from passculture.core.credit.factories import DepositFactory
from passculture.core.providers.ticketing.models import Ticket
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot
from tests.core.providers.ticketing.conftest import make_cinema

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def cinema(transactional_db, settings):
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = True
    settings.TICKETING_TIMEOUT_SECONDS = 5
    settings.TICKETING_SIGNING_KEY = "browser-signing-key"
    cinema = make_cinema()
    cinema.stock.offer.name = "Orbite basse"
    cinema.stock.offer.save()
    yield cinema
    cinema.server.stop()


def test_the_booking_page_shows_the_seat_and_the_barcode_in_the_qr(page, live_server, client, cinema):
    beneficiary = UserFactory(first_name="Léa")
    DepositFactory(user=beneficiary)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, client, beneficiary, live_server.url)

    page.goto(f"{live_server.url}/reserver/{cinema.stock.pk}/")
    page.get_by_role("button", name="Confirmer la réservation").click()
    booking = Booking.objects.get(user=beneficiary)
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")

    ticket = Ticket.objects.get(booking=booking)
    assert page.locator("[data-seat]").inner_text() == "A1"
    assert page.locator("[data-barcode]").inner_text() == ticket.barcode
    qr = page.locator(".qr svg")
    png = qr.screenshot(caret="initial")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [ticket.barcode]
    screenshot(page, "app-booking-ticketing-seat-barcode")
    assert_accessible(page, "app-booking-ticketing-seat-barcode")
    assert cinema.remote()["remainingQuantity"] == 9

    page.get_by_text("Annuler la réservation").click()
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.wait_for_url(f"{live_server.url}/reservations/?onglet=annulees")
    # The cancellation reached the cinema's system after commit: the seat is free there again.
    assert cinema.active_barcodes() == set()
    assert cinema.remote()["remainingQuantity"] == 10
