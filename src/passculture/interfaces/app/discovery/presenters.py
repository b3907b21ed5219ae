"""What the discovery pages show, in French and in each cinema's local time."""

import datetime as dt
from dataclasses import dataclass, field

from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_MONTHS, FRENCH_WEEKDAYS, to_local
from passculture.core.offers.constants import LANGUAGES

SHORT_MONTHS = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
]  # fmt: skip
LANGUAGE_LABELS = dict(LANGUAGES)
# Below this many seats left a showtime says "dernières places" louder.
FEW_PLACES = 5


def day_label(day: dt.date, today: dt.date, *, short: bool = True) -> str:
    """ "aujourd'hui", "demain", else "sam. 14 mars" (short) or "samedi 14 mars" (long)."""
    if day == today:
        return "aujourd'hui"
    if day == today + dt.timedelta(days=1):
        return "demain"
    if short:
        return f"{FRENCH_WEEKDAYS[day.weekday()][:3]}. {day.day} {SHORT_MONTHS[day.month - 1]}"
    return full_day(day)


def full_day(day: dt.date) -> str:
    """ "samedi 14 mars"."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{FRENCH_WEEKDAYS[day.weekday()]} {first} {FRENCH_MONTHS[day.month - 1]}"


def long_day_label(day: dt.date, today: dt.date) -> str:
    """ "Aujourd'hui, mardi 10 mars" / "Samedi 14 mars"."""
    full = full_day(day)
    relative = day_label(day, today)
    if relative in ("aujourd'hui", "demain"):
        return f"{relative.capitalize()}, {full}"
    return full[:1].upper() + full[1:]


def time_label(local: dt.datetime) -> str:
    return f"{local.hour:02d}h{local.minute:02d}"


def price_label(low: int, high: int) -> str:
    if high == 0:
        return "Gratuit"
    if low == high:
        return format_euros(low)
    return f"de {format_euros(low)} à {format_euros(high)}"


def distance_label(km: float | None) -> str:
    if km is None:
        return ""
    if km < 1:
        return f"à {max(round(km * 1000, -1), 10):.0f} m"
    if km < 10:
        return f"à {km:.1f} km".replace(".", ",")
    return f"à {km:.0f} km"


def duration_label(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if hours else f"{rest} min"


def languages_label(codes) -> str:
    if not isinstance(codes, list):
        return ""
    return ", ".join(LANGUAGE_LABELS.get(code, code) for code in codes if isinstance(code, str))


def seats_label(remaining: int | None) -> str:
    if remaining is None:
        return ""
    if remaining == 0:
        return "Complet"
    return f"{remaining} place{'s' if remaining > 1 else ''}"


@dataclass(frozen=True)
class ShowtimeItem:
    stock_id: int
    iso: str
    day: str
    time: str
    version: str
    seats: str
    few_places: bool
    sold_out: bool
    price: str


def showtime_item(
    *,
    stock_id: int,
    beginning: dt.datetime,
    timezone: str,
    version: str,
    remaining: int | None,
    price_cents: int,
    today: dt.date,
) -> ShowtimeItem:
    local = to_local(beginning, timezone)
    return ShowtimeItem(
        stock_id=stock_id,
        iso=local.isoformat(),
        day=day_label(local.date(), today),
        time=time_label(local),
        version=version,
        seats=seats_label(remaining),
        few_places=remaining is not None and 0 < remaining <= FEW_PLACES,
        sold_out=remaining == 0,
        price=price_label(price_cents, price_cents),
    )


@dataclass
class CinemaShowtimes:
    """One cinema's showtimes of the film on one day (the film page)."""

    offer_id: int
    name: str
    city: str
    address: str
    distance: str
    is_this_offer: bool
    showtimes: list[ShowtimeItem] = field(default_factory=list)


@dataclass
class DayShowtimes:
    label: str
    iso: str
    cinemas: list[CinemaShowtimes] = field(default_factory=list)
