"""Bank details of venues: the pro saves them (draft or submitted), staff accept or reject them.

Rules (RULES.md "Reimbursement"): checked by checksum; approved by staff before any payment; a change
goes back to approval and is recorded in the audit log, with IBANs masked (the log is read widely and
kept forever: it must not become a list of bank accounts).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import PermissionDenied
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.validation import check_can_act_for_offerer

from . import emails
from .constants import REJECTION_REASON_MAX_LENGTH, BankAccountStatus
from .exceptions import (
    BankAccountAlreadySubmitted,
    BankAccountChangedConcurrently,
    BankAccountNotPending,
    BicRequired,
    IbanRequired,
    RejectionReasonRequired,
)
from .models import BankAccount
from .validation import check_bic, check_holder, check_iban, infer_bic, mask_iban


@dataclass(frozen=True)
class BankDetails:
    iban: str
    bic: str
    holder: str
    bic_inferred: bool


def check_bank_details(iban: str, bic: str, holder: str) -> BankDetails:
    """Checks and normalises what the pro typed; fills the BIC from the IBAN when it is left empty."""
    checked_iban = check_iban(iban)
    checked_bic = check_bic(bic, iban=checked_iban)
    inferred = False
    if not checked_bic:
        checked_bic = infer_bic(checked_iban)
        inferred = bool(checked_bic)
    return BankDetails(
        iban=str(checked_iban.compact), bic=checked_bic, holder=check_holder(holder), bic_inferred=inferred
    )


def _current_locked(venue) -> BankAccount | None:
    return lock(BankAccount.objects.filter(venue_id=venue.pk, archived_at__isnull=True)).first()


def _audit_data(account: BankAccount, **extra) -> dict:
    return {
        "venue_id": account.venue_id,
        "iban": mask_iban(account.iban),
        "bic": account.bic,
        "holder": account.holder,
        "status": account.status,
        **extra,
    }


@transaction.atomic
def save_bank_account(
    actor, venue, *, iban: str | None, bic: str = "", holder: str, submit: bool = True
) -> BankAccount:
    """Saves the venue's bank details, as a draft or submitted for staff validation.

    `iban` empty keeps the current account's IBAN (pro pages never show it back in full). A draft is
    edited in place; details already submitted are never rewritten: any change archives them and
    creates a new PENDING account, so the venue is not paid until staff approve the new details.
    """
    check_can_act_for_offerer(actor, venue.offerer_id)
    current = _current_locked(venue)
    if not (iban or "").strip():
        if current is None:
            raise IbanRequired()
        iban = current.iban
    details = check_bank_details(iban or "", bic, holder)
    if submit and not details.bic:
        raise BicRequired()
    now = utcnow()

    if current is not None and current.status == BankAccountStatus.DRAFT:
        iban_changed = current.iban != details.iban
        old_iban = current.iban
        current.iban, current.bic, current.holder = details.iban, details.bic, details.holder
        if submit:
            current.status = BankAccountStatus.PENDING
            current.submitted_at = now
        current.save()
        log_action(
            "bank_account.submitted" if submit else "bank_account.draft_saved",
            actor=actor,
            target=current,
            data=_audit_data(current, **({"old_iban": mask_iban(old_iban)} if iban_changed else {})),
        )
        return current

    unchanged = current is not None and (current.iban, current.bic, current.holder) == (
        details.iban,
        details.bic,
        details.holder,
    )
    # Sending rejected details again unchanged (e.g. after a call with staff) is a new request; otherwise
    # an accepted or pending account stays as it is.
    if current is not None and unchanged and (current.status != BankAccountStatus.REJECTED or not submit):
        return current

    if current is not None and not submit:
        raise BankAccountAlreadySubmitted()

    if current is not None:
        current.archived_at = now
        current.save(update_fields=["archived_at", "updated_at"])
    try:
        with transaction.atomic():
            account = BankAccount.objects.create(
                venue_id=venue.pk,
                iban=details.iban,
                bic=details.bic,
                holder=details.holder,
                status=BankAccountStatus.PENDING if submit else BankAccountStatus.DRAFT,
                submitted_at=now if submit else None,
            )
    except IntegrityError as error:
        # Two first saves at once: there was no row to lock, the one-current-account index decides.
        raise BankAccountChangedConcurrently() from error
    if current is None:
        action = "bank_account.submitted" if submit else "bank_account.draft_saved"
        data = _audit_data(account)
    else:
        action = "bank_account.changed"
        data = _audit_data(
            account,
            previous_account_id=current.pk,
            previous_status=current.status,
            old_iban=mask_iban(current.iban),
            iban_changed=current.iban != account.iban,
        )
    log_action(action, actor=actor, target=account, data=data)
    return account


def _check_staff(actor) -> None:
    if not (actor is not None and getattr(actor, "is_active", False) and getattr(actor, "is_staff", False)):
        raise PermissionDenied()


def _pending_locked(account_id: int) -> BankAccount:
    account = lock(BankAccount.objects.filter(pk=account_id)).select_related("venue__offerer").first()
    if account is None or account.archived_at is not None or account.status != BankAccountStatus.PENDING:
        raise BankAccountNotPending()
    return account


@transaction.atomic
def accept_bank_account(actor, account_id: int) -> BankAccount:
    """Staff approve the details: from now on the venue can be paid."""
    _check_staff(actor)
    account = _pending_locked(account_id)
    account.status = BankAccountStatus.ACCEPTED
    account.decided_at = utcnow()
    account.decided_by = actor
    account.rejection_reason = ""
    account.save()
    log_action("bank_account.accepted", actor=actor, target=account, data=_audit_data(account))
    emails.notify_bank_account_accepted(account)
    return account


@transaction.atomic
def reject_bank_account(actor, account_id: int, *, reason: str) -> BankAccount:
    """Staff refuse the details with a reason the pro receives; the pro can correct and resubmit."""
    _check_staff(actor)
    reason = check_text((reason or "").strip(), multiline=True)
    if not reason or len(reason) > REJECTION_REASON_MAX_LENGTH:
        raise RejectionReasonRequired()
    account = _pending_locked(account_id)
    account.status = BankAccountStatus.REJECTED
    account.decided_at = utcnow()
    account.decided_by = actor
    account.rejection_reason = reason
    account.save()
    log_action("bank_account.rejected", actor=actor, target=account, data=_audit_data(account, reason=reason))
    emails.notify_bank_account_rejected(account)
    return account
