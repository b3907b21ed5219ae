"""Price categories in the pro portal: a venue's labels, an offer's prices, showtimes at several prices,
and the price step of the offer steps. Another offerer's venue, offer, label or price is a 404."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers import price_categories as pc
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import PriceCategory, PriceCategoryLabel, Stock
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def pro_client(client, venue):
    user = MembershipFactory(offerer=venue.offerer).user
    client.force_login(user)
    return client


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue, name="Orbite basse")


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&nbsp;", "\u00a0")


def test_the_venue_page_links_to_its_labels(pro_client, venue):
    html = _text(pro_client.get(reverse("pro:venue", args=[venue.pk])))
    assert reverse("pro:venue-price-labels", args=[venue.pk]) in html


def test_a_pro_adds_renames_and_deletes_a_label(pro_client, venue):
    url = reverse("pro:venue-price-labels", args=[venue.pk])
    response = pro_client.post(url, {"label": "  Tarif   réduit "})
    assert response.status_code == 302
    label = PriceCategoryLabel.objects.get(venue=venue)
    assert label.label == "Tarif réduit"
    assert pro_client.post(url, {"label": "Tarif réduit"}).status_code == 400
    rename = reverse("pro:venue-price-label-rename", args=[venue.pk, label.pk])
    assert "Renommer « Tarif réduit »" in _text(pro_client.get(rename))
    assert pro_client.post(rename, {"label": "Réduit"}).status_code == 302
    label.refresh_from_db()
    assert label.label == "Réduit"
    pro_client.post(reverse("pro:venue-price-label-delete", args=[venue.pk, label.pk]))
    assert not PriceCategoryLabel.objects.filter(pk=label.pk).exists()


def test_a_label_in_use_is_not_deleted(pro_client, offer):
    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    response = pro_client.post(
        reverse("pro:venue-price-label-delete", args=[offer.venue_id, category.label_id]), follow=True
    )
    assert "ne peut pas être supprimé" in _text(response)
    assert PriceCategoryLabel.objects.filter(pk=category.label_id).exists()


def test_a_too_long_label_is_a_form_error(pro_client, venue):
    response = pro_client.post(reverse("pro:venue-price-labels", args=[venue.pk]), {"label": "x" * 51})
    assert response.status_code == 400
    assert not PriceCategoryLabel.objects.exists()


def test_an_offer_gets_prices_and_a_new_price_moves_its_future_showtimes(pro_client, offer):
    url = reverse("pro:offer-price-categories", args=[offer.pk])
    assert pro_client.post(url, {"label": "Plein tarif", "price": "9,50"}).status_code == 302
    category = PriceCategory.objects.get(offer=offer)
    stock = StockFactory(offer=offer, price_category=category, price_cents=950)
    edit = reverse("pro:offer-price-category-edit", args=[offer.pk, category.pk])
    assert pro_client.post(edit, {"label": "Plein tarif", "price": "10"}).status_code == 302
    stock.refresh_from_db()
    assert stock.price_cents == 10_00
    detail = _text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))
    assert "Plein tarif" in detail and "Gérer les tarifs" in detail
    # Used by a showtime: not deleted.
    response = pro_client.post(
        reverse("pro:offer-price-category-delete", args=[offer.pk, category.pk]), follow=True
    )
    assert "Des séances utilisent ce tarif" in _text(response)


def test_showtimes_at_two_prices_make_two_showtimes_per_start(pro_client, offer):
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=650)
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    data = {
        "start_date": "2026-03-12",
        "end_date": "2026-03-12",
        "times": "14:00, 20:30",
        "version": "VF",
        "price_categories": [str(full.pk), str(reduced.pk)],
        "quantity": "40",
        "action": "preview",
    }
    preview = pro_client.post(url, data)
    html = _text(preview)
    assert "4 séances à créer (2 horaires, une séance par tarif)" in html
    fingerprint = preview.context["fingerprint"]
    response = pro_client.post(url, {**data, "action": "create", "previewed": fingerprint})
    assert response.status_code == 302
    stocks = Stock.objects.filter(offer=offer)
    assert sorted(stocks.values_list("price_category_id", "price_cents", "quantity")) == sorted(
        [(full.pk, 900, 40), (reduced.pk, 650, 40)] * 2
    )
    detail = _text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))
    assert detail.count("Tarif réduit") >= 2


def test_showtimes_without_price_nor_category_is_a_form_error(pro_client, offer):
    pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    response = pro_client.post(
        reverse("pro:offer-showtimes", args=[offer.pk]),
        {
            "start_date": "2026-03-12",
            "end_date": "2026-03-12",
            "times": "14:00",
            "version": "VF",
            "action": "preview",
        },
    )
    assert "Indiquez un prix, ou cochez au moins un tarif." in _text(response)


def test_a_showtime_changes_category(pro_client, offer):
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=650)
    stock = StockFactory(
        offer=offer, price_category=full, price_cents=900, beginning_datetime=NOW + dt.timedelta(days=2)
    )
    start = stock.beginning_datetime.astimezone(dt.timezone(dt.timedelta(hours=1)))
    response = pro_client.post(
        reverse("pro:stock-edit", args=[offer.pk, stock.pk]),
        {
            "date": start.date().isoformat(),
            "time": start.strftime("%H:%M"),
            "version": "VF",
            "price_category": str(reduced.pk),
            "price": "",
            "quantity": "100",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stock.refresh_from_db()
    assert (stock.price_category_id, stock.price_cents) == (reduced.pk, 650)


def test_the_price_step_takes_several_prices(pro_client, venue):
    draft = OfferFactory(venue=venue, name="Brouillon", is_draft=True, is_active=False)
    StockFactory(offer=draft, price_cents=0, beginning_datetime=NOW + dt.timedelta(days=2))
    url = reverse("pro:offer-step-price", args=[draft.pk])
    assert "Autres tarifs (facultatif)" in _text(pro_client.get(url))
    response = pro_client.post(
        url,
        {
            "label": "Plein tarif", "price": "9", "label_2": "Tarif réduit", "price_2": "6,50",
            "label_3": "", "price_3": "", "quantity": "50", "is_duo": "0", "action": "next",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert sorted(Stock.objects.filter(offer=draft).values_list("price_cents", flat=True)) == [650, 900]
    summary = _text(pro_client.get(reverse("pro:offer-step-summary", args=[draft.pk])))
    assert "Plein tarif 9\u00a0€, Tarif réduit 6,50\u00a0€" in summary


def test_a_second_price_without_label_is_a_form_error(pro_client, venue):
    draft = OfferFactory(venue=venue, name="Brouillon", is_draft=True, is_active=False)
    response = pro_client.post(
        reverse("pro:offer-step-price", args=[draft.pk]),
        {"label": "Plein tarif", "price": "9", "price_2": "6,50", "quantity": "", "is_duo": "0"},
    )
    assert response.status_code == 200
    assert "Indiquez le libellé de ce tarif." in _text(response)


def test_another_offerers_venue_offer_label_and_price_are_404(pro_client):
    other_offer = OfferFactory(venue=VenueFactory())
    category = pc.create_price_category(other_offer, label="Plein tarif", price_cents=900)
    venue_id = other_offer.venue_id
    for method, url in (
        ("get", reverse("pro:venue-price-labels", args=[venue_id])),
        ("post", reverse("pro:venue-price-labels", args=[venue_id])),
        ("get", reverse("pro:venue-price-label-rename", args=[venue_id, category.label_id])),
        ("post", reverse("pro:venue-price-label-delete", args=[venue_id, category.label_id])),
        ("get", reverse("pro:offer-price-categories", args=[other_offer.pk])),
        ("get", reverse("pro:offer-price-category-edit", args=[other_offer.pk, category.pk])),
        ("post", reverse("pro:offer-price-category-delete", args=[other_offer.pk, category.pk])),
    ):
        assert getattr(pro_client, method)(url, {"label": "x", "price": "1"}).status_code == 404, url
    assert PriceCategory.objects.filter(pk=category.pk).exists()


def test_a_label_or_price_of_another_venue_through_my_own_venue_is_404(pro_client, venue, offer):
    other = pc.create_price_category(OfferFactory(venue=VenueFactory()), label="Plein tarif", price_cents=900)
    assert (
        pro_client.get(reverse("pro:venue-price-label-rename", args=[venue.pk, other.label_id])).status_code
        == 404
    )
    assert (
        pro_client.get(reverse("pro:offer-price-category-edit", args=[offer.pk, other.pk])).status_code == 404
    )
