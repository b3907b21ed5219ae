import datetime as dt

import pytest
import time_machine

from passculture.core.common.models import AuditLog
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import (
    IBAN_CREDIT_AGRICOLE,
    IBAN_LA_BANQUE_POSTALE,
    BankAccountFactory,
)
from passculture.core.finance.models import BankAccount
from passculture.core.finance.services import accept_bank_account, reject_bank_account, save_bank_account
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.helpers import error_code

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def save(actor, venue, iban=IBAN_CREDIT_AGRICOLE, bic="", holder="Cinéma Lumière SAS", submit=True):
    return save_bank_account(actor, venue, iban=iban, bic=bic, holder=holder, submit=submit)


def current(venue) -> BankAccount:
    return BankAccount.objects.get(venue=venue, archived_at__isnull=True)


# --- Pro saves ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_submitted_details_wait_for_staff_validation(pro, venue):
    account = save(pro, venue)
    assert account.status == BankAccountStatus.PENDING
    assert account.submitted_at == NOW
    assert account.iban == IBAN_CREDIT_AGRICOLE


def test_the_iban_is_stored_compact_and_uppercase(pro, venue):
    account = save(pro, venue, iban="fr76 3000 6000 0112 3456 7890 189")
    assert account.iban == IBAN_CREDIT_AGRICOLE


def test_the_bic_is_filled_from_the_iban_when_left_empty(pro, venue):
    assert save(pro, venue, bic="").bic == "AGRIFRPP"


def test_a_typed_bic_is_kept(pro, venue):
    assert save(pro, venue, bic="agrifrpp820").bic == "AGRIFRPP820"


def test_an_iban_with_a_wrong_checksum_is_refused_and_nothing_is_saved(pro, venue):
    assert error_code(save, pro, venue, iban="FR7630006000011234567890188") == "INVALID_IBAN"
    assert not BankAccount.objects.exists()


def test_a_bic_inconsistent_with_the_iban_country_is_refused(pro, venue):
    assert error_code(save, pro, venue, bic="COBADEFFXXX") == "BIC_IBAN_MISMATCH"


def test_submitting_needs_a_bic_when_the_registry_does_not_know_the_bank(pro, venue):
    unknown_bank = "FR7699999000001234567890167"
    assert error_code(save, pro, venue, iban=unknown_bank) == "BIC_REQUIRED"
    assert save(pro, venue, iban=unknown_bank, submit=False).status == BankAccountStatus.DRAFT


def test_a_draft_is_kept_unsubmitted_and_edited_in_place(pro, venue):
    draft = save(pro, venue, submit=False)
    assert draft.status == BankAccountStatus.DRAFT
    assert draft.submitted_at is None
    again = save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE, submit=False)
    assert again.pk == draft.pk
    assert again.iban == IBAN_LA_BANQUE_POSTALE


def test_submitting_a_draft_makes_it_pending(pro, venue):
    draft = save(pro, venue, submit=False)
    submitted = save(pro, venue, iban="")
    assert submitted.pk == draft.pk
    assert submitted.status == BankAccountStatus.PENDING


def test_an_empty_iban_keeps_the_current_one(pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    account = save(pro, venue, iban="", holder="Nouveau titulaire")
    assert account.iban == IBAN_CREDIT_AGRICOLE


def test_an_empty_iban_is_required_for_a_first_account(pro, venue):
    assert error_code(save, pro, venue, iban="") == "IBAN_REQUIRED"


def test_a_pro_cannot_save_bank_details_of_another_offerers_venue(pro):
    other_venue = VenueFactory()
    assert error_code(save, pro, other_venue) == "OFFERER_ACCESS_DENIED"
    assert not BankAccount.objects.exists()


# --- Changes --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_change_of_iban_of_accepted_details_returns_to_pending(pro, venue):
    accepted = BankAccountFactory(venue=venue, accepted=True)
    changed = save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE)
    assert changed.pk != accepted.pk
    assert changed.status == BankAccountStatus.PENDING
    assert changed.bic == "PSSTFRPP"
    accepted.refresh_from_db()
    assert accepted.archived_at == NOW
    assert accepted.status == BankAccountStatus.ACCEPTED  # history keeps what staff had decided
    assert current(venue) == changed


def test_a_change_of_iban_is_written_to_the_audit_log_with_masked_ibans(pro, venue):
    accepted = BankAccountFactory(venue=venue, accepted=True)
    changed = save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE)
    entry = AuditLog.objects.get(action="bank_account.changed")
    assert entry.actor == pro
    assert entry.target_id == str(changed.pk)
    assert entry.data["old_iban"] == "FR76 **** **** **** **** **** 189"
    assert entry.data["iban"] == "FR14 **** **** **** **** **** 606"
    assert entry.data["iban_changed"] is True
    assert entry.data["previous_account_id"] == accepted.pk


def test_the_audit_log_never_holds_a_full_iban(pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE)
    save(pro, venue, iban=IBAN_CREDIT_AGRICOLE, holder="Autre")
    logged = str(list(AuditLog.objects.values_list("data", flat=True)))
    assert IBAN_CREDIT_AGRICOLE not in logged
    assert IBAN_LA_BANQUE_POSTALE not in logged
    assert "3000 6000" not in logged


def test_a_change_of_holder_of_accepted_details_also_returns_to_pending(pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    assert save(pro, venue, iban="", holder="Autre titulaire").status == BankAccountStatus.PENDING


def test_saving_unchanged_accepted_details_keeps_them_accepted(pro, venue):
    accepted = BankAccountFactory(venue=venue, accepted=True, holder="Cinéma Lumière SAS")
    assert save(pro, venue, bic="AGRIFRPPXXX") == accepted
    accepted.refresh_from_db()
    assert accepted.status == BankAccountStatus.ACCEPTED
    assert not AuditLog.objects.filter(action__startswith="bank_account.").exists()


def test_submitted_details_cannot_be_changed_into_a_draft(pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    assert error_code(save, pro, venue, iban=IBAN_LA_BANQUE_POSTALE, submit=False) == (
        "BANK_ACCOUNT_ALREADY_SUBMITTED"
    )
    assert current(venue).status == BankAccountStatus.ACCEPTED


def test_rejected_details_sent_again_unchanged_are_a_new_pending_request(pro, venue, staff):
    rejected = reject_bank_account(staff, save(pro, venue).pk, reason="RIB illisible")
    again = save(pro, venue)
    assert again.pk != rejected.pk
    assert again.status == BankAccountStatus.PENDING
    rejected.refresh_from_db()
    assert rejected.rejection_reason == "RIB illisible"


def test_a_venue_has_at_most_one_current_account(pro, venue):
    save(pro, venue)
    save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE)
    save(pro, venue, iban=IBAN_CREDIT_AGRICOLE)
    assert BankAccount.objects.filter(venue=venue).count() == 3
    assert BankAccount.objects.filter(venue=venue, archived_at__isnull=True).count() == 1


# --- Staff decisions ------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_staff_accept_pending_details(staff):
    account = BankAccountFactory()
    accepted = accept_bank_account(staff, account.pk)
    assert accepted.status == BankAccountStatus.ACCEPTED
    assert accepted.decided_at == NOW
    assert accepted.decided_by == staff
    entry = AuditLog.objects.get(action="bank_account.accepted")
    assert entry.actor == staff
    assert entry.data["iban"] == "FR76 **** **** **** **** **** 189"


@time_machine.travel(NOW, tick=False)
def test_staff_reject_pending_details_with_a_reason(staff):
    account = BankAccountFactory()
    rejected = reject_bank_account(staff, account.pk, reason="  Le titulaire ne correspond pas au SIREN  ")
    assert rejected.status == BankAccountStatus.REJECTED
    assert rejected.rejection_reason == "Le titulaire ne correspond pas au SIREN"
    assert rejected.decided_at == NOW
    entry = AuditLog.objects.get(action="bank_account.rejected")
    assert entry.data["reason"] == "Le titulaire ne correspond pas au SIREN"


def test_a_rejection_needs_a_reason(staff):
    account = BankAccountFactory()
    assert error_code(reject_bank_account, staff, account.pk, reason="  ") == "REJECTION_REASON_REQUIRED"
    account.refresh_from_db()
    assert account.status == BankAccountStatus.PENDING


@pytest.mark.parametrize("decide", ["accept", "reject"])
def test_only_staff_decide_on_bank_details(pro, venue, decide):
    account = BankAccountFactory(venue=venue)
    if decide == "accept":
        assert error_code(accept_bank_account, pro, account.pk) == "FORBIDDEN"
    else:
        assert error_code(reject_bank_account, pro, account.pk, reason="non") == "FORBIDDEN"
    account.refresh_from_db()
    assert account.status == BankAccountStatus.PENDING


def test_details_already_decided_cannot_be_decided_again(staff):
    account = BankAccountFactory(accepted=True)
    assert (
        error_code(reject_bank_account, staff, account.pk, reason="trop tard") == "BANK_ACCOUNT_NOT_PENDING"
    )


def test_details_replaced_while_waiting_cannot_be_accepted(pro, venue, staff):
    first = save(pro, venue)
    save(pro, venue, iban=IBAN_LA_BANQUE_POSTALE)
    assert error_code(accept_bank_account, staff, first.pk) == "BANK_ACCOUNT_NOT_PENDING"


# --- Emails ---------------------------------------------------------------------------------------


def test_acceptance_is_emailed_to_the_offerer_admins_and_the_venue(staff):
    account = BankAccountFactory(venue__booking_email="caisse@cinema.example.com")
    admin = MembershipFactory(offerer=account.venue.offerer, role=MembershipRole.ADMIN).user
    MembershipFactory(offerer=account.venue.offerer, role=MembershipRole.EDITOR)
    accept_bank_account(staff, account.pk)
    email = OutboxEmail.objects.get(kind="bank_account_accepted")
    assert email.to == [admin.email, "caisse@cinema.example.com"]
    assert "validées" in email.subject
    assert "FR76 **** **** **** **** **** 189" in email.text_body
    assert IBAN_CREDIT_AGRICOLE not in email.text_body + email.html_body


def test_rejection_is_emailed_with_its_reason(staff):
    account = BankAccountFactory()
    reject_bank_account(staff, account.pk, reason="Merci de joindre un RIB au nom de la structure")
    email = OutboxEmail.objects.get(kind="bank_account_rejected")
    assert email.to == [account.venue.booking_email]
    assert "Merci de joindre un RIB au nom de la structure" in email.text_body
    assert "Merci de joindre un RIB au nom de la structure" in email.html_body


def test_no_email_is_queued_when_the_pro_saves_details(pro, venue):
    save(pro, venue)
    assert not OutboxEmail.objects.exists()


def test_an_inactive_admin_gets_no_email(staff):
    account = BankAccountFactory(venue__booking_email="")
    MembershipFactory(offerer=account.venue.offerer, user=ProFactory(is_active=False))
    accept_bank_account(staff, account.pk)
    assert not OutboxEmail.objects.exists()
