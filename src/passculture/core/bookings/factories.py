import factory
from django.utils import timezone

from . import rules
from .models import Booking


class BookingFactory(factory.django.DjangoModelFactory):
    """A raw booking row (no credit debit, no stock count): use services.book_offer for rules."""

    class Meta:
        model = Booking

    user = factory.SubFactory("passculture.core.users.factories.UserFactory")
    stock = factory.SubFactory("passculture.core.offers.factories.StockFactory")
    offer = factory.LazyAttribute(lambda o: o.stock.offer)
    venue = factory.LazyAttribute(lambda o: o.stock.offer.venue)
    offerer = factory.LazyAttribute(lambda o: o.stock.offer.venue.offerer)
    amount_cents = factory.LazyAttribute(lambda o: o.stock.price_cents)
    token = factory.LazyFunction(rules.generate_token)
    booked_at = factory.LazyFunction(timezone.now)
