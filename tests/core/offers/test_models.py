import pytest
from django.db import IntegrityError, transaction

from passculture.core.offers.constants import Category
from passculture.core.offers.factories import OfferFactory, ThingStockFactory
from passculture.core.offers.models import Stock

pytestmark = pytest.mark.django_db


def _update(stock, **values):
    with transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(**values)


def test_database_refuses_booked_quantity_above_quantity(stock):
    _update(stock, booked_quantity=stock.quantity)
    with pytest.raises(IntegrityError):
        _update(stock, booked_quantity=stock.quantity + 1)


def test_database_allows_any_booked_quantity_when_unlimited(stock):
    _update(stock, quantity=None, booked_quantity=10_000)


def test_database_refuses_a_negative_price(stock):
    with pytest.raises(IntegrityError):
        _update(stock, price_cents=-1)


def test_database_refuses_a_thing_price_above_300_eur(db):
    stock = ThingStockFactory()
    with pytest.raises(IntegrityError):
        _update(stock, price_cents=300_01)


def test_remaining_quantity_is_none_when_unlimited_and_never_negative(stock):
    assert stock.remaining_quantity == stock.quantity
    stock.quantity = None
    assert stock.remaining_quantity is None
    stock.quantity, stock.booked_quantity = 2, 5
    assert stock.remaining_quantity == 0


def test_a_film_showtime_is_an_event_and_cinema_cards_are_things(db):
    assert OfferFactory.build(category=Category.SHOWTIME).is_event
    assert not OfferFactory.build(category=Category.CINEMA_CARD).is_event
    assert not OfferFactory.build(category=Category.CINEMA_SUBSCRIPTION).is_event


def test_an_offer_is_digital_when_it_has_a_url(db):
    assert OfferFactory.build(url="https://vod.example.com/film").is_digital
    assert not OfferFactory.build().is_digital
