"""A venue linked to a provider whose URLs point at a real ReferenceTicketingServer (port 0)."""

from dataclasses import dataclass

import pytest

from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from passculture.core.providers.ticketing.signing import secret_of
from passculture.demo.reference_ticketing import ReferenceTicketingServer

SHOWTIME = "ST-1"


@dataclass
class Cinema:
    server: ReferenceTicketingServer
    provider: Provider
    link: VenueProviderLink
    stock: Stock

    def remote(self, stock_id_at_provider: str = SHOWTIME) -> dict:
        showtimes = self.server.state.snapshot()["showtimes"]
        return next(s for s in showtimes if s["stock_id_at_provider"] == stock_id_at_provider)

    def active_barcodes(self) -> set[str]:
        return {t["barcode"] for t in self.server.state.snapshot()["tickets"] if not t["cancelled"]}


@pytest.fixture
def ticketing_settings(settings):
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = True
    settings.TICKETING_TIMEOUT_SECONDS = 1
    settings.TICKETING_SIGNING_KEY = "test-signing-key"
    return settings


def make_cinema(*, capacity: int = 10, stock_quantity: int = 100, price_cents: int = 800) -> Cinema:
    provider = Provider.objects.create(name="Billetterie de référence (test)", signing_key_version=1)
    server = ReferenceTicketingServer(secret_of(provider)).start()
    server.state.add_showtime(SHOWTIME, rows=2, seats_per_row=10, capacity=capacity)
    Provider.objects.filter(pk=provider.pk).update(
        booking_url=server.booking_url, cancel_url=server.cancel_url, notification_url=server.notification_url
    )
    provider.refresh_from_db()
    venue = VenueFactory()
    link = VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="CINE-1", status=LinkStatus.ACTIVE
    )
    stock = StockFactory(
        offer__venue=venue, quantity=stock_quantity, price_cents=price_cents, id_at_provider=SHOWTIME
    )
    return Cinema(server, provider, link, stock)


@pytest.fixture
def cinema(db, ticketing_settings):
    cinema = make_cinema()
    yield cinema
    cinema.server.stop()
