"""Identity decisions under real concurrency on PostgreSQL (each thread has its own connection)."""

import datetime as dt
from collections import Counter

from passculture.core.credit.models import Deposit
from passculture.core.identity.constants import CheckStatus, RejectionReason
from passculture.core.identity.models import IdentityCheck
from passculture.core.identity.services import (
    approve_identity_check,
    reject_identity_check,
    submit_identity_check,
)
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.factories import StaffFactory, UserFactory
from tests.core.bookings.test_concurrency import assert_no_errors, concurrent, run_concurrently
from tests.identity_helpers import identity_data, photo_upload, stored_files

AT = dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC)


def young():
    return UserFactory(birth_date=dt.date(2008, 1, 10), last_name="Martin")


@concurrent
def test_two_reviewers_approving_at_once_grant_one_deposit():
    user = young()
    check = submit_identity_check(user, identity_data(user), photo=photo_upload(), at=AT)
    reviewers = [StaffFactory() for _ in range(4)]

    outcomes = run_concurrently([lambda r=r: approve_identity_check(check.pk, r) for r in reviewers])

    assert_no_errors(outcomes)
    assert Counter(o.kind for o in outcomes) == {"ok": 1, "refused": 3}
    assert {o.value for o in outcomes if o.kind == "refused"} == {"IDENTITY_CHECK_NOT_PENDING"}
    assert Deposit.objects.filter(user=user).count() == 1
    assert OutboxEmail.objects.filter(kind="identity_approved").count() == 1


@concurrent
def test_an_approval_racing_a_rejection_has_one_winner():
    for _ in range(5):
        user = young()
        check = submit_identity_check(user, identity_data(user), photo=photo_upload(), at=AT)
        approve = lambda c=check: approve_identity_check(c.pk, StaffFactory())  # noqa: E731
        reject = lambda c=check: reject_identity_check(  # noqa: E731
            c.pk, StaffFactory(), reason=RejectionReason.DOCUMENT_EXPIRED
        )

        approved, rejected = run_concurrently([approve, reject])

        assert_no_errors([approved, rejected])
        assert sorted([approved.kind, rejected.kind]) == ["ok", "refused"]
        check.refresh_from_db()
        has_deposit = Deposit.objects.filter(user=user).exists()
        assert (check.status == CheckStatus.APPROVED) == has_deposit == (approved.kind == "ok")


@concurrent
def test_two_submissions_at_once_open_one_check_and_keep_one_photo(private_documents):
    user = young()

    outcomes = run_concurrently(
        [
            lambda: submit_identity_check(user, identity_data(user), photo=photo_upload(), at=AT)
            for _ in range(3)
        ]
    )

    assert_no_errors(outcomes)
    assert Counter(o.kind for o in outcomes) == {"ok": 1, "refused": 2}
    assert {o.value for o in outcomes if o.kind == "refused"} == {"IDENTITY_CHECK_ALREADY_OPEN"}
    assert IdentityCheck.objects.filter(user=user).count() == 1
    assert len(stored_files(private_documents)) == 1
