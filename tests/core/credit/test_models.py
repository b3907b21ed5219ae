import pytest
from django.db import IntegrityError, transaction

from passculture.core.credit.models import Deposit

pytestmark = pytest.mark.django_db


def _update(deposit, **values):
    with transaction.atomic():
        Deposit.objects.filter(pk=deposit.pk).update(**values)


def test_database_refuses_a_deposit_spent_above_its_amount(beneficiary):
    deposit = beneficiary.deposits.get()
    _update(deposit, spent_cents=300_00)
    with pytest.raises(IntegrityError):
        _update(deposit, spent_cents=300_01)


def test_database_refuses_digital_spending_above_the_digital_cap(beneficiary):
    deposit = beneficiary.deposits.get()
    with pytest.raises(IntegrityError):
        _update(deposit, spent_cents=200_00, digital_spent_cents=100_01)


def test_database_refuses_a_negative_spent_amount(beneficiary):
    with pytest.raises(IntegrityError):
        _update(beneficiary.deposits.get(), spent_cents=-1)


def test_database_refuses_two_deposits_of_the_same_policy_for_a_user(beneficiary):
    deposit = beneficiary.deposits.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Deposit.objects.create(
            user=beneficiary,
            policy=deposit.policy,
            amount_cents=deposit.amount_cents,
            granted_at=deposit.granted_at,
            expires_at=deposit.expires_at,
        )
