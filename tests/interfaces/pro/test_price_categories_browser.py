"""Price categories in a real browser: the venue's labels page, the offer's prices page, showtimes at two
prices, and the young person's booking page picking a price. axe and screenshots at desktop and phone size."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers import price_categories as pc
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def cinema(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")
    offer = OfferFactory(venue=venue, name="Orbite basse", is_duo=True)
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=9_50)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=6_50)
    pc.create_price_category(offer, label="Tarif pass Culture", price_cents=5_00)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)
    stocks = [
        StockFactory(
            offer=offer, price_category=category, price_cents=category.price_cents, beginning_datetime=start
        )
        for category in (full, reduced)
    ]
    return {
        "venue": venue,
        "offer": offer,
        "stocks": stocks,
        "pro": MembershipFactory(offerer=venue.offerer).user,
    }


@pytest.mark.parametrize("size", SIZES)
def test_the_pro_pages_of_price_categories(page, live_server, cinema, size):
    page.set_viewport_size(SIZES[size])
    log_in(page, Client(), cinema["pro"], live_server.url)
    venue, offer = cinema["venue"], cinema["offer"]

    page.goto(live_server.url + reverse("pro:venue-price-labels", args=[venue.pk]))
    page.get_by_label("Libellé du tarif").fill("Tarif étudiant")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_role("cell", name="Tarif étudiant", exact=True).is_visible()
    assert_accessible(page, "venue-price-labels")
    screenshot(page, f"price-categories-venue-labels-{size}")

    page.goto(live_server.url + reverse("pro:offer-price-categories", args=[offer.pk]))
    assert page.get_by_role("cell", name="Tarif réduit", exact=True).is_visible()
    assert_accessible(page, "offer-price-categories")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SIZES[size]["width"]
    screenshot(page, f"price-categories-offer-{size}")

    page.goto(live_server.url + reverse("pro:offer-showtimes", args=[offer.pk]))
    page.get_by_label("Horaires").fill("14:00, 20:30")
    # DSFR draws the box on the label: a person clicks the label.
    page.locator("label", has_text="Plein tarif : 9,50").click()
    page.locator("label", has_text="Tarif réduit : 6,50").click()
    page.get_by_role("button", name="Voir l'aperçu").click()
    assert "une séance par tarif" in page.locator("#showtimes-preview").inner_text()
    assert_accessible(page, "showtimes-with-prices")
    screenshot(page, f"price-categories-showtimes-preview-{size}")
    page.locator("#showtimes-preview").get_by_role("button").click()
    assert Stock.objects.filter(offer=offer).count() > 2

    page.goto(live_server.url + reverse("pro:offer-detail", args=[offer.pk]))
    assert page.locator("#offer-price-categories").get_by_text("Tarif pass Culture", exact=True).is_visible()
    assert_accessible(page, "offer-detail-with-prices")
    screenshot(page, f"price-categories-offer-detail-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_a_young_person_picks_a_price_and_sees_it_on_the_ticket(page, live_server, cinema, size):
    page.set_viewport_size(SIZES[size])
    young = UserFactory()
    DepositFactory(user=young)
    log_in(page, Client(), young, live_server.url)
    _full, reduced = cinema["stocks"]

    page.goto(live_server.url + reverse("app:book", args=[reduced.pk]))
    group = page.get_by_role("group", name="Quel tarif ?")
    assert group.get_by_label("Tarif réduit").is_checked()
    assert_accessible(page, "book-with-prices")
    screenshot(page, f"price-categories-book-{size}")
    group.get_by_label("Plein tarif").check()
    page.get_by_role("button", name="Confirmer la réservation").click()
    page.wait_for_url("**/reservations/**")
    assert "Plein tarif : 9,50\u00a0€ la place" in page.locator("[data-price-label]").inner_text()
    assert_accessible(page, "booking-with-price-label")
    screenshot(page, f"price-categories-ticket-{size}")
