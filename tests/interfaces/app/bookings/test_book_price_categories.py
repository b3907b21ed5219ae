"""A showtime sold at several prices (one stock per category): the person picks the price when booking."""

import html

import pytest
from django.urls import reverse

from passculture.core.bookings.models import Booking
from passculture.core.offers import price_categories
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
START = utc(2026, 3, 20, 19, 30)


def _page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def prices():
    """(reduced, full): the same showtime at 6,50 € and 9,80 €."""
    offer = OfferFactory(name="Orbite basse", is_duo=True)
    reduced = price_categories.create_price_category(offer, label="Tarif réduit", price_cents=6_50)
    full = price_categories.create_price_category(offer, label="Plein tarif", price_cents=9_80)
    return (
        StockFactory(offer=offer, price_category=reduced, price_cents=6_50, beginning_datetime=START),
        StockFactory(offer=offer, price_category=full, price_cents=9_80, beginning_datetime=START),
    )


def test_the_page_offers_each_price_as_a_radio_the_one_asked_checked(logged_in, prices):
    reduced, full = prices
    page = _page(logged_in.get(reverse("app:book", args=[reduced.pk])))
    assert "Quel tarif ?" in page
    assert f'name="tarif" value="{reduced.pk}" id="tarif-{reduced.pk}" checked' in page
    assert f'name="tarif" value="{full.pk}" id="tarif-{full.pk}">' in page
    assert page.index("Tarif réduit") < page.index("Plein tarif")  # cheapest first
    assert "6,50\u00a0€" in page and "9,80\u00a0€" in page


def test_booking_the_price_picked_keeps_its_label_and_price(logged_in, beneficiary, prices):
    reduced, full = prices
    response = logged_in.post(
        reverse("app:book", args=[reduced.pk]), {"quantity": "1", "tarif": str(full.pk)}, follow=True
    )
    booking = Booking.objects.get(user=beneficiary)
    assert (booking.stock_id, booking.amount_cents, booking.price_category_label) == (
        full.pk,
        9_80,
        "Plein tarif",
    )
    page = _page(response)
    assert "Plein tarif : 9,80\u00a0€ la place" in page


def test_a_price_of_another_showtime_is_a_form_error(logged_in, beneficiary, prices):
    reduced, _full = prices
    other = StockFactory(price_cents=1_00)
    response = logged_in.post(
        reverse("app:book", args=[reduced.pk]), {"quantity": "1", "tarif": str(other.pk)}
    )
    assert response.status_code == 400
    assert "Choisis un des tarifs proposés" in _page(response)
    assert not Booking.objects.filter(user=beneficiary).exists()


def test_a_sold_out_price_is_disabled_and_the_next_one_offered(logged_in, prices):
    reduced, full = prices
    reduced.quantity, reduced.booked_quantity = 1, 1
    reduced.save()
    page = _page(logged_in.get(reverse("app:book", args=[reduced.pk])))
    assert f'id="tarif-{reduced.pk}" disabled' in page
    assert f'id="tarif-{full.pk}" checked' in page
    assert "Complet" in page


def test_a_showtime_at_one_price_has_no_price_choice(logged_in):
    page = _page(logged_in.get(reverse("app:book", args=[StockFactory(price_cents=7_50).pk])))
    assert "Quel tarif ?" not in page
