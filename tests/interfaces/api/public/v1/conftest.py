import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.providers.ticketing import keys
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from passculture.core.users.factories import StaffFactory

OFFERS = "/public/offers/v1"
BOOKINGS = "/public/bookings/v1"
CLIENT_IP = "203.0.113.20"


class ApiClient:
    def __init__(self, key: str | None = None, *, ip: str = CLIENT_IP):
        self._client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="Caisse Exemple 1.0")
        self.key = key

    def _headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}"} if self.key else {}

    def request(self, method: str, path: str, body=None, **query):
        kwargs = self._headers()
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        if query:
            return self._client.get(path, query, **kwargs)
        return getattr(self._client, method.lower())(path, **kwargs)

    def get(self, path: str, **query):
        return self.request("GET", path, **query)

    def post(self, path: str, body):
        return self.request("POST", path, body)

    def patch(self, path: str, body=None):
        return self.request("PATCH", path, body)

    def put(self, path: str, body):
        return self.request("PUT", path, body)

    def delete(self, path: str):
        return self.request("DELETE", path)


def link(venue, provider) -> VenueProviderLink:
    return VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider=f"V{venue.pk}", status=LinkStatus.ACTIVE
    )


def in_days(days: int, hour: int = 20) -> dt.datetime:
    day = timezone.now().date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Billetterie A")


@pytest.fixture
def other_provider(db):
    return Provider.objects.create(name="Billetterie B")


@pytest.fixture
def venue(db, provider):
    venue = VenueFactory(name="Ciné Lumière")
    link(venue, provider)
    return venue


@pytest.fixture
def other_venue(db, other_provider):
    venue = VenueFactory(name="Ciné Autre")
    link(venue, other_provider)
    return venue


@pytest.fixture
def created_key(provider, staff):
    return keys.create_provider_key(provider.pk, actor=staff, label="Caisse")


@pytest.fixture
def api(created_key) -> ApiClient:
    return ApiClient(created_key.clear_key)


@pytest.fixture
def other_api(other_provider, staff) -> ApiClient:
    return ApiClient(keys.create_provider_key(other_provider.pk, actor=staff).clear_key)


@pytest.fixture
def film(db):
    return FilmFactory(title="Le Voyage dans la Lune", allocine_id="1234", visa="5678", synopsis="Un voyage.")


def programme(film_id: str = "allocine_id:1234", stocks: int = 2, days: int = 3) -> dict:
    return {
        "filmId": film_id,
        "priceCategories": [
            {"price": 750, "label": "Plein tarif", "idAtProvider": "PT"},
            {"price": 500, "label": "Tarif réduit", "idAtProvider": "TR"},
        ],
        "stocks": [
            {
                "beginningDatetime": (in_days(days, 10) + dt.timedelta(minutes=15 * i)).isoformat(),
                "priceCategoryIdAtProvider": "PT" if i % 2 == 0 else "TR",
                "quantity": 100,
                "idAtProvider": f"S{i}",
                "features": ["VF"] if i % 2 == 0 else ["VO", "3D"],
            }
            for i in range(stocks)
        ],
    }
