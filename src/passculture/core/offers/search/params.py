"""The search's parameters, checked with stable codes, and the places to search around."""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from passculture.core.common.text import fold
from passculture.core.geo.exceptions import AddressNotGeocoded
from passculture.core.geo.services import check_coordinates, geocode_address, search_places

from ..constants import MAX_PRICE_CENTS
from ..exceptions import (
    InvalidAccessibilityFilter,
    InvalidBudget,
    InvalidFlag,
    InvalidPagination,
    InvalidRadius,
    InvalidSearchDate,
    InvalidVersionFilter,
    PlaceNotFound,
    SearchTextTooLong,
)

RADII_KM = (5, 10, 20, 50, 100)
DEFAULT_RADIUS_KM = 20
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
# Deep pages cost a walk over every earlier result: nobody reads 25 pages of films on a phone.
MAX_OFFSET = 500
MAX_TEXT_LENGTH = 100

TODAY, TOMORROW, WEEK, DAY = "today", "tomorrow", "week", "day"
WEEK_DAYS = 7
# A chosen day may be "yesterday" in UTC (it is still that day in Polynesia, UTC-10) and at most a year
# ahead (nobody schedules further; a typo like 2062 gets an explanation rather than an empty page).
MAX_DAYS_AHEAD = 366

# The version filter: a showtime's own version (the Allociné import carries it per showtime).
VERSIONS = ("VO", "VF")
# "Dans mon budget": the app passes the remaining credit; no showtime costs more than MAX_PRICE_CENTS.
MAX_BUDGET_CENTS = MAX_PRICE_CENTS
# Accessible cinemas: any of the venue's four flags, or one kind of disability.
ACCESSIBILITY_FIELDS = {
    "motor": "motor_disability_accessible",
    "visual": "visual_disability_accessible",
    "audio": "audio_disability_accessible",
    "mental": "mental_disability_accessible",
}
ANY_ACCESSIBILITY = "any"
FLAG_VALUES = {"true": True, "1": True, "on": True, "false": False, "0": False, "off": False, "": False}


# --- Parameters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    # "Lyon (69001)" for a typed place; empty for coordinates from the device.
    label: str = ""


@dataclass(frozen=True)
class DateFilter:
    """today, tomorrow, week (today and the 6 next days) or one chosen day, on each venue's clock."""

    kind: str
    day: dt.date | None = None

    def local_days(self, local_today: dt.date) -> tuple[dt.date, dt.date]:
        if self.kind == TODAY:
            return local_today, local_today
        if self.kind == TOMORROW:
            tomorrow = local_today + dt.timedelta(days=1)
            return tomorrow, tomorrow
        if self.kind == WEEK:
            return local_today, local_today + dt.timedelta(days=WEEK_DAYS - 1)
        assert self.day is not None
        return self.day, self.day

    @property
    def value(self) -> str:
        """The parameter that gives this filter back: "today", "week", "2026-12-03"..."""
        return self.day.isoformat() if self.kind == DAY and self.day else self.kind


def parse_date_filter(value: str | None, at: dt.datetime) -> DateFilter | None:
    value = (value or "").strip().lower()
    if not value:
        return None
    if value in (TODAY, TOMORROW, WEEK):
        return DateFilter(value)
    if len(value) > 10:
        raise InvalidSearchDate()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidSearchDate() from exc
    utc_today = at.astimezone(dt.UTC).date()
    if day < utc_today - dt.timedelta(days=1):
        raise InvalidSearchDate("Cette date est passée : choisissez aujourd'hui ou un jour à venir.")
    if day > utc_today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidSearchDate("Choisissez un jour dans l'année qui vient.")
    return DateFilter(DAY, day)


def check_radius(value: int | str | None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_RADIUS_KM
    try:
        radius = int(str(value).strip())
    except ValueError as exc:
        raise InvalidRadius() from exc
    if radius not in RADII_KM:
        raise InvalidRadius()
    return radius


def check_position(latitude: float | str | None, longitude: float | str | None) -> Position | None:
    """None when neither is given; COORDINATES_INCOMPLETE for one alone; INVALID_COORDINATES when out
    of range or not a number."""
    if latitude in (None, "") and longitude in (None, ""):
        return None
    lat, lon = check_coordinates(latitude, longitude)
    return Position(float(lat), float(lon))


def _int_or_default(value: int | str | None, default: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise InvalidPagination() from exc


def check_pagination(limit: int | str | None, offset: int | str | None) -> tuple[int, int]:
    limit_value = _int_or_default(limit, DEFAULT_LIMIT)
    offset_value = _int_or_default(offset, 0)
    if not (1 <= limit_value <= MAX_LIMIT and 0 <= offset_value <= MAX_OFFSET):
        raise InvalidPagination()
    return limit_value, offset_value


def check_text(value: str | None) -> str:
    text = " ".join((value or "").split())
    if len(text) > MAX_TEXT_LENGTH:
        raise SearchTextTooLong()
    return text


def check_version(value: str | None) -> str:
    """ "VO", "VF" or "" (any); case aside."""
    text = (value or "").strip().upper()
    if not text:
        return ""
    if text not in VERSIONS:
        raise InvalidVersionFilter()
    return text


def check_budget(value: int | str | None) -> int | None:
    """A maximal price in cents, 0 (free showtimes only) to MAX_BUDGET_CENTS; None: no budget."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if len(text) > 7 or not text.isascii() or not text.isdigit():
        raise InvalidBudget()
    budget = int(text)
    if budget > MAX_BUDGET_CENTS:
        raise InvalidBudget()
    return budget


def check_flag(value: bool | str | None) -> bool:
    if isinstance(value, bool):
        return value
    text = (value or "").strip().lower()
    if text not in FLAG_VALUES:
        raise InvalidFlag()
    return FLAG_VALUES[text]


def check_accessibility(value: str | None) -> str:
    """ "" (no filter), "any" (a venue with any of the four flags) or one kind ("motor"...)."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if text != ANY_ACCESSIBILITY and text not in ACCESSIBILITY_FIELDS:
        raise InvalidAccessibilityFilter()
    return text


def title_matches(title: str, words: Sequence[str]) -> bool:
    """Each typed word starts a word of the title ("ete" finds "L'Été dernier", "dern" too, not
    "Complète"); or, typed without its spaces or hyphens, the title contains it ("spiderman")."""
    if not words:
        return True
    folded = fold(title)
    title_words = folded.split()
    if all(any(word.startswith(w) for word in title_words) for w in words):
        return True
    compact = "".join(words)
    return len(compact) >= 5 and compact in folded.replace(" ", "")


@dataclass(frozen=True)
class SearchParams:
    position: Position | None = None
    radius_km: int = DEFAULT_RADIUS_KM
    date: DateFilter | None = None
    text: str = ""
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    # "VO" / "VF" / "" (any): the showtime's version.
    version: str = ""
    # "Dans mon budget": showtimes at most this price (cents); None: any price.
    max_price_cents: int | None = None
    duo_only: bool = False
    # "" (any cinema), "any" (at least one accessibility flag) or one kind ("motor"...).
    accessibility: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(fold(self.text).split())

    @property
    def filters_showtimes(self) -> bool:
        return bool(self.version) or self.max_price_cents is not None


def build_search_params(
    *,
    at: dt.datetime,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    position: Position | None = None,
    radius_km: int | str | None = None,
    date: str | None = None,
    text: str | None = None,
    limit: int | str | None = None,
    offset: int | str | None = None,
    version: str | None = None,
    max_price: int | str | None = None,
    duo: bool | str | None = None,
    accessibility: str | None = None,
) -> SearchParams:
    """Checks every parameter (stable codes: INVALID_COORDINATES, COORDINATES_INCOMPLETE,
    INVALID_RADIUS, INVALID_DATE, SEARCH_TEXT_TOO_LONG, INVALID_PAGINATION, INVALID_VERSION,
    INVALID_BUDGET, INVALID_FLAG, INVALID_ACCESSIBILITY). `position` (a place already located) wins over
    raw coordinates."""
    checked_limit, checked_offset = check_pagination(limit, offset)
    return SearchParams(
        position=position if position is not None else check_position(latitude, longitude),
        radius_km=check_radius(radius_km),
        date=parse_date_filter(date, at),
        text=check_text(text),
        limit=checked_limit,
        offset=checked_offset,
        version=check_version(version),
        max_price_cents=check_budget(max_price),
        duo_only=check_flag(duo),
        accessibility=check_accessibility(accessibility),
    )


# --- Places -------------------------------------------------------------------------------------

PLACE_LABEL_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[0-9][0-9AB][0-9]{3})\)$")


def find_places(text: str, *, limit: int = 5) -> list[Position]:
    """Where someone typed: a postal code or a town from the packaged gazetteer (most populated
    first), else an address from the national address API when it is configured."""
    text = " ".join((text or "").split())[:200]
    if not text:
        return []
    label = PLACE_LABEL_RE.match(text)
    if label:  # a suggestion picked as is: "Lyon (69001)"
        wanted = fold(label["name"])
        for place in search_places(label["code"], limit=50):
            if fold(place.name) == wanted:
                return [
                    Position(place.latitude, place.longitude, _place_label(place.name, (label["code"],), ""))
                ]
    places = [
        Position(place.latitude, place.longitude, _place_label(place.name, place.postal_codes, text))
        for place in search_places(text, limit=limit)
    ]
    if places:
        return places
    try:
        found = geocode_address(text, "", "")
    except AddressNotGeocoded:
        return []
    return [Position(found.latitude, found.longitude, found.label)]


def _place_label(name: str, postal_codes: Sequence[str], typed: str) -> str:
    # "Lyon (69001)" when 69001 was typed, not the first of Lyon's nine postal codes.
    typed_code = typed.replace(" ", "")
    code = typed_code if typed_code in postal_codes else (postal_codes[0] if postal_codes else "")
    return f"{name} ({code})" if code else name


def locate(text: str) -> Position:
    places = find_places(text, limit=1)
    if not places:
        raise PlaceNotFound()
    return places[0]
