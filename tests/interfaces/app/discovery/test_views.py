"""The page of a cinema card (/offres/<id>/); the search: test_search_page.py, the home: test_home.py."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def lyon_venue(**kwargs):
    defaults = dict(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
    )
    return VenueFactory(**{**defaults, **kwargs})


def showtime(venue=None, hours=30, **kwargs):
    start = NOW + dt.timedelta(hours=hours)
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue or lyon_venue(), **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def page(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return response.content.decode()


# --- A cinema card's page ------------------------------------------------------------------------------


def film_url(offer, **params) -> str:
    url = reverse("app:offer", args=[offer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_cinema_card_page_offers_its_stock(client):
    stock = ThingStockFactory(offer__venue=lyon_venue(), price_cents=2500)

    html = client.get(film_url(stock.offer)).content.decode()

    assert "25\u00a0€" in html
    assert f'href="/reserver/{stock.pk}/"' in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: OfferFactory(is_active=False),
        lambda: OfferFactory(venue__validation_status=ValidationStatus.PENDING),
        lambda: OfferFactory(
            venue=VenueFactory(offerer=OffererFactory(validation_status=ValidationStatus.NEW))
        ),
    ],
)
def test_an_offer_beneficiaries_may_not_see_is_not_found(client, make):
    assert client.get(film_url(make())).status_code == 404


def test_an_unknown_offer_is_not_found(client):
    assert client.get("/offres/999999/").status_code == 404


def test_the_film_page_never_renders_scripts_nor_unsafe_links(client):
    offer = OfferFactory(
        venue=lyon_venue(),
        description="<script>alert(1)</script><img src=x onerror=alert(2)>Synopsis",
        extra_data={"allocine_url": "javascript:alert(3)", "directors": "<b>X</b>"},
    )

    html = client.get(film_url(offer)).content.decode()

    assert "<script>alert" not in html and "onerror" not in html
    assert "javascript:alert" not in html
    assert "&lt;b&gt;X&lt;/b&gt;" in html
