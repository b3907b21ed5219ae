import datetime as dt

import factory
from django.utils import timezone

from .models import CreditPolicy, Deposit


class DepositFactory(factory.django.DjangoModelFactory):
    """A 2021-policy deposit (300 EUR, digital cap 100 EUR, 2 years)."""

    class Meta:
        model = Deposit

    user = factory.SubFactory("passculture.core.users.factories.UserFactory")
    policy = factory.LazyFunction(lambda: CreditPolicy.objects.get(code="GRANT_18_2021"))
    amount_cents = 300_00
    digital_cap_cents = 100_00
    granted_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.granted_at + dt.timedelta(days=730))
