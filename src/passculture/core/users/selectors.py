import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.selectors import bookings_of_beneficiary
from passculture.core.common.time import age_on, birthday, format_day, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import grant_ages

from .constants import ELIGIBLE_AGE, DeletionStatus
from .models import AccountDeletionRequest, User


def get_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def today(at: dt.datetime | None = None) -> dt.date:
    """The calendar day in France: ages and eligibility change at midnight, Paris time."""
    return to_local(at or utcnow(), settings.TIME_ZONE).date()


@dataclass(frozen=True)
class Eligibility:
    status: str  # "NOT_YET", "ELIGIBLE", "NO_LONGER", "UNKNOWN"
    eligible_from: dt.date | None
    eligible_until: dt.date | None  # exclusive: the 19th birthday
    message: str

    @property
    def last_eligible_day(self) -> dt.date | None:
        return self.eligible_until - dt.timedelta(days=1) if self.eligible_until else None

    @property
    def is_eligible(self) -> bool:
        return self.status == "ELIGIBLE"


def eligibility(birth_date: dt.date | None, day: dt.date, age: int | None = None) -> Eligibility:
    """Eligible from the birthday of the youngest age a credit policy in force grants (18; 17 once the
    2025 policy is switched on) to the day before the birthday after the oldest (the 19th). `age`: only
    that age."""
    if birth_date is None:
        return Eligibility("UNKNOWN", None, None, "Date de naissance inconnue.")
    youngest, oldest = (age, age) if age is not None else (grant_ages(day) or (ELIGIBLE_AGE, ELIGIBLE_AGE))
    start = birthday(birth_date, youngest)
    end = birthday(birth_date, oldest + 1)
    if day < start:
        return Eligibility(
            "NOT_YET",
            start,
            end,
            f"Pas encore : tu pourras demander le pass Culture à partir du {format_day(start)}, "
            f"le jour de tes {youngest} ans.",
        )
    if day >= end:
        return Eligibility(
            "NO_LONGER",
            start,
            end,
            f"Tu n'es plus éligible : le pass Culture se demande entre {youngest} et {oldest + 1} ans, "
            f"au plus tard la veille de tes {oldest + 1} ans (le {format_day(end - dt.timedelta(days=1))}). "
            "Tu peux garder ton compte.",
        )
    return Eligibility(
        "ELIGIBLE",
        start,
        end,
        f"Tu es éligible au pass Culture jusqu'au {format_day(end - dt.timedelta(days=1))} inclus.",
    )


def user_age(user: User, day: dt.date) -> int | None:
    return age_on(user.birth_date, day) if user.birth_date else None


def staff_emails() -> list[str]:
    """Who receives the validation queues' notices: every active staff account."""
    return list(
        User.objects.filter(is_staff=True, is_active=True).order_by("email").values_list("email", flat=True)
    )


def pending_deletion_request(user: User) -> AccountDeletionRequest | None:
    return AccountDeletionRequest.objects.filter(user=user, status=DeletionStatus.PENDING).first()


def pending_deletion_requests() -> QuerySet[AccountDeletionRequest]:
    return AccountDeletionRequest.objects.filter(status=DeletionStatus.PENDING).select_related("user")


@dataclass(frozen=True)
class DeletionImpact:
    """What a deletion request would do to the confirmed bookings, shown before the person confirms."""

    cancellable: int  # cancelled by the request: places and credit freed
    kept: int  # past their cancellation limit: final, kept


def deletion_impact(user: User, at: dt.datetime | None = None) -> DeletionImpact:
    at = at or utcnow()
    cancellable = kept = 0
    confirmed = bookings_of_beneficiary(user).filter(status=BookingStatus.CONFIRMED)
    for limit in confirmed.values_list("cancellation_limit_datetime", flat=True):
        if limit is None or at <= limit:
            cancellable += 1
        else:
            kept += 1
    return DeletionImpact(cancellable=cancellable, kept=kept)
