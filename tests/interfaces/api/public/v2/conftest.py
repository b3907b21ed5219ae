import base64
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    validate_countermark,
)
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers import api_keys
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import TEST_PASSWORD, UserFactory

BASE = "/api/v2"
H = dt.timedelta(hours=1)
CLIENT_IP = "203.0.113.9"
USER_AGENT = "Billetterie Exemple 4.2"


class ApiClient:
    """A client of /api/v2 with an `Authorization` header: a key (Bearer) or a pro's credentials (Basic)."""

    def __init__(self, *, key: str | None = None, basic: tuple[str, str] | None = None, ip: str = CLIENT_IP):
        self._client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=USER_AGENT)
        self.key = key
        self.basic = basic

    def _headers(self) -> dict:
        if self.key is not None:
            return {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}
        if self.basic is not None:
            encoded = base64.b64encode(":".join(self.basic).encode()).decode()
            return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}
        return {}

    def get(self, token: str):
        return self._client.get(f"{BASE}/bookings/token/{token}", **self._headers())

    def patch(self, action: str, token: str):
        return self._client.patch(f"{BASE}/bookings/{action}/token/{token}", **self._headers())

    def call(self, action: str, token: str):
        return self.get(token) if action == "check" else self.patch(action, token)


def set_token(booking: Booking, token: str) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(token=token)
    booking.refresh_from_db()
    return booking


def build_scenario(venue, pro) -> dict[str, Booking]:
    """The situations of the docs page (examples.SITUATIONS), with their countermarks."""
    now = timezone.now()
    camille = UserFactory(
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.com",
        phone_number="+33612345678",
        birth_date=dt.date(2007, 5, 14),
    )
    DepositFactory(user=camille)
    others = []
    for _ in range(5):
        user = UserFactory()
        DepositFactory(user=user)
        others.append(user)

    def last_minute(user, **offer):
        stock = StockFactory(offer__venue=venue, beginning_datetime=now + 2 * H, price_cents=750, **offer)
        return book_offer(user, stock.pk)

    counter = CounterActor.for_user(pro)
    bookings = {
        "XK4F2M": last_minute(camille, offer__name="Le Voyage dans la Lune"),
        "CARTE5": book_offer(
            camille,
            ThingStockFactory(offer__venue=venue, offer__name="Carte cinéma 5 places", price_cents=2500).pk,
        ),
        "DEJA44": last_minute(others[0]),
        "ANNUL3": book_offer(
            others[1], StockFactory(offer__venue=venue, beginning_datetime=now + 120 * H).pk
        ),
        "REMB55": last_minute(others[2]),
        "ATTEND": book_offer(
            others[3], StockFactory(offer__venue=venue, beginning_datetime=now + 120 * H).pk
        ),
        "AUTRE2": book_offer(others[4], StockFactory(beginning_datetime=now + 2 * H).pk),
    }
    bookings = {token: set_token(booking, token) for token, booking in bookings.items()}
    validate_countermark(counter, "DEJA44")
    validate_countermark(counter, "REMB55")
    Booking.objects.filter(token="REMB55").update(status=BookingStatus.REIMBURSED, reimbursed_at=now)
    cancel_booking_by_beneficiary(others[1], bookings["ANNUL3"].pk)
    return {token: Booking.objects.get(pk=booking.pk) for token, booking in bookings.items()}


@pytest.fixture
def created_key(pro, venue):
    return api_keys.create_api_key(venue.offerer_id, actor=pro, label="Caisse 1")


@pytest.fixture
def key(created_key) -> str:
    return created_key.clear_key


@pytest.fixture
def api(key) -> ApiClient:
    return ApiClient(key=key)


@pytest.fixture
def as_pro(pro) -> ApiClient:
    return ApiClient(basic=(pro.email, TEST_PASSWORD))


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def scenario(venue, pro) -> dict[str, Booking]:
    return build_scenario(venue, pro)


@pytest.fixture
def other_venue(db):
    return VenueFactory()
