import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.selectors import count_memberships_waiting, count_offerers_waiting

pytestmark = pytest.mark.django_db


def test_counts_only_offerers_waiting_for_a_decision():
    for status in (ValidationStatus.NEW, ValidationStatus.PENDING):
        OffererFactory(validation_status=status)
    for status in (ValidationStatus.VALIDATED, ValidationStatus.REJECTED):
        OffererFactory(validation_status=status)
    assert count_offerers_waiting() == 2


def test_counts_only_memberships_waiting_for_a_decision():
    MembershipFactory(validation_status=ValidationStatus.NEW)
    MembershipFactory(validation_status=ValidationStatus.PENDING)
    MembershipFactory(validation_status=ValidationStatus.VALIDATED)
    MembershipFactory(validation_status=ValidationStatus.REJECTED)
    assert count_memberships_waiting() == 2
