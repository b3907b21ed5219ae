from decimal import Decimal

import factory
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import ThingStockFactory

from .constants import BankAccountStatus
from .models import BankAccount, CustomReimbursementRule

# Valid French IBANs (checksums right) of banks schwifty's registry knows.
IBAN_CREDIT_AGRICOLE = "FR7630006000011234567890189"  # BIC AGRIFRPP
IBAN_LA_BANQUE_POSTALE = "FR1420041010050500013M02606"  # BIC PSSTFRPP


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    venue = factory.SubFactory(VenueFactory)
    holder = factory.LazyAttribute(lambda o: o.venue.offerer.name)
    iban = IBAN_CREDIT_AGRICOLE
    bic = "AGRIFRPP"
    status = BankAccountStatus.PENDING
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        accepted = factory.Trait(
            status=BankAccountStatus.ACCEPTED, decided_at=factory.LazyFunction(timezone.now)
        )
        draft = factory.Trait(status=BankAccountStatus.DRAFT, submitted_at=None)


class UsedBookingFactory(BookingFactory):
    """A used (validated) booking of a thing: reimbursable as soon as it exists. Pass `used_at` to place
    it in time, `stock=` an event stock in the past for a showtime."""

    stock = factory.SubFactory(ThingStockFactory)
    status = BookingStatus.USED
    used_at = factory.LazyFunction(timezone.now)
    validated_by_label = "auto"


class CustomReimbursementRuleFactory(factory.django.DjangoModelFactory):
    """A rule on a venue at 50 % from now; pass offer=/offerer= (and venue=None) for other targets."""

    class Meta:
        model = CustomReimbursementRule

    venue = factory.SubFactory(VenueFactory)
    rate = Decimal("0.5")
    valid_from = factory.LazyFunction(timezone.now)
