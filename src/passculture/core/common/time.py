"""Times are stored in UTC and shown in the venue's timezone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
FRENCH_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def now() -> dt.datetime:
    return timezone.now()


def to_local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(tz_name))


def local_to_utc(naive: dt.datetime, tz_name: str) -> dt.datetime:
    """Interpret a naive local wall-clock time in `tz_name`, return an aware UTC datetime."""
    if naive.tzinfo is not None:
        return naive.astimezone(dt.UTC)
    return naive.replace(tzinfo=ZoneInfo(tz_name)).astimezone(dt.UTC)


def local_time_exists(naive: dt.datetime, tz_name: str) -> bool:
    """False for a wall-clock time skipped by a daylight-saving change (02:30 on the last Sunday of
    March in Paris): `local_to_utc` would silently move it an hour later."""
    return to_local(local_to_utc(naive, tz_name), tz_name).replace(tzinfo=None) == naive


def format_local(moment: dt.datetime, tz_name: str, *, with_weekday: bool = False) -> str:
    """`samedi 12 décembre 2026 à 20h30` in the given timezone."""
    local = to_local(moment, tz_name)
    day = "1er" if local.day == 1 else str(local.day)
    text = f"{day} {FRENCH_MONTHS[local.month - 1]} {local.year} à {local.hour:02d}h{local.minute:02d}"
    if with_weekday:
        text = f"{FRENCH_WEEKDAYS[local.weekday()]} {text}"
    return text


def format_local_day(moment: dt.datetime, tz_name: str) -> str:
    """`1er mars 2029`: the calendar day of `moment` in the given timezone."""
    local = to_local(moment, tz_name)
    return f"{'1er' if local.day == 1 else local.day} {FRENCH_MONTHS[local.month - 1]} {local.year}"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def birthday(birth_date: dt.date, years: int) -> dt.date:
    """The day someone born on `birth_date` turns `years` old: the first day `age_on` gives that age.

    Born on 29 February: in a common year the age is reached on 1 March, the French civil-law reading
    (an age is reached once the full number of years has elapsed, and the year is not complete on
    28 February). Eligibility and the expiry of a credit "until the 21st birthday" both use it, so they
    always agree with `age_on`."""
    try:
        return birth_date.replace(year=birth_date.year + years)
    except ValueError:  # 29 February in a common year
        return dt.date(birth_date.year + years, 3, 1)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later, for durations (a credit valid 2 years); 29 February -> 28 February.
    Not an age: see `birthday`."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=day.year + years, day=28)
