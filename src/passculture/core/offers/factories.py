import datetime as dt

import factory
from django.utils import timezone

from .constants import Category
from .models import Offer, Stock


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    venue = factory.SubFactory("passculture.core.offerers.factories.VenueFactory")
    name = factory.Sequence(lambda n: f"Film {n}")
    description = "Un film."
    category = Category.SHOWTIME
    duration_minutes = 110
    languages = factory.LazyFunction(lambda: ["fr"])


class ThingOfferFactory(OfferFactory):
    category = Category.CINEMA_CARD
    name = factory.Sequence(lambda n: f"Carte cinéma {n}")
    duration_minutes = None


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    offer = factory.SubFactory(OfferFactory)
    price_cents = 800
    quantity = 100
    beginning_datetime = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=5))
    booking_limit_datetime = factory.LazyAttribute(lambda o: o.beginning_datetime)
    version = "VF"


class ThingStockFactory(StockFactory):
    offer = factory.SubFactory(ThingOfferFactory)
    price_cents = 2000
    quantity = None
    beginning_datetime = None
    booking_limit_datetime = None
    version = ""
