import pytest

from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.identity.constants import CheckStatus, RejectionReason
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.selectors import pending_check_count


@pytest.mark.django_db
def test_counts_only_checks_waiting_for_a_review():
    IdentityCheckFactory.create_batch(2)
    IdentityCheckFactory(status=CheckStatus.APPROVED, reviewed_at=utcnow(), deposit=DepositFactory())
    IdentityCheckFactory(
        status=CheckStatus.REJECTED,
        reviewed_at=utcnow(),
        rejection_reason=RejectionReason.UNREADABLE_DOCUMENT,
    )
    assert pending_check_count() == 2
