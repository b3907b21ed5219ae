"""Issue 15's journey, end to end: a cinema's ticketing software pushes its week through the public API
(`PUT /public/offers/v1/events/cinema_sessions`, over HTTP with its provider key); a young person books a
"Tarif réduit" seat in the app; the cinema's system (the reference ticketing server, a real HTTP server
checking our signature) issues a barcode and a seat; the app shows them, its QR code encodes the barcode;
cancelling frees the seat in the cinema's system."""

import datetime as dt
import io

import httpx
import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing import keys
from passculture.core.providers.ticketing.models import LinkStatus, Provider, Ticket, VenueProviderLink
from passculture.core.providers.ticketing.signing import secret_of
from passculture.core.users.factories import StaffFactory, UserFactory
from passculture.demo.reference_ticketing import ReferenceTicketingServer
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [
    *BROWSER_MARKS,
    pytest.mark.pages_on_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEATS = 10


def _week(venue_id: int) -> tuple[dict, list[str]]:
    """Seven evenings at 20:30 UTC from three days on, each sold at two prices (one stock each). The
    first is more than 48 hours ahead whatever the hour of the run: this journey cancels its booking, and
    a booking of a show that starts within 48 hours cannot be cancelled (from "the day after tomorrow",
    the journey failed when run after 20:30 UTC)."""
    first = dt.datetime.now(dt.UTC).replace(hour=20, minute=30, second=0, microsecond=0) + dt.timedelta(
        days=3
    )
    stocks = [
        {
            "beginningDatetime": (first + dt.timedelta(days=day)).isoformat(),
            "priceCategoryIdAtProvider": category,
            "quantity": SEATS,
            "idAtProvider": f"D{day}-{category}",
            "features": ["VF"],
        }
        for day in range(7)
        for category in ("PT", "TR")
    ]
    body = {
        "venueId": venue_id,
        "offers": [
            {
                "filmId": "allocine_id:301",
                "priceCategories": [
                    {"price": 950, "label": "Plein tarif", "idAtProvider": "PT"},
                    {"price": 650, "label": "Tarif réduit", "idAtProvider": "TR"},
                ],
                "stocks": stocks,
            }
        ],
    }
    return body, [stock["idAtProvider"] for stock in stocks]


@pytest.fixture
def cinema(transactional_db, settings):
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = True
    settings.TICKETING_TIMEOUT_SECONDS = 5
    settings.TICKETING_SIGNING_KEY = "journey-signing-key"
    provider = Provider.objects.create(name="Caisse Exemple", signing_key_version=1)
    server = ReferenceTicketingServer(secret_of(provider)).start()
    Provider.objects.filter(pk=provider.pk).update(
        booking_url=server.booking_url, cancel_url=server.cancel_url, notification_url=server.notification_url
    )
    venue = VenueFactory(name="Ciné Lumière")
    VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="CINE-LUMIERE", status=LinkStatus.ACTIVE
    )
    FilmFactory(title="Le Voyage dans la Lune", allocine_id="301")
    key = keys.create_provider_key(provider.pk, actor=StaffFactory(), label="Caisse").clear_key
    yield venue, server, key
    server.stop()


def test_a_pushed_week_booked_at_the_reduced_price_gets_a_real_seat_and_barcode(
    page, live_server, client, cinema
):
    venue, server, key = cinema
    body, stock_ids = _week(venue.pk)
    for stock_id in stock_ids:  # the cinema's system knows its own showtimes
        server.state.add_showtime(stock_id, rows=1, seats_per_row=SEATS, capacity=SEATS)

    # The cinema's software pushes its week over HTTP, twice (the second push changes nothing).
    for _ in range(2):
        response = httpx.put(
            f"{live_server.url}/public/offers/v1/events/cinema_sessions",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )
        assert response.status_code == 204, response.text
    pushed = Stock.objects.filter(offer__venue=venue, is_deleted=False)
    assert pushed.count() == 14
    full_price = pushed.get(id_at_provider="D0-PT")

    # A young person opens the first evening and picks the reduced price.
    beneficiary = UserFactory(first_name="Léa")
    DepositFactory(user=beneficiary)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, client, beneficiary, live_server.url)
    page.goto(live_server.url + reverse("app:book", args=[full_price.pk]))
    group = page.get_by_role("group", name="Quel tarif ?")
    group.get_by_label("Tarif réduit").check()
    screenshot(page, "journey-issue-15-price")
    assert_accessible(page, "journey-issue-15-price")
    page.get_by_role("button", name="Confirmer la réservation").click()
    booking = Booking.objects.get(user=beneficiary)
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")

    assert (booking.price_category_label, booking.amount_cents) == ("Tarif réduit", 650)
    assert booking.stock.id_at_provider == "D0-TR"
    ticket = Ticket.objects.get(booking=booking)
    assert ticket.barcode in {t["barcode"] for t in server.state.snapshot()["tickets"]}
    assert page.locator("[data-seat]").inner_text() == ticket.seat
    assert page.locator("[data-barcode]").inner_text() == ticket.barcode
    png = page.locator(".qr svg").screenshot(caret="initial")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [ticket.barcode]
    assert page.get_by_text("Tarif réduit").first.is_visible()
    screenshot(page, "journey-issue-15-ticket")
    assert_accessible(page, "journey-issue-15-ticket")
    remote = next(s for s in server.state.snapshot()["showtimes"] if s["stock_id_at_provider"] == "D0-TR")
    assert remote["remainingQuantity"] == SEATS - 1

    # Cancelling gives the seat back in the cinema's system.
    page.get_by_text("Annuler la réservation").click()
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.wait_for_url(f"{live_server.url}/reservations/?onglet=annulees")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    snapshot = server.state.snapshot()
    assert {t["barcode"] for t in snapshot["tickets"] if not t["cancelled"]} == set()
    remote = next(s for s in snapshot["showtimes"] if s["stock_id_at_provider"] == "D0-TR")
    assert remote["remainingQuantity"] == SEATS
