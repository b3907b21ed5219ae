"""Providers plug into the same flow: a fake vendor is configured, submits, then reports its decision."""

import datetime as dt
import itertools

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.identity.constants import CheckStatus
from passculture.core.identity.providers import (
    ManualReviewProvider,
    ProviderDecision,
    get_provider,
    registered_providers,
)
from passculture.core.identity.services import (
    record_provider_decision,
    record_submission,
    submit_identity_check,
)
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.factories import UserFactory
from tests.helpers import error_code
from tests.identity_helpers import identity_data

pytestmark = pytest.mark.django_db
VENDOR = "tests.core.identity.test_providers.FakeVendorProvider"
MANUAL = "passculture.core.identity.providers.ManualReviewProvider"
AT = dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC)


class FakeVendorProvider:
    """A document-check vendor: no photo through us (the vendor takes it), its own reference."""

    name = "vendor"
    label = "Prestataire de test"
    requires_photo = False
    _references = itertools.count(1)

    def submit(self, user, data, *, photo, at):
        reference = f"vendor-{next(self._references)}"
        return record_submission(
            user, data, provider=self.name, photo=photo, at=at, provider_reference=reference
        )


class NotAProvider:
    name = "broken"


@pytest.fixture
def vendor_first(settings):
    settings.IDENTITY_PROVIDERS = [VENDOR, MANUAL]


def young():
    return UserFactory(birth_date=dt.date(2008, 1, 10), last_name="Martin")


def test_manual_review_is_the_default():
    assert isinstance(get_provider(), ManualReviewProvider)
    assert list(registered_providers()) == ["manual"]


def test_the_first_configured_provider_receives_submissions(vendor_first):
    user = young()
    check = submit_identity_check(user, identity_data(user), at=AT)
    assert (check.provider, check.provider_reference, check.status) == ("vendor", "vendor-1", "SUBMITTED")
    assert not check.document_photo  # this provider needs no photo from us


def test_a_named_provider_can_be_chosen(vendor_first):
    user = young()
    assert error_code(submit_identity_check, user, identity_data(user), at=AT, provider="manual") == (
        "DOCUMENT_PHOTO_REQUIRED"
    )


def test_an_unknown_provider_is_refused():
    user = young()
    assert error_code(submit_identity_check, user, identity_data(user), at=AT, provider="nope") == (
        "IDENTITY_PROVIDER_UNKNOWN"
    )


def test_a_class_that_is_not_a_provider_is_refused_at_load(settings):
    settings.IDENTITY_PROVIDERS = ["tests.core.identity.test_providers.NotAProvider"]
    with pytest.raises(TypeError):
        registered_providers()


def test_a_provider_approval_goes_through_the_same_grant(vendor_first):
    user = young()
    check = submit_identity_check(user, identity_data(user), at=AT)
    decided = record_provider_decision(
        "vendor", ProviderDecision(reference=check.provider_reference, approved=True, decided_at=AT)
    )
    assert (decided.status, decided.reviewer, decided.reviewer_label) == (
        CheckStatus.APPROVED,
        None,
        "provider:vendor",
    )
    assert decided.deposit.amount_cents == 300_00
    assert AuditLog.objects.get(action="identity_check.approved").actor_label == "provider:vendor"
    assert OutboxEmail.objects.filter(kind="identity_approved").count() == 1


def test_a_provider_rejection_gives_a_reason_even_without_a_comment(vendor_first):
    user = young()
    check = submit_identity_check(user, identity_data(user), at=AT)
    decided = record_provider_decision(
        "vendor", ProviderDecision(reference=check.provider_reference, approved=False)
    )
    assert (decided.status, decided.rejection_reason) == (CheckStatus.REJECTED, "OTHER")
    assert "Prestataire de test" in decided.rejection_comment


def test_a_decision_for_an_unknown_reference_or_provider_is_refused(vendor_first):
    assert error_code(record_provider_decision, "vendor", ProviderDecision("vendor-404", True)) == (
        "IDENTITY_CHECK_NOT_FOUND"
    )
    assert (
        error_code(record_provider_decision, "other", ProviderDecision("x", True))
        == "IDENTITY_PROVIDER_UNKNOWN"
    )


def test_a_decision_is_applied_once(vendor_first):
    user = young()
    check = submit_identity_check(user, identity_data(user), at=AT)
    decision = ProviderDecision(reference=check.provider_reference, approved=True)
    record_provider_decision("vendor", decision)
    assert error_code(record_provider_decision, "vendor", decision) == "IDENTITY_CHECK_NOT_PENDING"
