"""Reading a pro's memberships: the pending ones are shown on their home page."""

import pytest

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.offerers.selectors import pending_memberships_of
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
