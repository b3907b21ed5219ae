import factory
from django.utils import timezone

from passculture.core.offerers.factories import VenueFactory

from .constants import BankAccountStatus
from .models import BankAccount

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
