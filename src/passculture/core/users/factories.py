import datetime as dt

import factory

from .constants import Role
from .models import User

TEST_PASSWORD = "Test-password-2026!"  # noqa: S105 - test fixtures only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    phone_number = "+33612345678"
    role = Role.BENEFICIARY
    is_email_validated = True
    birth_date = factory.LazyFunction(
        lambda: dt.date.today().replace(year=dt.date.today().year - 18) - dt.timedelta(days=30)
    )
    postal_code = "75011"
    city = "Paris"
    password = factory.django.Password(TEST_PASSWORD)


class ProFactory(UserFactory):
    role = Role.PRO
    email = factory.Sequence(lambda n: f"pro{n}@cinema.example.com")
    birth_date = None


class StaffFactory(UserFactory):
    role = Role.STAFF
    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"staff{n}@passculture.example.com")
    birth_date = None
