"""Reading a pro's memberships: the pending ones are shown on their home page."""

import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.selectors import (
    membership_of_offerers,
    offerers_with_ids,
    pending_memberships_of,
)
from passculture.core.users.factories import ProFactory

pytestmark = pytest.mark.django_db


def test_pending_memberships_are_the_users_not_yet_approved_ones():
    pro = ProFactory()
    waiting = MembershipFactory(user=pro, validation_status=ValidationStatus.PENDING)
    new = MembershipFactory(user=pro, validation_status=ValidationStatus.NEW)
    MembershipFactory(user=pro, validation_status=ValidationStatus.VALIDATED)
    MembershipFactory(user=pro, validation_status=ValidationStatus.REJECTED)
    MembershipFactory(validation_status=ValidationStatus.PENDING)
    assert set(pending_memberships_of(pro)) == {waiting, new}


def test_a_membership_is_found_only_among_the_given_offerers():
    membership = MembershipFactory(validation_status=ValidationStatus.PENDING)
    assert membership_of_offerers(membership.pk, {membership.offerer_id}) == membership
    assert membership_of_offerers(membership.pk, {OffererFactory().pk}) is None


def test_offerers_with_ids_are_sorted_by_name():
    zola, amiens = OffererFactory(name="Zola"), OffererFactory(name="Amiens")
    OffererFactory(name="Autre")
    assert list(offerers_with_ids([zola.pk, amiens.pk])) == [amiens, zola]
