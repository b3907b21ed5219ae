"""`serve` starts the demo cinema's ticketing system and points the demo provider at it (decision 0029)."""

import pytest

from passculture.core.bookings.services import book_offer
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing.models import Provider, Ticket
from passculture.demo import data
from passculture.demo.ticketing import create_ticketing_provider, start_reference_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_settings(settings):
    settings.DEMO_TICKETING_SERVER = True
    settings.DEMO_TICKETING_PORT = 0
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = True
    return settings


def test_booking_in_the_demo_cinema_issues_a_real_seat(demo_settings, beneficiary):
    venue = VenueFactory()
    create_ticketing_provider(venue)
    stock = StockFactory(offer__venue=venue)

    server = start_reference_server()
    try:
        assert server is not None
        provider = Provider.objects.get(name=data.TICKETING_PROVIDER["name"])
        assert provider.booking_url == server.booking_url and provider.booking_url.startswith(
            "http://127.0.0.1:"
        )
        assert Stock.objects.get(pk=stock.pk).id_at_provider == f"DEMO-ST-{stock.pk}"

        booking = book_offer(beneficiary, stock.pk)

        ticket = Ticket.objects.get(booking=booking)
        assert ticket.seat == "A1" and len(ticket.barcode) == 13
    finally:
        if server is not None:
            server.stop()


def test_nothing_starts_when_disabled_or_without_the_demo(demo_settings):
    assert start_reference_server() is None  # no demo loaded
    demo_settings.DEMO_TICKETING_SERVER = False
    create_ticketing_provider(VenueFactory())
    assert start_reference_server() is None
