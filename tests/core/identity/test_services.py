import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from passculture.core.common.models import AuditLog
from passculture.core.credit.models import Deposit
from passculture.core.credit.selectors import balance_of
from passculture.core.identity.constants import CheckStatus, RejectionReason
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.models import IdentityCheck
from passculture.core.identity.services import (
    approve_identity_check,
    erase_identity_data,
    record_submission,
    reject_identity_check,
    submit_identity_check,
)
from passculture.core.identity.validation import IdentityData
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from tests.helpers import error_code
from tests.identity_helpers import file_upload, identity_data, photo_upload, stored_files

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def young(birth_date=dt.date(2008, 1, 10), **fields):
    fields.setdefault("last_name", "Martin")
    return UserFactory(birth_date=birth_date, **fields)


def submit(user, at, **overrides):
    return submit_identity_check(user, identity_data(user, **overrides), photo=photo_upload(), at=at)


# --- Submission -----------------------------------------------------------------------------------


def test_a_submission_waits_for_review_with_its_photo_in_the_private_directory(private_documents, settings):
    user = young()
    check = submit(user, paris(2026, 3, 10, 12))

    check.refresh_from_db()
    assert (check.status, check.provider, check.document_number) == (
        CheckStatus.SUBMITTED,
        "manual",
        "X4RTBPFW4",
    )
    assert check.submitted_at == paris(2026, 3, 10, 12)
    files = stored_files(private_documents)
    assert len(files) == 1
    assert files[0].read_bytes()[:3] == b"\xff\xd8\xff"  # re-encoded as JPEG whatever was sent
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert stored_files(settings.MEDIA_ROOT) == []
    assert AuditLog.objects.filter(action="identity_check.submitted", target_id=str(check.pk)).exists()


def test_the_document_number_is_stored_without_spaces_and_in_capitals():
    check = submit(young(), paris(2026, 3, 10, 12), document_number=" x4rt bpfw-4 ")
    assert check.document_number == "X4RTBPFW4"


def test_a_photo_is_required_for_the_manual_review():
    user = young()
    code = error_code(submit_identity_check, user, identity_data(user), photo=None, at=paris(2026, 3, 10, 12))
    assert code == "DOCUMENT_PHOTO_REQUIRED"
    assert not IdentityCheck.objects.exists()


def test_a_pdf_is_refused_and_nothing_is_stored(private_documents):
    user = young()
    pdf = file_upload(b"%PDF-1.4\n%%EOF\n", "piece.pdf", "application/pdf")
    code = error_code(submit_identity_check, user, identity_data(user), photo=pdf, at=paris(2026, 3, 10, 12))
    assert code == "DOCUMENT_PHOTO_INVALID_TYPE"
    assert not IdentityCheck.objects.exists()
    assert stored_files(private_documents) == []


def test_the_email_must_be_confirmed_first():
    assert (
        error_code(submit, young(is_email_validated=False), paris(2026, 3, 10, 12)) == "EMAIL_NOT_VALIDATED"
    )


def test_a_pro_cannot_submit():
    pro = ProFactory(birth_date=dt.date(2008, 1, 10))
    assert error_code(submit, pro, paris(2026, 3, 10, 12)) == "NOT_A_BENEFICIARY"


@pytest.mark.parametrize(
    ("birth_date", "code"),
    [
        (dt.date(2008, 3, 11), "NOT_YET_ELIGIBLE"),  # 18 tomorrow
        (dt.date(2007, 3, 10), "NO_LONGER_ELIGIBLE"),  # 19 today
    ],
)
def test_the_age_on_the_document_at_submission_decides(birth_date, code):
    user = young(dt.date(2008, 1, 10))  # the account says 18: the document is what counts
    assert error_code(submit, user, paris(2026, 3, 10, 12), birth_date=birth_date) == code


@pytest.mark.parametrize("birth_date", [dt.date(2008, 3, 10), dt.date(2007, 3, 11)])
def test_submission_is_open_from_the_18th_birthday_to_the_day_before_the_19th(birth_date):
    check = submit(young(birth_date), paris(2026, 3, 10, 0, 5))
    assert check.status == CheckStatus.SUBMITTED


def test_an_account_under_18_cannot_submit_even_with_an_older_document():
    user = young(dt.date(2009, 1, 10))
    assert (
        error_code(submit, user, paris(2026, 3, 10, 12), birth_date=dt.date(2008, 1, 10))
        == "NOT_YET_ELIGIBLE"
    )


def test_one_open_check_per_user():
    user = young()
    submit(user, paris(2026, 3, 10, 12))
    assert error_code(submit, user, paris(2026, 3, 11, 12)) == "IDENTITY_CHECK_ALREADY_OPEN"


def test_the_database_refuses_a_second_open_check():
    check = IdentityCheckFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityCheckFactory(user=check.user)


def test_a_concurrent_second_submission_is_refused_and_leaves_no_file(private_documents):
    # Two requests passed the first check at the same time: the database index decides.
    user = young()
    IdentityCheckFactory(user=user)
    data = identity_data(user)
    from passculture.core.identity.documents import prepare_document_photo

    code = error_code(
        record_submission,
        user,
        data,
        provider="manual",
        photo=prepare_document_photo(photo_upload()),
        at=paris(2026, 3, 10, 12),
    )
    assert code == "IDENTITY_CHECK_ALREADY_OPEN"
    assert stored_files(private_documents) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("document_type", "DRIVING_LICENCE", "INVALID_DOCUMENT_TYPE"),
        ("document_number", "12", "INVALID_DOCUMENT_NUMBER"),
        ("document_number", "ABC<1234567", "INVALID_DOCUMENT_NUMBER"),
        ("first_name", "", "INVALID_IDENTITY_NAME"),
        ("last_name", "R2D2", "INVALID_IDENTITY_NAME"),
        ("birth_date", dt.date(2030, 1, 1), "INVALID_BIRTH_DATE"),
        ("birth_date", None, "INVALID_BIRTH_DATE"),
    ],
)
def test_invalid_details_are_refused_with_their_code(field, value, code):
    assert error_code(submit, young(), paris(2026, 3, 10, 12), **{field: value}) == code
    assert not IdentityCheck.objects.exists()


# --- Approval -------------------------------------------------------------------------------------


def test_approval_grants_the_policy_in_force_on_the_day_of_the_approval():
    # Sent while the 2019 policy was in force, approved once the 2021 one had replaced it.
    user = young(dt.date(2003, 1, 10))
    with time_machine.travel(paris(2021, 5, 19, 10), tick=False):
        check = submit(user, None)
    staff = StaffFactory()
    with time_machine.travel(paris(2021, 5, 25, 10), tick=False):
        approved = approve_identity_check(check, staff)

    deposit = approved.deposit
    assert (approved.status, deposit.policy.code, deposit.amount_cents) == (
        "APPROVED",
        "GRANT_18_2021",
        300_00,
    )
    assert deposit.granted_at == paris(2021, 5, 25, 10)
    assert deposit.expires_at == paris(2023, 5, 25, 10)
    assert (approved.reviewer, approved.reviewed_at) == (staff, paris(2021, 5, 25, 10))
    assert deposit.source == f"identity_check:{check.pk}"


def test_approval_before_the_2021_rule_grants_the_2019_policy():
    user = young(dt.date(2001, 1, 10))
    check = submit(user, paris(2019, 6, 1, 10))
    approved = approve_identity_check(check, StaffFactory(), at=paris(2019, 6, 3, 10))
    assert (approved.deposit.policy.code, approved.deposit.amount_cents) == ("GRANT_18_2019", 500_00)


def test_a_check_sent_at_18_and_approved_after_the_19th_birthday_is_granted():
    user = young(dt.date(2007, 3, 15))
    check = submit(user, paris(2026, 3, 10, 12))  # 18, five days before turning 19
    approved = approve_identity_check(check, StaffFactory(), at=paris(2026, 3, 20, 12))
    assert approved.deposit.amount_cents == 300_00
    assert balance_of(user, paris(2026, 3, 20, 13)).remaining_cents == 300_00


def test_approval_is_refused_when_the_document_was_not_eligible_at_submission():
    # A check stored by a provider that did not filter ages: the approval re-checks.
    user = young(dt.date(2009, 1, 10))
    check = IdentityCheckFactory(user=user, submitted_at=paris(2026, 3, 10, 12))
    assert (
        error_code(approve_identity_check, check, StaffFactory(), at=paris(2026, 3, 11, 12))
        == "NOT_YET_ELIGIBLE"
    )
    check.refresh_from_db()
    assert check.status == CheckStatus.SUBMITTED
    assert not Deposit.objects.exists()


def test_approval_twice_is_refused_and_grants_one_deposit():
    check = submit(young(), paris(2026, 3, 10, 12))
    staff = StaffFactory()
    approve_identity_check(check, staff, at=paris(2026, 3, 11, 12))
    assert (
        error_code(approve_identity_check, check.pk, staff, at=paris(2026, 3, 11, 13))
        == "IDENTITY_CHECK_NOT_PENDING"
    )
    assert Deposit.objects.count() == 1


def test_approval_emails_the_amount_and_the_expiry_and_is_logged():
    user = young(first_name="Jeanne")
    check = submit(user, paris(2026, 3, 10, 12))
    approve_identity_check(check, StaffFactory(), at=paris(2026, 3, 11, 14, 30))

    email = OutboxEmail.objects.get(kind="identity_approved")
    assert email.to == [user.email]
    assert "300" in email.subject
    assert "Bonjour Jeanne" in email.text_body
    assert "valable jusqu'au 11 mars 2028 à 14h30" in email.text_body
    assert "100\u00a0€ au plus pour les offres numériques" in email.text_body
    log = AuditLog.objects.get(action="identity_check.approved")
    assert log.data["amount_cents"] == 300_00
    assert AuditLog.objects.filter(action="deposit.granted").count() == 1


def test_only_staff_decide():
    check = submit(young(), paris(2026, 3, 10, 12))
    assert error_code(approve_identity_check, check, UserFactory(), at=paris(2026, 3, 11, 12)) == "FORBIDDEN"
    reason = RejectionReason.DOCUMENT_EXPIRED
    assert error_code(reject_identity_check, check, ProFactory(), reason=reason) == "FORBIDDEN"
    check.refresh_from_db()
    assert check.status == CheckStatus.SUBMITTED


def test_a_mismatch_with_the_account_needs_the_reviewer_s_confirmation():
    user = young(dt.date(2008, 1, 10), first_name="Jeanne", last_name="Durand")
    check = submit(user, paris(2026, 3, 10, 12), last_name="Dupont", birth_date=dt.date(2008, 1, 12))

    with pytest.raises(Exception) as refused:
        approve_identity_check(check, StaffFactory(), at=paris(2026, 3, 11, 12))
    assert refused.value.code == "IDENTITY_DATA_MISMATCH"
    assert refused.value.details["fields"] == ["last_name", "birth_date"]
    assert not Deposit.objects.exists()

    approve_identity_check(check, StaffFactory(), at=paris(2026, 3, 11, 12), confirm_mismatch=True)
    user.refresh_from_db()
    # The document is the proof of the birth date; the account's name stays (a usage name is allowed).
    assert (user.birth_date, user.last_name) == (dt.date(2008, 1, 12), "Durand")
    log = AuditLog.objects.get(action="user.birth_date_corrected")
    assert log.data == {"from": "2008-01-10", "to": "2008-01-12", "identity_check_id": check.pk}


def test_a_document_listing_every_given_name_matches_the_first_name_of_the_account():
    user = young(first_name="Jean-Éric", last_name="N'Diaye")
    check = submit(user, paris(2026, 3, 10, 12), first_name="JEAN ERIC Louis", last_name="n’diaye")
    approved = approve_identity_check(check, StaffFactory(), at=paris(2026, 3, 11, 12))
    assert approved.status == CheckStatus.APPROVED


def test_an_approved_user_cannot_submit_again():
    user = young()
    approve_identity_check(submit(user, paris(2026, 3, 10, 12)), StaffFactory(), at=paris(2026, 3, 11, 12))
    assert error_code(submit, user, paris(2026, 3, 12, 12)) == "IDENTITY_ALREADY_VERIFIED"


def test_a_user_who_already_has_a_deposit_cannot_submit(beneficiary):
    assert error_code(submit, beneficiary, None) == "IDENTITY_ALREADY_VERIFIED"


def test_a_deactivated_account_is_not_approved():
    user = young()
    check = submit(user, paris(2026, 3, 10, 12))
    user.is_active = False
    user.save()
    assert (
        error_code(approve_identity_check, check, StaffFactory(), at=paris(2026, 3, 11, 12))
        == "ACCOUNT_INACTIVE"
    )


# --- Rejection ------------------------------------------------------------------------------------


def test_rejection_then_resubmission():
    user = young()
    first = submit(user, paris(2026, 3, 10, 12))
    staff = StaffFactory()
    rejected = reject_identity_check(
        first, staff, reason=RejectionReason.UNREADABLE_DOCUMENT, comment="Reflet sur la date.",
        at=paris(2026, 3, 11, 9),
    )  # fmt: skip
    assert (rejected.status, rejected.rejection_reason) == ("REJECTED", "UNREADABLE_DOCUMENT")
    assert (rejected.reviewer, rejected.reviewed_at) == (staff, paris(2026, 3, 11, 9))

    email = OutboxEmail.objects.get(kind="identity_rejected")
    assert email.to == [user.email]
    assert "Motif : Photo du document illisible ou incomplète." in email.text_body
    assert "Reflet sur la date." in email.text_body
    assert "http://testserver/identite/" in email.text_body or "/identite/" in email.text_body

    second = submit(user, paris(2026, 3, 12, 12))
    approve_identity_check(second, staff, at=paris(2026, 3, 13, 12))
    assert list(IdentityCheck.objects.filter(user=user).values_list("status", flat=True).order_by("id")) == [
        "REJECTED",
        "APPROVED",
    ]


def test_a_rejected_check_cannot_be_approved_afterwards():
    check = submit(young(), paris(2026, 3, 10, 12))
    reject_identity_check(check, StaffFactory(), reason=RejectionReason.DOCUMENT_EXPIRED)
    assert error_code(approve_identity_check, check, StaffFactory()) == "IDENTITY_CHECK_NOT_PENDING"
    assert not Deposit.objects.exists()


def test_rejection_needs_a_known_reason_and_a_comment_for_other():
    check = submit(young(), paris(2026, 3, 10, 12))
    staff = StaffFactory()
    assert error_code(reject_identity_check, check, staff, reason="BECAUSE") == "INVALID_REJECTION_REASON"
    assert (
        error_code(reject_identity_check, check, staff, reason="OTHER", comment="  ")
        == "REJECTION_COMMENT_REQUIRED"
    )
    long = "x" * 1001
    assert (
        error_code(reject_identity_check, check, staff, reason="OTHER", comment=long)
        == "REJECTION_COMMENT_REQUIRED"
    )
    check.refresh_from_db()
    assert check.status == CheckStatus.SUBMITTED


# --- Personal data --------------------------------------------------------------------------------


def test_erasing_removes_names_number_birth_date_and_photo_and_closes_an_open_check(private_documents):
    user = young()
    submit(user, paris(2026, 3, 10, 12))
    assert len(stored_files(private_documents)) == 1

    assert erase_identity_data(user, at=paris(2026, 4, 1)) == 1
    check = IdentityCheck.objects.get(user=user)
    assert (check.first_name, check.last_name, check.document_number, check.birth_date) == ("", "", "", None)
    assert not check.document_photo
    assert check.status == CheckStatus.REJECTED
    assert stored_files(private_documents) == []
    assert erase_identity_data(user) == 0


def test_identity_data_is_a_plain_value():
    data = identity_data()
    assert isinstance(data, IdentityData)
