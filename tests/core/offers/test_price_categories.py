import datetime as dt

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers import price_categories as pc
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory
from passculture.core.offers.models import PriceCategory, PriceCategoryLabel, PriceCategoryOrigin, Stock
from passculture.core.offers.scheduling import Schedule
from passculture.core.offers.services import create_showtimes, create_stock, delete_stock, update_stock
from passculture.core.users.factories import ProFactory
from tests.helpers import error_code

from .conftest import NOW

pytestmark = pytest.mark.django_db
START = NOW + dt.timedelta(days=5)


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue)


# --- Labels ---------------------------------------------------------------------------------------


def test_get_or_create_label_strips_and_reuses(venue):
    first = pc.get_or_create_label(venue, "  Tarif   réduit ")
    assert first.label == "Tarif réduit"
    assert pc.get_or_create_label(venue, "Tarif réduit") == first
    assert PriceCategoryLabel.objects.filter(venue=venue).count() == 1


def test_labels_are_per_venue(venue):
    other = VenueFactory()
    assert pc.get_or_create_label(venue, "Plein tarif") != pc.get_or_create_label(other, "Plein tarif")


@pytest.mark.parametrize("label", ["", "   ", "x" * 51, None])
def test_label_must_have_1_to_50_characters(venue, label):
    assert error_code(pc.get_or_create_label, venue, label) == "PRICE_CATEGORY_LABEL_INVALID"
    assert pc.get_or_create_label(venue, "x" * 50).label == "x" * 50


def test_label_refuses_control_characters(venue):
    assert error_code(pc.get_or_create_label, venue, "Plein\x00tarif") == "FORBIDDEN_CHARACTERS"


def test_create_rename_delete_label(venue, pro):
    label = pc.create_label(venue, "Plein tarif", actor=pro)
    assert (
        error_code(pc.create_label, venue, "Plein tarif", actor=pro) == "PRICE_CATEGORY_LABEL_ALREADY_EXISTS"
    )
    pc.create_label(venue, "Tarif réduit", actor=pro)
    assert (
        error_code(pc.rename_label, label, "Tarif réduit", actor=pro) == "PRICE_CATEGORY_LABEL_ALREADY_EXISTS"
    )
    assert pc.rename_label(label, "Tarif normal", actor=pro).label == "Tarif normal"
    label.refresh_from_db()
    assert label.label == "Tarif normal"
    pc.delete_label(label, actor=pro)
    assert not PriceCategoryLabel.objects.filter(pk=label.pk).exists()


def test_label_in_use_cannot_be_deleted(offer, pro):
    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900, actor=pro)
    assert error_code(pc.delete_label, category.label, actor=pro) == "PRICE_CATEGORY_LABEL_IN_USE"
    assert pc.labels_in_use(offer.venue) == {category.label_id}


def test_another_offerers_pro_cannot_touch_labels(venue):
    label = pc.get_or_create_label(venue, "Plein tarif")
    stranger = ProFactory()
    assert error_code(pc.create_label, venue, "Autre", actor=stranger) == "OFFERER_ACCESS_DENIED"
    assert error_code(pc.rename_label, label, "Autre", actor=stranger) == "OFFERER_ACCESS_DENIED"
    assert error_code(pc.delete_label, label, actor=stranger) == "OFFERER_ACCESS_DENIED"


def test_get_label_of_another_venue_is_not_found(venue):
    label = pc.get_or_create_label(VenueFactory(), "Plein tarif")
    assert error_code(pc.get_label, venue, label.pk) == "PRICE_CATEGORY_LABEL_NOT_FOUND"


# --- Categories -----------------------------------------------------------------------------------


def test_create_price_category(offer, pro):
    category = pc.create_price_category(
        offer, label="Tarif réduit", price_cents=650, id_at_provider="R1", actor=pro
    )
    assert (category.label.label, category.price_cents, category.id_at_provider) == (
        "Tarif réduit",
        650,
        "R1",
    )
    assert category.origin == PriceCategoryOrigin.MANUAL
    assert category.label.venue == offer.venue
    assert AuditLog.objects.filter(action="price_category.created").count() == 1


@pytest.mark.parametrize(("price", "code"), [(-1, "INVALID_PRICE"), (1_000_01, "PRICE_TOO_HIGH")])
def test_price_bounds(offer, price, code):
    assert error_code(pc.create_price_category, offer, label="Plein tarif", price_cents=price) == code
    assert pc.create_price_category(offer, label="Plein tarif", price_cents=1_000_00).price_cents == 1_000_00
    assert pc.create_price_category(offer, label="Gratuit", price_cents=0).price_cents == 0


def test_categories_are_for_events_only(venue):
    card = ThingOfferFactory(venue=venue)
    assert (
        error_code(pc.create_price_category, card, label="Plein tarif", price_cents=900)
        == "PRICE_CATEGORIES_FOR_EVENTS_ONLY"
    )


def test_one_category_per_label_and_per_id_at_provider(offer):
    pc.create_price_category(offer, label="Plein tarif", price_cents=900, id_at_provider="P")
    assert (
        error_code(pc.create_price_category, offer, label=" Plein tarif", price_cents=800)
        == "PRICE_CATEGORY_ALREADY_EXISTS"
    )
    assert (
        error_code(pc.create_price_category, offer, label="Réduit", price_cents=700, id_at_provider="P")
        == "ID_AT_PROVIDER_TAKEN"
    )
    # Another offer of the venue may use the same label and id.
    other = OfferFactory(venue=offer.venue)
    pc.create_price_category(other, label="Plein tarif", price_cents=900, id_at_provider="P")
    assert PriceCategory.objects.count() == 2


def test_id_at_provider_at_most_70_characters(offer):
    assert (
        error_code(pc.create_price_category, offer, label="A", price_cents=1, id_at_provider="x" * 71)
        == "ID_AT_PROVIDER_INVALID"
    )


def test_another_offerers_pro_cannot_create(offer):
    assert (
        error_code(pc.create_price_category, offer, label="A", price_cents=1, actor=ProFactory())
        == "OFFERER_ACCESS_DENIED"
    )


def test_selectors(offer):
    dear = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    cheap = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    assert pc.price_categories_of(offer) == [cheap, dear]
    assert pc.get_price_category(offer, dear.pk) == dear
    assert error_code(pc.get_price_category, OfferFactory(), dear.pk) == "PRICE_CATEGORY_NOT_FOUND"
    assert [label.label for label in pc.labels_of_venue(offer.venue)] == ["Plein tarif", "Tarif réduit"]


def test_label_of_stock(offer):
    category = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    assert pc.label_of_stock(StockFactory(offer=offer, price_category=category, price_cents=600)) == (
        "Tarif réduit"
    )
    assert pc.label_of_stock(StockFactory(offer=offer)) == "Tarif unique"


def test_new_price_goes_to_future_stocks_only(offer, pro):
    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    future = create_stock(offer=offer, price_category=category, beginning=START, quantity=10)
    past = StockFactory(
        offer=offer, price_category=category, price_cents=900, beginning_datetime=NOW - dt.timedelta(hours=1)
    )
    deleted = StockFactory(offer=offer, price_category=category, price_cents=900, is_deleted=True)
    legacy = StockFactory(offer=offer, price_cents=900)
    pc.update_price_category(category, price_cents=950, actor=pro)
    assert Stock.objects.get(pk=future.pk).price_cents == 950
    assert Stock.objects.get(pk=past.pk).price_cents == 900
    assert Stock.objects.get(pk=deleted.pk).price_cents == 900
    assert Stock.objects.get(pk=legacy.pk).price_cents == 900
    category.refresh_from_db()
    assert category.price_cents == 950
    log = AuditLog.objects.get(action="price_category.updated")
    assert log.data["repriced_stocks"] == 1


def test_bookings_keep_their_price(offer, beneficiary):
    from passculture.core.bookings.services import book_offer

    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    stock = create_stock(offer=offer, price_category=category, beginning=START, quantity=10)
    booking = book_offer(beneficiary, stock.pk)
    pc.update_price_category(category, price_cents=500)
    booking.refresh_from_db()
    assert booking.amount_cents == 900


def test_update_label_and_id_at_provider(offer):
    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900, id_at_provider="P")
    pc.create_price_category(offer, label="Réduit", price_cents=600, id_at_provider="R")
    assert error_code(pc.update_price_category, category, label="Réduit") == "PRICE_CATEGORY_ALREADY_EXISTS"
    assert error_code(pc.update_price_category, category, id_at_provider="R") == "ID_AT_PROVIDER_TAKEN"
    updated = pc.update_price_category(category, label="Normal", id_at_provider="N")
    assert (updated.label.label, updated.id_at_provider) == ("Normal", "N")
    category.refresh_from_db()
    assert (category.label.label, category.id_at_provider, category.price_cents) == ("Normal", "N", 900)
    assert error_code(pc.update_price_category, category, price_cents=-5) == "INVALID_PRICE"


def test_delete_price_category(offer):
    category = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    stock = create_stock(offer=offer, price_category=category, beginning=START, quantity=10)
    assert error_code(pc.delete_price_category, category) == "PRICE_CATEGORY_IN_USE"
    delete_stock(stock.pk)
    pc.delete_price_category(category)
    assert not PriceCategory.objects.filter(pk=category.pk).exists()
    stock.refresh_from_db()
    assert (stock.price_category_id, stock.price_cents) == (None, 900)


# --- Stocks with a category -----------------------------------------------------------------------


def test_create_stock_copies_the_category_price(offer):
    category = pc.create_price_category(offer, label="Tarif réduit", price_cents=650)
    stock = create_stock(offer=offer, price_category=category, price_cents=1, beginning=START)
    assert (stock.price_category, stock.price_cents) == (category, 650)


def test_create_stock_refuses_another_offers_category(offer):
    category = pc.create_price_category(OfferFactory(venue=offer.venue), label="A", price_cents=650)
    assert (
        error_code(create_stock, offer=offer, price_category=category, beginning=START)
        == "PRICE_CATEGORY_NOT_FOUND"
    )


def test_create_stock_without_category_needs_a_price(offer):
    assert error_code(create_stock, offer=offer, beginning=START) == "INVALID_PRICE"


def test_update_stock_category(offer, pro):
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    stock = create_stock(offer=offer, price_category=full, beginning=START)
    stock = update_stock(stock.pk, price_category=reduced, actor=pro)
    stock.refresh_from_db()
    assert (stock.price_category, stock.price_cents) == (reduced, 600)
    assert "price_category" in stock.edited_fields
    # Same price sent back with other changes keeps the category.
    assert update_stock(stock.pk, price_cents=600, quantity=5).price_category == reduced
    # A price typed for this showtime alone takes it out of its category.
    stock = update_stock(stock.pk, price_cents=800)
    assert (stock.price_category_id, stock.price_cents) == (None, 800)


def test_update_legacy_stock_price_still_works(offer):
    stock = create_stock(offer=offer, price_cents=800, beginning=START)
    assert update_stock(stock.pk, price_cents=700).price_cents == 700


def test_create_showtimes_with_categories_makes_one_stock_per_start_and_category(offer):
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    day = START.date()
    schedule = Schedule(start_date=day, end_date=day, times=(dt.time(14), dt.time(20)), quantity=50)
    stocks, plan = create_showtimes(offer, schedule, price_categories=[full, reduced])
    assert plan.count == 2 and plan.stock_count == 4
    assert sorted((s.price_category_id, s.price_cents, s.quantity) for s in stocks) == sorted(
        [(full.pk, 900, 50), (reduced.pk, 600, 50)] * 2
    )
    # Again with a third category: only the missing category is created at each start.
    other = pc.create_price_category(offer, label="Tarif pass Culture", price_cents=500)
    stocks, plan = create_showtimes(offer, schedule, price_categories=[full, reduced, other])
    assert plan.stock_count == 2 and {s.price_category_id for s in stocks} == {other.pk}
    assert error_code(create_showtimes, offer, schedule, price_categories=[full]) == "NO_SHOWTIME_TO_CREATE"


def test_create_showtimes_without_categories_unchanged(offer):
    day = START.date()
    schedule = Schedule(start_date=day, end_date=day, times=(dt.time(14),), price_cents=800)
    stocks, _plan = create_showtimes(offer, schedule)
    assert [(s.price_category_id, s.price_cents) for s in stocks] == [(None, 800)]


def test_price_choices_are_the_open_stocks_at_the_same_start_cheapest_first(offer):
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    dear = create_stock(offer=offer, price_category=full, beginning=START, quantity=10)
    cheap = create_stock(offer=offer, price_category=reduced, beginning=START, quantity=None)
    create_stock(offer=offer, price_category=reduced, beginning=START + dt.timedelta(hours=2))
    create_stock(offer=offer, price_category=reduced, beginning=START, version="VO")
    gone = create_stock(offer=offer, price_cents=100, beginning=START)
    delete_stock(gone.pk)
    choices = pc.price_choices(dear, NOW)
    assert [(c.stock_id, c.label, c.price_cents, c.remaining) for c in choices] == [
        (cheap.pk, "Tarif réduit", 600, None),
        (dear.pk, "Plein tarif", 900, 10),
    ]
    # The stock asked for is always there (the page says why it cannot be booked).
    assert [c.stock_id for c in pc.price_choices(Stock.objects.get(pk=gone.pk), NOW)] == [
        gone.pk,
        cheap.pk,
        dear.pk,
    ]


def test_the_film_calendar_gives_each_stock_its_price_label(offer):
    from passculture.core.offers import search

    category = pc.create_price_category(offer, label="Tarif réduit", price_cents=600)
    create_stock(offer=offer, price_category=category, beginning=START)
    create_stock(offer=offer, price_cents=900, beginning=START)
    day = START.date()
    calendar = search.film_calendar(search.film_ref_of_offer(offer), at=NOW, first=day, last=day)
    (cinema,) = calendar.days[0].cinemas
    assert sorted((s.price_label, s.price_cents) for s in cinema.showtimes) == [
        ("Tarif réduit", 600),
        ("Tarif unique", 900),
    ]
