import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.selectors import bookings_of_beneficiary
from passculture.core.common.time import age_on, format_day, to_local
from passculture.core.common.time import now as utcnow

from .constants import ELIGIBLE_AGE, DeletionStatus
from .models import AccountDeletionRequest, User


def get_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def today(at: dt.datetime | None = None) -> dt.date:
    """The calendar day in France: ages and eligibility change at midnight, Paris time."""
    return to_local(at or utcnow(), settings.TIME_ZONE).date()


def birthday(birth_date: dt.date, years: int) -> dt.date:
    """The day someone born on `birth_date` turns `years` old.

    Born on 29 February: in a common year the age is reached on 1 March, the French civil-law reading
    (an age is reached once the full number of years has elapsed, and the year is not complete on
    28 February). It is also what `age_on` computes, so eligibility and age checks always agree."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(birth_date.year + years, 3, 1)


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


def eligibility(birth_date: dt.date | None, day: dt.date, age: int = ELIGIBLE_AGE) -> Eligibility:
    """Eligible from the 18th birthday to the day before the 19th."""
    if birth_date is None:
        return Eligibility("UNKNOWN", None, None, "Date de naissance inconnue.")
    start = birthday(birth_date, age)
    end = birthday(birth_date, age + 1)
    if day < start:
        return Eligibility(
            "NOT_YET",
            start,
            end,
            f"Pas encore : vous pourrez demander le pass Culture à partir du {format_day(start)}, "
            f"le jour de vos {age} ans.",
        )
    if day >= end:
        return Eligibility(
            "NO_LONGER",
            start,
            end,
            f"Vous n'êtes plus éligible : le pass Culture se demande entre {age} et {age + 1} ans, "
            f"au plus tard la veille de vos {age + 1} ans (le {format_day(end - dt.timedelta(days=1))}). "
            "Vous pouvez garder votre compte.",
        )
    return Eligibility(
        "ELIGIBLE",
        start,
        end,
        f"Vous êtes éligible au pass Culture jusqu'au {format_day(end - dt.timedelta(days=1))} inclus.",
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
