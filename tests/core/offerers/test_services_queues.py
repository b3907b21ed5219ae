"""Validation queues: staff decide on new offerers; an offerer's admin (or staff) on membership requests."""

import threading

import pytest
from django.db import connections

from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import Offerer
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.offerers.services import (
    reject_membership,
    reject_offerer,
    request_membership,
    validate_membership,
    validate_offerer,
    validate_pending_offerer,
)
from passculture.core.users.factories import ProFactory, StaffFactory
from tests.helpers import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def new_offerer():
    offerer = OffererFactory(validation_status=ValidationStatus.NEW)
    MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN)
    return offerer


@pytest.fixture
def offerer():
    return OffererFactory()


@pytest.fixture
def admin(offerer):
    return MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN).user


@pytest.fixture
def pending(offerer):
    return request_membership(offerer=offerer, user=ProFactory())


# --- Offerers -------------------------------------------------------------------------------------


def test_staff_validate_a_new_offerer_and_its_admins_are_told(staff, new_offerer):
    validate_pending_offerer(new_offerer.pk, actor=staff)

    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.VALIDATED
    assert AuditLog.objects.filter(action="offerer.validated", actor=staff).exists()
    assert OutboxEmail.objects.filter(kind="offerer_validated").count() == 1


def test_staff_reject_a_new_offerer_with_a_reason_sent_to_its_admins(staff, new_offerer):
    reject_offerer(new_offerer.pk, actor=staff, reason="SIREN d'une autre activité")

    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.REJECTED
    log = AuditLog.objects.get(action="offerer.rejected")
    assert log.data == {"reason": "SIREN d'une autre activité"}
    email = OutboxEmail.objects.get(kind="offerer_rejected")
    assert "SIREN d'une autre activité" in email.text_body


def test_rejecting_an_offerer_needs_a_reason(staff, new_offerer):
    assert error_code(reject_offerer, new_offerer.pk, actor=staff, reason="  ") == "REJECTION_REASON_REQUIRED"


def test_an_offerer_already_decided_cannot_be_decided_again(staff, offerer):
    assert error_code(validate_pending_offerer, offerer.pk, actor=staff) == "OFFERER_NOT_PENDING"
    assert error_code(reject_offerer, offerer.pk, actor=staff, reason="x") == "OFFERER_NOT_PENDING"


def test_members_of_a_rejected_offerer_lose_access_to_it(staff, new_offerer):
    admin = new_offerer.memberships.get().user
    assert new_offerer.pk in validated_offerer_ids_of(admin)

    reject_offerer(new_offerer.pk, actor=staff, reason="Fermée")

    assert new_offerer.pk not in validated_offerer_ids_of(admin)


# --- Memberships ----------------------------------------------------------------------------------


def test_a_join_request_is_a_pending_editor_membership(offerer):
    membership = request_membership(offerer=offerer, user=ProFactory())

    assert (membership.role, membership.validation_status) == (
        MembershipRole.EDITOR,
        ValidationStatus.PENDING,
    )
    assert AuditLog.objects.filter(action="membership.requested").exists()


def test_the_offerer_admin_accepts_a_request_and_the_pro_is_told(admin, pending):
    validate_membership(pending.pk, actor=admin)

    pending.refresh_from_db()
    assert pending.validation_status == ValidationStatus.VALIDATED
    assert pending.offerer_id in validated_offerer_ids_of(pending.user)
    assert AuditLog.objects.filter(action="membership.validated", actor=admin).exists()
    assert OutboxEmail.objects.get(kind="membership_validated").to == [pending.user.email]


def test_the_offerer_admin_refuses_a_request_and_the_pro_is_told(admin, pending):
    reject_membership(pending.pk, actor=admin, reason="Inconnu au bureau")

    pending.refresh_from_db()
    assert pending.validation_status == ValidationStatus.REJECTED
    assert pending.offerer_id not in validated_offerer_ids_of(pending.user)
    assert "Inconnu au bureau" in OutboxEmail.objects.get(kind="membership_rejected").text_body


def test_staff_may_decide_on_any_membership(staff, pending):
    validate_membership(pending.pk, actor=staff)

    pending.refresh_from_db()
    assert pending.validation_status == ValidationStatus.VALIDATED


def test_an_editor_cannot_decide_on_a_membership(offerer, pending):
    editor = MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user

    assert error_code(validate_membership, pending.pk, actor=editor) == "NOT_OFFERER_ADMIN"
    assert error_code(reject_membership, pending.pk, actor=editor) == "NOT_OFFERER_ADMIN"
    pending.refresh_from_db()
    assert pending.validation_status == ValidationStatus.PENDING


def test_an_admin_of_another_offerer_cannot_decide_on_a_membership(pending):
    other_admin = MembershipFactory(role=MembershipRole.ADMIN).user

    assert error_code(validate_membership, pending.pk, actor=other_admin) == "NOT_OFFERER_ADMIN"


def test_the_admin_of_an_offerer_not_yet_validated_cannot_let_others_in(new_offerer):
    admin = new_offerer.memberships.get().user
    pending = request_membership(offerer=new_offerer, user=ProFactory())

    assert error_code(validate_membership, pending.pk, actor=admin) == "NOT_OFFERER_ADMIN"


def test_an_admin_whose_own_membership_is_pending_cannot_decide(offerer, pending):
    waiting_admin = MembershipFactory(
        offerer=offerer, role=MembershipRole.ADMIN, validation_status=ValidationStatus.PENDING
    ).user

    assert error_code(validate_membership, pending.pk, actor=waiting_admin) == "NOT_OFFERER_ADMIN"


def test_a_membership_already_decided_cannot_be_decided_again(admin, pending):
    validate_membership(pending.pk, actor=admin)

    assert error_code(reject_membership, pending.pk, actor=admin) == "MEMBERSHIP_NOT_PENDING"


def test_an_unknown_membership_is_not_found(admin):
    assert error_code(validate_membership, 999_999, actor=admin) == "MEMBERSHIP_NOT_FOUND"


# --- validate_offerer (demo loader, admin): the same lock and the same refusals as the queue -------


def test_validate_offerer_refuses_a_rejected_offerer(staff, new_offerer):
    reject_offerer(new_offerer.pk, actor=staff, reason="SIREN d'une autre activité")

    assert error_code(validate_offerer, new_offerer, actor=staff) == "OFFERER_NOT_PENDING"
    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.REJECTED


def test_validate_offerer_refuses_an_already_validated_offerer(staff, new_offerer):
    validate_offerer(new_offerer, actor=staff)

    assert error_code(validate_offerer, new_offerer, actor=staff) == "OFFERER_NOT_PENDING"
    assert AuditLog.objects.filter(action="offerer.validated").count() == 1
    assert OutboxEmail.objects.filter(kind="offerer_validated").count() == 1


def test_validate_offerer_reads_the_status_from_the_database_not_the_callers_copy(staff, new_offerer):
    stale = Offerer.objects.get(pk=new_offerer.pk)
    reject_offerer(new_offerer.pk, actor=staff, reason="Structure fermée")

    assert stale.validation_status == ValidationStatus.NEW
    assert error_code(validate_offerer, stale, actor=staff) == "OFFERER_NOT_PENDING"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_validation_and_a_rejection_racing_leave_one_decision():
    offerer = OffererFactory(validation_status=ValidationStatus.NEW)
    staff = StaffFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(lambda: validate_offerer(offerer, actor=staff),)),
        threading.Thread(
            target=decide, args=(lambda: reject_offerer(offerer.pk, actor=staff, reason="Doublon"),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["OFFERER_NOT_PENDING", "ok"]
    decisions = AuditLog.objects.filter(action__in=["offerer.validated", "offerer.rejected"])
    assert decisions.count() == 1
