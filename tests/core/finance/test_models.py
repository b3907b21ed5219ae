import pytest
from django.db import IntegrityError, transaction

from passculture.core.common.time import now
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import BankAccountFactory

pytestmark = pytest.mark.django_db


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            BankAccountFactory(**fields)
    except IntegrityError:
        return True
    return False


def test_the_database_allows_one_current_account_per_venue():
    account = BankAccountFactory()
    assert refused(venue=account.venue)
    assert not refused(venue=account.venue, archived_at=now())


def test_the_database_refuses_an_iban_that_is_not_compact():
    assert refused(iban="FR76 3000 6000 0112 3456 7890 189")
    assert refused(iban="fr7630006000011234567890189")


def test_the_database_refuses_a_malformed_bic():
    assert refused(bic="AGRI")


def test_the_database_refuses_a_rejection_without_reason():
    assert refused(status=BankAccountStatus.REJECTED, decided_at=now(), rejection_reason="")


def test_the_database_refuses_submitted_details_without_bic():
    assert refused(bic="")
    assert not refused(bic="", status=BankAccountStatus.DRAFT, submitted_at=None)


def test_the_database_refuses_a_decision_without_date():
    assert refused(status=BankAccountStatus.ACCEPTED, decided_at=None)


def test_the_masked_iban_shows_only_the_ends():
    assert BankAccountFactory.build().masked_iban == "FR76 **** **** **** **** **** 189"
