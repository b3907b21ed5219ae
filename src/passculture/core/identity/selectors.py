"""Read side of identity checks: the beneficiary's state, the staff queue, the comparisons staff see."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from passculture.core.common.counting import capped_count
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.credit.exceptions import NoLongerEligible, NotYetEligible
from passculture.core.credit.models import Deposit
from passculture.core.credit.selectors import latest_deposit
from passculture.core.users.constants import Role
from passculture.core.users.exceptions import EmailNotValidated, NotABeneficiary
from passculture.core.users.selectors import Eligibility, eligibility

from .constants import CheckStatus
from .exceptions import IdentityAlreadyVerified, IdentityCheckAlreadyOpen
from .models import IdentityCheck
from .validation import first_names_match, last_names_match

NOT_STARTED = "NOT_STARTED"


def local_day(moment: dt.datetime) -> dt.date:
    return to_local(moment, settings.TIME_ZONE).date()


def latest_check(user) -> IdentityCheck | None:
    return IdentityCheck.objects.filter(user=user).order_by("-submitted_at", "-id").first()


def checks_of_user(user) -> QuerySet[IdentityCheck]:
    return IdentityCheck.objects.filter(user=user).order_by("-submitted_at", "-id")


def eligibility_error(info: Eligibility) -> DomainError | None:
    if info.status == "NOT_YET":
        return NotYetEligible(info.message)
    if info.status == "NO_LONGER":
        return NoLongerEligible(info.message)
    return None


def submission_blocker(user, day: dt.date) -> DomainError | None:
    """Why this user cannot send an identity check today (None: they can). The account's birth date is
    used here; the service checks the document's birth date too."""
    if not user.is_active or user.role != Role.BENEFICIARY:
        return NotABeneficiary("Seuls les jeunes bénéficiaires peuvent demander le crédit pass Culture.")
    if IdentityCheck.objects.filter(user=user, status=CheckStatus.APPROVED).exists() or (
        Deposit.objects.filter(user=user).exists()
    ):
        return IdentityAlreadyVerified()
    if IdentityCheck.objects.filter(user=user, status=CheckStatus.SUBMITTED).exists():
        return IdentityCheckAlreadyOpen()
    if not user.is_email_validated:
        return EmailNotValidated(
            "Confirmez d'abord votre adresse email (lien reçu à l'inscription) : c'est par email que "
            "vous recevrez la réponse."
        )
    return eligibility_error(eligibility(user.birth_date, day))


@dataclass(frozen=True)
class IdentityState:
    """What the beneficiary's identity page and `GET /identity_check` show."""

    status: str  # NOT_STARTED, SUBMITTED, APPROVED, REJECTED
    check: IdentityCheck | None
    eligibility: Eligibility
    deposit: Deposit | None
    blocker: DomainError | None

    @property
    def can_submit(self) -> bool:
        return self.blocker is None


def identity_state(user, at: dt.datetime | None = None) -> IdentityState:
    at = at or utcnow()
    check = latest_check(user)
    deposit = latest_deposit(user)
    if deposit is not None or (check is not None and check.status == CheckStatus.APPROVED):
        status = CheckStatus.APPROVED.value
    elif check is not None:
        status = check.status
    else:
        status = NOT_STARTED
    day = local_day(at)
    return IdentityState(
        status=status,
        check=check,
        eligibility=eligibility(user.birth_date, day),
        deposit=deposit,
        blocker=submission_blocker(user, day),
    )


# --- Staff ----------------------------------------------------------------------------------------


def review_queue(status: str | None = CheckStatus.SUBMITTED) -> QuerySet[IdentityCheck]:
    """Oldest first: a beneficiary waiting longest is answered first."""
    checks = IdentityCheck.objects.select_related("user", "reviewer", "deposit")
    if status:
        checks = checks.filter(status=status)
    return checks.order_by("submitted_at", "id")


def pending_check_count() -> int:
    """Checks submitted and not yet decided (capped: core.common.counting)."""
    return capped_count(IdentityCheck.objects.filter(status=CheckStatus.SUBMITTED))


def get_check(check_id: int) -> IdentityCheck | None:
    return (
        IdentityCheck.objects.select_related("user", "reviewer", "deposit", "deposit__policy")
        .filter(pk=check_id)
        .first()
    )


def same_document_elsewhere(check: IdentityCheck) -> list[IdentityCheck]:
    """Checks of other accounts with the same document number: one document, one credit."""
    return list(
        IdentityCheck.objects.filter(document_number=check.document_number)
        .exclude(user_id=check.user_id)
        .select_related("user")
        .order_by("submitted_at")
    )


@dataclass(frozen=True)
class FieldComparison:
    field: str
    label: str
    account: str
    document: str
    matches: bool


def compare_with_account(check: IdentityCheck, user) -> list[FieldComparison]:
    """The account's data beside the document's, field by field (staff see both; mismatches stand out)."""
    account_birth = user.birth_date.strftime("%d/%m/%Y") if user.birth_date else ""
    return [
        FieldComparison(
            "first_name",
            "Prénom(s)",
            user.first_name,
            check.first_name,
            first_names_match(user.first_name, check.first_name),
        ),
        FieldComparison(
            "last_name",
            "Nom",
            user.last_name,
            check.last_name,
            last_names_match(user.last_name, check.last_name),
        ),
        FieldComparison(
            "birth_date",
            "Date de naissance",
            account_birth,
            check.birth_date.strftime("%d/%m/%Y") if check.birth_date else "",
            user.birth_date == check.birth_date,
        ),
    ]


def mismatched_fields(check: IdentityCheck, user) -> list[str]:
    return [row.field for row in compare_with_account(check, user) if not row.matches]


def open_check_of(user) -> IdentityCheck | None:
    return IdentityCheck.objects.filter(user=user, status=CheckStatus.SUBMITTED).first()
