"""The pro's forms refuse out-of-range dates and numbers with a field error, never a server error
(issue 12: a showtime in year 9999, a preview in year 9999 and 2147483648 seats answered 500)."""

import pytest
from django.test import Client
from django.urls import reverse

from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory
from passculture.core.offers.models import Stock
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
TOO_MANY = "2147483648"  # 2^31: one more than a PostgreSQL integer holds


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def pro_client(pro) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(pro)
    return client


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue)


def errors_of(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors


SHOWTIME = {"date": "2026-03-20", "time": "20:30", "version": "VF", "price": "7,50", "quantity": "50"}
SCHEDULE = {
    "start_date": "2026-03-16",
    "end_date": "2026-03-22",
    "times": "14:00",
    "version": "VF",
    "price": "7,50",
    "quantity": "",
    "booking_limit_hours": "",
    "action": "preview",
}


@pytest.mark.parametrize("date", ["9999-12-31", "2028-03-11", "0001-01-01", "2026-03-09"])
def test_a_showtime_out_of_the_window_is_a_field_error(pro_client, offer, date):
    stock = StockFactory(offer=offer)
    url = reverse("pro:stock-edit", args=[offer.pk, stock.pk])
    assert "date" in errors_of(pro_client.post(url, {**SHOWTIME, "date": date, "time": "23:59"}))
    assert Stock.objects.get(pk=stock.pk).beginning_datetime == stock.beginning_datetime


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-25", "9999-12-31"), ("0001-01-01", "0001-01-07"), ("2028-03-09", "2028-03-12")],
)
def test_a_preview_out_of_the_window_is_a_field_error(pro_client, offer, start, end):
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    errors = errors_of(pro_client.post(url, {**SCHEDULE, "start_date": start, "end_date": end}))
    assert {"start_date", "end_date"} & set(errors)
    assert not Stock.objects.filter(offer=offer).exists()


def test_seats_beyond_the_maximum_are_a_field_error_on_the_showtimes_form(pro_client, offer):
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    assert "quantity" in errors_of(pro_client.post(url, {**SCHEDULE, "quantity": TOO_MANY}))


def test_seats_beyond_the_maximum_are_a_field_error_on_the_stock_forms(pro_client, venue, offer):
    stock = StockFactory(offer=offer)
    url = reverse("pro:stock-edit", args=[offer.pk, stock.pk])
    assert "quantity" in errors_of(pro_client.post(url, {**SHOWTIME, "quantity": TOO_MANY}))
    thing = ThingOfferFactory(venue=venue)
    url = reverse("pro:offer-stock-add", args=[thing.pk])
    assert "quantity" in errors_of(pro_client.post(url, {"price": "10", "quantity": TOO_MANY}))


@pytest.mark.parametrize("price", ["1000,01", "99999999", "1e999999"])
def test_a_price_beyond_the_maximum_is_a_field_error(pro_client, offer, price):
    stock = StockFactory(offer=offer)
    url = reverse("pro:stock-edit", args=[offer.pk, stock.pk])
    assert "price" in errors_of(pro_client.post(url, {**SHOWTIME, "price": price}))


def test_seats_and_price_beyond_the_maximum_are_field_errors_on_the_allocine_settings(pro_client, venue):
    AllocineTheater.objects.create(siret=venue.siret, theater_id="P0645", internal_id="C0645")
    url = reverse("pro:venue-allocine", args=[venue.pk])
    data = {"price": "7,50", "quantity": TOO_MANY, "is_duo": "on", "is_active": "on"}
    assert "quantity" in errors_of(pro_client.post(url, data))
    assert "price" in errors_of(pro_client.post(url, {**data, "quantity": "80", "price": "1e99999"}))
    assert "price" in errors_of(pro_client.post(url, {**data, "quantity": "80", "price": "1000,01"}))
    assert not AllocineVenueSettings.objects.exists()


def test_a_booking_limit_in_year_1_is_a_field_error(pro_client, offer):
    stock = StockFactory(offer=offer)
    url = reverse("pro:stock-edit", args=[offer.pk, stock.pk])
    data = {**SHOWTIME, "booking_limit_date": "0001-01-01", "booking_limit_time": "10:00"}
    assert "booking_limit_date" in errors_of(pro_client.post(url, data))
