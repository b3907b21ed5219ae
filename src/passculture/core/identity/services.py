"""Identity checks: submission, then one approval or one rejection, whoever decides (staff or provider).

Approval grants the deposit in the same transaction (credit.services.grant_deposit), with the age the
beneficiary had on the day they submitted: the right to the credit is acquired when the process starts,
so a check sent at 18 and reviewed after the 19th birthday is still granted (the real service does the
same). The policy is the one in force on the day of the approval (RULES.md).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import PermissionDenied
from passculture.core.common.geography import timezone_for_postal_code
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import age_on
from passculture.core.common.time import now as utcnow
from passculture.core.credit.exceptions import DepositAlreadyGranted, NoPolicyInForce, NotEligible
from passculture.core.credit.selectors import deposits_of, grant_ages
from passculture.core.credit.services import grant_deposit
from passculture.core.notifications.push import push_credit_granted
from passculture.core.notifications.services import queue_built
from passculture.core.users.exceptions import AccountInactive
from passculture.core.users.selectors import eligibility

from . import emails
from .constants import REJECTION_COMMENT_MAX_LENGTH, CheckStatus, RejectionReason
from .documents import PreparedPhoto, prepare_document_photo
from .exceptions import (
    DocumentPhotoRequired,
    IdentityCheckAlreadyOpen,
    IdentityCheckNotFound,
    IdentityCheckNotPending,
    IdentityDataMismatch,
    InvalidRejectionReason,
    RejectionCommentRequired,
)
from .models import IdentityCheck
from .providers import ProviderDecision, get_provider, provider_label
from .selectors import eligibility_error, local_day, mismatched_fields, submission_blocker
from .validation import IdentityData, check_identity_data

# --- Submission -----------------------------------------------------------------------------------


def submit_identity_check(
    user, data: IdentityData, *, photo=None, at: dt.datetime | None = None, provider: str | None = None
) -> IdentityCheck:
    """The beneficiary sends their document's details (and its photo) to the configured provider."""
    at = at or utcnow()
    day = local_day(at)
    blocker = submission_blocker(user, day)
    if blocker is not None:
        raise blocker
    data = check_identity_data(data, day)
    # The document's birth date decides, not the account's: it is what staff will check.
    error = eligibility_error(eligibility(data.birth_date, day))
    if error is not None:
        raise error
    chosen = get_provider(provider)
    prepared = prepare_document_photo(photo) if photo is not None else None
    if chosen.requires_photo and prepared is None:
        raise DocumentPhotoRequired()
    return chosen.submit(user, data, photo=prepared, at=at)


def record_submission(
    user,
    data: IdentityData,
    *,
    provider: str,
    photo: PreparedPhoto | None,
    at: dt.datetime,
    provider_reference: str = "",
) -> IdentityCheck:
    """Stores a check SUBMITTED (called by providers). The database refuses a second open check."""
    check = IdentityCheck(
        user=user,
        provider=provider,
        provider_reference=provider_reference,
        status=CheckStatus.SUBMITTED,
        document_type=data.document_type,
        document_number=data.document_number,
        first_name=data.first_name,
        last_name=data.last_name,
        birth_date=data.birth_date,
        submitted_at=at,
    )
    if photo is not None:
        check.document_photo.save(photo.name, photo, save=False)
    try:
        with transaction.atomic():
            check.save()
            log_action(
                "identity_check.submitted",
                actor=user,
                target=check,
                data={"provider": provider, "document_type": data.document_type},
            )
    except IntegrityError as exc:
        _delete_photo(check)
        raise IdentityCheckAlreadyOpen() from exc
    except BaseException:
        _delete_photo(check)
        raise
    return check


def _delete_photo(check: IdentityCheck) -> None:
    if check.document_photo:
        check.document_photo.storage.delete(check.document_photo.name)


# --- Decisions ------------------------------------------------------------------------------------


def _check_decider(actor) -> None:
    """Staff decide by hand; a provider decides with no actor (its name goes in the log)."""
    if actor is not None and not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Seule l'équipe pass Culture peut traiter les vérifications d'identité.")


def _locked_open_check(check) -> IdentityCheck:
    check_id = getattr(check, "pk", check)
    locked = lock(IdentityCheck.objects.filter(pk=check_id)).first()
    if locked is None:
        raise IdentityCheckNotFound()
    # Re-read under the lock: a concurrent reviewer may have decided while this one was looking.
    if locked.status != CheckStatus.SUBMITTED:
        raise IdentityCheckNotPending()
    return locked


def _decider_label(actor, actor_label: str, check: IdentityCheck) -> str:
    if actor is not None:
        return ""
    return actor_label or f"provider:{check.provider}"


@transaction.atomic
def approve_identity_check(
    check,
    actor=None,
    *,
    at: dt.datetime | None = None,
    confirm_mismatch: bool = False,
    actor_label: str = "",
) -> IdentityCheck:
    """Approves a submitted check and grants the deposit, once. `check` is a check or its id.

    When the document differs from the account (names, birth date), the decider must confirm having
    compared them (`confirm_mismatch`). The document then wins for the birth date, which decides
    eligibility and, with the 2025 policy, the expiry; the account's names are kept (a usage name or
    only the first of the given names is normal) and the document's stay on the check."""
    _check_decider(actor)
    at = at or utcnow()
    locked = _locked_open_check(check)
    user = lock(get_user_model().objects.filter(pk=locked.user_id)).get()
    if not user.is_active:
        raise AccountInactive()
    mismatches = mismatched_fields(locked, user)
    if mismatches and not confirm_mismatch:
        raise IdentityDataMismatch(fields=mismatches)
    if user.birth_date != locked.birth_date:
        previous = user.birth_date
        user.birth_date = locked.birth_date
        user.save(update_fields=["birth_date"])
        log_action(
            "user.birth_date_corrected",
            actor=actor,
            actor_label=_decider_label(actor, actor_label, locked),
            target=user,
            data={"from": previous, "to": locked.birth_date, "identity_check_id": locked.pk},
        )
    deposit = grant_deposit(
        user,
        at=at,
        actor=actor,
        source=f"identity_check:{locked.pk}",
        eligible_on=local_day(locked.submitted_at),
    )
    locked.status = CheckStatus.APPROVED
    locked.reviewer = actor
    locked.reviewer_label = _decider_label(actor, actor_label, locked)
    locked.reviewed_at = at
    locked.deposit = deposit
    locked.save()
    log_action(
        "identity_check.approved",
        actor=actor,
        actor_label=locked.reviewer_label,
        target=locked,
        data={
            "user_id": user.pk,
            "deposit_id": deposit.pk,
            "amount_cents": deposit.amount_cents,
            "mismatches": mismatches,
        },
    )
    # Decided by staff or a provider, not by the person just now: never in their quiet hours.
    tz_name = timezone_for_postal_code(user.postal_code)
    queue_built(emails.identity_approved(user, deposit), related=locked, quiet_in=tz_name)
    push_credit_granted(user, deposit, tz_name=tz_name)
    return locked


@transaction.atomic
def reject_identity_check(
    check,
    actor=None,
    *,
    reason: str,
    comment: str = "",
    at: dt.datetime | None = None,
    actor_label: str = "",
) -> IdentityCheck:
    """Rejects a submitted check with a reason code (and free text); the beneficiary may submit again."""
    _check_decider(actor)
    if reason not in RejectionReason.values:
        raise InvalidRejectionReason()
    comment = check_text((comment or "").strip(), multiline=True)
    if len(comment) > REJECTION_COMMENT_MAX_LENGTH or (reason == RejectionReason.OTHER and not comment):
        raise RejectionCommentRequired()
    at = at or utcnow()
    locked = _locked_open_check(check)
    locked.status = CheckStatus.REJECTED
    locked.reviewer = actor
    locked.reviewer_label = _decider_label(actor, actor_label, locked)
    locked.reviewed_at = at
    locked.rejection_reason = reason
    locked.rejection_comment = comment
    locked.save()
    log_action(
        "identity_check.rejected",
        actor=actor,
        actor_label=locked.reviewer_label,
        target=locked,
        data={"user_id": locked.user_id, "reason": reason, "comment": comment},
    )
    queue_built(
        emails.identity_rejected(locked),
        related=locked,
        quiet_in=timezone_for_postal_code(locked.user.postal_code),
    )
    return locked


# --- The credit of a new age ----------------------------------------------------------------------


def grant_credits_of_new_age(at: dt.datetime | None = None) -> dict:
    """The daily job: a beneficiary whose identity was verified for an earlier credit (the 17-year-olds'
    credit of the 2025 policy) receives the credit of the age reached (18) without a new check: the
    document already proved who they are and their birth date, and the one approved check per person
    stays the record of it. Each grant is its own transaction; a run twice (or concurrent) grants once
    (`grant_deposit` refuses a second credit for an age, the database a second one for a policy)."""
    at = at or utcnow()
    day = local_day(at)
    ages = grant_ages(day)
    granted = 0
    if ages is None:
        return {"granted": 0}
    youngest, oldest = ages
    for age in range(youngest + 1, oldest + 1):
        candidates = (
            get_user_model()
            .objects.filter(
                is_active=True,
                identity_checks__status=CheckStatus.APPROVED,
                deposits__policy__age__lt=age,
                # Roughly the right birth years; `age_on` decides below (29 February...).
                birth_date__gt=dt.date(day.year - age - 1, 1, 1),
                birth_date__lte=dt.date(day.year - age, 12, 31),
            )
            .exclude(deposits__policy__age=age)
            .distinct()
            .order_by("pk")
        )
        for user in candidates:
            if user.birth_date is None or age_on(user.birth_date, day) != age:
                continue
            if _grant_credit_of_new_age(user.pk, at):
                granted += 1
    return {"granted": granted}


@transaction.atomic
def _grant_credit_of_new_age(user_id: int, at: dt.datetime) -> bool:
    user = lock(get_user_model().objects.filter(pk=user_id, is_active=True)).first()
    check = IdentityCheck.objects.filter(user_id=user_id, status=CheckStatus.APPROVED).first()
    if user is None or check is None:
        return False
    earlier = [deposit for deposit in deposits_of(user) if at < deposit.expires_at]
    try:
        deposit = grant_deposit(user, at=at, source=f"identity_check:{check.pk}")
    except (DepositAlreadyGranted, NotEligible, NoPolicyInForce):
        return False  # granted meanwhile, or no longer due
    remaining = sum(max(d.amount_cents - d.spent_cents, 0) for d in earlier)
    last_expiry = max((d.expires_at for d in earlier), default=deposit.expires_at)
    # Granted by the daily job: the person's quiet hours apply.
    tz_name = timezone_for_postal_code(user.postal_code)
    content = emails.credit_of_age_granted(user, deposit, remaining, last_expiry)
    queue_built(content, related=deposit, quiet_in=tz_name)
    push_credit_granted(user, deposit, tz_name=tz_name)
    return True


def record_provider_decision(provider: str, decision: ProviderDecision) -> IdentityCheck:
    """A provider's verdict (a vendor's webhook, FranceConnect's answer) applied like a staff decision."""
    get_provider(provider)  # only a configured provider may decide
    check = IdentityCheck.objects.filter(provider=provider, provider_reference=decision.reference).first()
    if check is None or not decision.reference:
        raise IdentityCheckNotFound()
    label = f"provider:{provider}"
    if decision.approved:
        # A provider that approved has compared the document itself: no human confirmation to ask for.
        return approve_identity_check(check, at=decision.decided_at, confirm_mismatch=True, actor_label=label)
    return reject_identity_check(
        check,
        reason=decision.reason_code or RejectionReason.OTHER,
        comment=decision.comment or f"Refusé par le service de vérification « {provider_label(provider)} ».",
        at=decision.decided_at,
        actor_label=label,
    )


# --- Personal data --------------------------------------------------------------------------------


@transaction.atomic
def erase_identity_data(user, *, at: dt.datetime | None = None) -> int:
    """Erases what the user's checks say about them (names, birth date, document number, photo) when
    their account is anonymised; the checks stay, as the record of why a deposit was granted.
    Returns the number of checks erased; safe to run twice."""
    at = at or utcnow()
    checks = list(lock(IdentityCheck.objects.filter(user=user)).order_by("id"))
    erased = 0
    for check in checks:
        if not (check.first_name or check.last_name or check.document_number or check.document_photo):
            continue
        _delete_photo(check)
        fields: dict = {"first_name": "", "last_name": "", "document_number": "", "birth_date": None}
        if check.status == CheckStatus.SUBMITTED:
            # Nobody is left to answer: the check leaves the staff queue.
            fields.update(
                status=CheckStatus.REJECTED,
                reviewed_at=at,
                reviewer_label="anonymisation",
                rejection_reason=RejectionReason.OTHER,
                rejection_comment="Compte supprimé.",
            )
        IdentityCheck.objects.filter(pk=check.pk).update(document_photo="", **fields)
        erased += 1
    if erased:
        log_action("identity_check.erased", actor_label="anonymisation", target=user, data={"checks": erased})
    return erased
