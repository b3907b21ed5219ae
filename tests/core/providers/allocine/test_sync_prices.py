"""Allociné's one price is one category per imported offer, and a pro's categories are never overwritten
(decision 0027; the real service's sync overwrote them)."""

import pytest

from passculture.core.bookings import services as bookings
from passculture.core.offers import price_categories as pc
from passculture.core.offers.models import Offer, PriceCategory, PriceCategoryOrigin, Stock
from passculture.core.offers.services import update_stock
from tests.core.providers.allocine.test_sync import (
    NORMAL,
    NOW,
    VOYAGEURS,
    Allocine,
    _connect,
    _feed_without,
    _live_stocks,
    _sync,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


@pytest.fixture
def connected(venue, allocine):
    allocine.serve("P0001", NORMAL)
    return _connect(venue)


VOYAGEURS_ID = VOYAGEURS.removeprefix("allocine:")


def _import_category(offer: Offer) -> PriceCategory:
    return PriceCategory.objects.select_related("label").get(offer=offer, origin=PriceCategoryOrigin.ALLOCINE)


def test_each_imported_offer_has_one_allocine_category_used_by_its_showtimes(connected, allocine):
    _sync(connected, allocine)
    for offer in Offer.objects.filter(venue=connected.venue):
        category = _import_category(offer)
        assert (category.label.label, category.price_cents) == ("Tarif unique", 700)
        assert {(s.price_category_id, s.price_cents) for s in _live_stocks(offer)} <= {(category.pk, 700)}
    assert Stock.objects.filter(offer__venue=connected.venue, price_category__isnull=True).count() == 0
    # One label for the whole venue.
    assert [label.label for label in pc.labels_of_venue(connected.venue)] == ["Tarif unique"]


def test_a_new_settings_price_moves_the_category_and_its_showtimes(connected, allocine):
    _sync(connected, allocine)
    connected.price_cents = 850
    connected.save()
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    assert _import_category(offer).price_cents == 850
    assert {s.price_cents for s in _live_stocks(offer)} == {850}


def test_a_category_made_by_hand_is_never_overwritten_by_a_sync(connected, allocine, beneficiary):
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    reduced = pc.create_price_category(offer, label="Tarif réduit", price_cents=500)
    full = pc.create_price_category(offer, label="Plein tarif", price_cents=1100)
    moved, kept_full, *others = _live_stocks(offer)
    update_stock(moved.pk, price_category=reduced)
    update_stock(kept_full.pk, price_category=full)
    booking = bookings.book_offer(beneficiary, moved.pk)
    connected.price_cents = 900
    connected.save()

    run = _sync(connected, allocine)
    _sync(connected, allocine)

    assert not run.errors
    reduced.refresh_from_db()
    full.refresh_from_db()
    assert (reduced.origin, reduced.price_cents, reduced.label.label) == ("MANUAL", 500, "Tarif réduit")
    assert (full.origin, full.price_cents) == ("MANUAL", 1100)
    assert Stock.objects.get(pk=moved.pk).price_category_id == reduced.pk
    assert Stock.objects.get(pk=moved.pk).price_cents == 500
    assert Stock.objects.get(pk=kept_full.pk).price_cents == 1100
    assert {s.price_cents for s in Stock.objects.filter(pk__in=[s.pk for s in others])} == {900}
    booking.refresh_from_db()
    assert (booking.price_category_label, booking.amount_cents) == ("Tarif réduit", 500)
    assert PriceCategory.objects.filter(offer=offer).count() == 3


def test_a_manual_category_with_the_import_label_is_left_alone(connected, allocine):
    """An offer made before categories, whose pro gave "Tarif unique" to a category of their own: the
    import's category gets another name, and the pro's keeps its price."""
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    Stock.objects.filter(offer=offer).update(price_category=None)
    PriceCategory.objects.filter(offer=offer).delete()
    mine = pc.create_price_category(offer, label="Tarif unique", price_cents=300)
    _sync(connected, allocine)
    mine.refresh_from_db()
    assert (mine.origin, mine.price_cents) == ("MANUAL", 300)
    ours = _import_category(offer)
    assert (ours.label.label, ours.price_cents) == ("Tarif AlloCiné", 700)
    assert {s.price_category_id for s in _live_stocks(offer)} == {ours.pk}


def test_a_renamed_import_label_is_used_for_the_next_films(connected, allocine):
    allocine.serve("P0001", _feed_without(NORMAL, VOYAGEURS_ID))
    _sync(connected, allocine)
    label = PriceCategory.objects.filter(origin=PriceCategoryOrigin.ALLOCINE).first().label
    pc.rename_label(label, "Plein tarif")
    allocine.serve("P0001", NORMAL)
    _sync(connected, allocine)
    assert _import_category(Offer.objects.get(provider_ref=VOYAGEURS)).label.label == "Plein tarif"
    assert [label.label for label in pc.labels_of_venue(connected.venue)] == ["Plein tarif"]


def test_legacy_stocks_join_the_category_unless_the_pro_set_their_price(connected, allocine):
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    hand_priced, legacy, *_ = _live_stocks(offer)
    # As before categories: no category, and one price typed by hand.
    Stock.objects.filter(offer=offer).update(price_category=None)
    Stock.objects.filter(pk=hand_priced.pk).update(price_cents=450, edited_fields=["price_cents"])
    PriceCategory.objects.filter(offer=offer).delete()

    _sync(connected, allocine)

    ours = _import_category(offer)
    assert Stock.objects.get(pk=legacy.pk).price_category_id == ours.pk
    hand_priced.refresh_from_db()
    assert (hand_priced.price_category_id, hand_priced.price_cents) == (None, 450)


def test_the_default_label_is_the_venue_s_tarif_unique_made_once(venue):
    from passculture.core.offers.models import PriceCategoryLabel
    from passculture.core.providers.allocine.prices import _default_label_id

    first = _default_label_id(venue)
    assert _default_label_id(venue) == first
    assert list(PriceCategoryLabel.objects.filter(venue=venue).values_list("pk", "label")) == [
        (first, "Tarif unique")
    ]


def test_a_label_made_meanwhile_by_another_import_is_read_not_doubled(venue):
    from passculture.core.offers.models import PriceCategoryLabel
    from passculture.core.providers.allocine.prices import _create_label_id

    existing = pc.get_or_create_label(venue, "Tarif unique")
    assert _create_label_id(venue, "Tarif unique") == existing.pk
    assert PriceCategoryLabel.objects.filter(venue=venue).count() == 1
