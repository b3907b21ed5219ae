import datetime as dt
from dataclasses import dataclass

from passculture.core.common.time import add_years, age_on

from .constants import ELIGIBLE_AGE
from .models import User


def get_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


@dataclass(frozen=True)
class Eligibility:
    status: str  # "NOT_YET", "ELIGIBLE", "NO_LONGER", "UNKNOWN"
    eligible_from: dt.date | None
    eligible_until: dt.date | None  # exclusive: the 19th birthday
    message: str


def eligibility(birth_date: dt.date | None, day: dt.date, age: int = ELIGIBLE_AGE) -> Eligibility:
    """Eligible from the 18th birthday to the day before the 19th."""
    if birth_date is None:
        return Eligibility("UNKNOWN", None, None, "Date de naissance inconnue.")
    start = add_years(birth_date, age)
    end = add_years(birth_date, age + 1)
    if day < start:
        return Eligibility(
            "NOT_YET", start, end, f"Pas encore : vous serez éligible à partir du {start:%d/%m/%Y}."
        )
    if day >= end:
        return Eligibility(
            "NO_LONGER", start, end, "Vous n'êtes plus éligible : le pass Culture se demande à 18 ans."
        )
    return Eligibility("ELIGIBLE", start, end, "Vous êtes éligible au pass Culture.")


def user_age(user: User, day: dt.date) -> int | None:
    return age_on(user.birth_date, day) if user.birth_date else None


def staff_emails() -> list[str]:
    """Who receives the validation queues' notices: every active staff account."""
    return list(
        User.objects.filter(is_staff=True, is_active=True).order_by("email").values_list("email", flat=True)
    )
