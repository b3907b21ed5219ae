import factory
from stdnum import luhn

from .constants import MembershipRole, ValidationStatus
from .models import Membership, Offerer, Venue


def _valid_siren(n: int) -> str:
    base = f"{100000 + n:08d}"
    return base + luhn.calc_check_digit(base)


def _valid_siret(siren: str, n: int) -> str:
    base = f"{siren}{n:04d}"
    return base + luhn.calc_check_digit(base)


class OffererFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offerer

    siren = factory.Sequence(_valid_siren)
    name = factory.Sequence(lambda n: f"Cinéma SAS {n}")
    address = "1 rue de la République"
    postal_code = "75011"
    city = "Paris"
    validation_status = ValidationStatus.VALIDATED


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    offerer = factory.SubFactory(OffererFactory)
    name = factory.Sequence(lambda n: f"Cinéma Lumière {n}")
    siret = factory.LazyAttributeSequence(lambda o, n: _valid_siret(o.offerer.siren, n % 10000))
    address = "10 boulevard Voltaire"
    postal_code = "75011"
    city = "Paris"
    department_code = "75"
    timezone = "Europe/Paris"
    latitude = "48.858000"
    longitude = "2.379000"
    booking_email = factory.Sequence(lambda n: f"reservations{n}@cinema.example.com")
    validation_status = ValidationStatus.VALIDATED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("passculture.core.users.factories.ProFactory")
    offerer = factory.SubFactory(OffererFactory)
    role = MembershipRole.ADMIN
    validation_status = ValidationStatus.VALIDATED
