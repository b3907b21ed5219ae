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


# Every date a person or a program sends (forms, JSON APIs, imports) lies within these days: no rule of the
# service needs a date outside them, and the arithmetic on dates near Python's own limits (years 1 and
# 9999) overflows. Domain rules bound most dates much more tightly (a showtime, a birth date).
EARLIEST_INPUT_DATE = dt.date(1900, 1, 1)
LATEST_INPUT_DATE = dt.date(2100, 12, 31)


def now() -> dt.datetime:
    return timezone.now()


def format_day(day: dt.date) -> str:
    """`1er mars 2026`, `15 mai 2026`."""
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def check_input_date(day: dt.date) -> dt.date:
    """A date (or the day of a datetime) that a person or a program sent, within the input bounds."""
    from .exceptions import DateOutOfBounds

    plain = day.date() if isinstance(day, dt.datetime) else day
    if not EARLIEST_INPUT_DATE <= plain <= LATEST_INPUT_DATE:
        raise DateOutOfBounds(
            f"Indiquez une date entre le {format_day(EARLIEST_INPUT_DATE)} et le "
            f"{format_day(LATEST_INPUT_DATE)}."
        )
    return day


def _extreme(later: bool, tzinfo) -> dt.datetime:
    return (dt.datetime.max if later else dt.datetime.min).replace(tzinfo=tzinfo)


def shift(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`moment + delta`, saturated at the first or last representable moment instead of raising
    OverflowError. Inputs are bounded, but rows stored before they were (a showtime in year 9999) must
    still list, display and compare: every addition on a stored date goes through here."""
    try:
        return moment + delta
    except OverflowError:
        return _extreme(delta > dt.timedelta(0), moment.tzinfo)


def shift_days(day: dt.date, days: int) -> dt.date:
    """`day + days`, saturated at date.min / date.max like `shift`."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def to_local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    try:
        return moment.astimezone(ZoneInfo(tz_name))
    except OverflowError:
        # Within hours of year 1 or year 9999 (a stored row only): the nearest representable moment.
        return _extreme(moment.year > 1, ZoneInfo(tz_name))


def local_to_utc(naive: dt.datetime, tz_name: str) -> dt.datetime:
    """Interpret a naive local wall-clock time in `tz_name`, return an aware UTC datetime."""
    try:
        if naive.tzinfo is not None:
            return naive.astimezone(dt.UTC)
        return naive.replace(tzinfo=ZoneInfo(tz_name)).astimezone(dt.UTC)
    except OverflowError:
        return _extreme(naive.year > 1, dt.UTC)


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
    year = min(max(day.year + years, dt.MINYEAR), dt.MAXYEAR)  # saturated, like `shift`
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February -> 28 February
        return day.replace(year=year, day=28)
