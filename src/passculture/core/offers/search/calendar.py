"""The film calendar: one film's showtimes in the cinemas around a point, grouped by day then cinema.

Serves the film page (day chips, then the cinemas of the chosen day by distance) and
`GET /api/native/v1/movie/calendar`. A film is a `films.Film`; a showing not linked to a film yet is
its own film (found by its offer id), and an Allociné id no Film carries yet still finds the showings
the import tagged with it, so the calendar answers the same before and after the offers are linked.

Showtimes are the open ones (not deleted, not started, booking not closed), sold-out ones included so
the page can say "Complet" rather than hide a time the person saw elsewhere. Days are each cinema's
local days. Two queries: the showings (with their venues), then their showtimes of the period.
"""

import datetime as dt
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Q

from passculture.core.common.periods import utc_bounds
from passculture.core.common.time import to_local
from passculture.core.films.models import Film
from passculture.core.geo.gazetteer import distance_km

from ..constants import EVENT_CATEGORIES, UNIQUE_PRICE_LABEL
from ..exceptions import FilmNotFound, FilmReferenceRequired, InvalidCalendarPeriod, InvalidFilmReference
from ..models import Offer, Stock
from ..selectors import open_stock_filter, public_offer_filter
from .engine import box_filter
from .film import film_details
from .params import Position

# The API's from/to span at most this many days (the real service shows about a month of chips).
MAX_CALENDAR_DAYS = 31
# The film page's day chips: today and the next 13 days.
PAGE_DAYS = 14
# The nearest cinemas kept: a blockbuster plays in hundreds of cinemas nationwide.
MAX_CINEMAS = 30
# Showings read at most (a film shows in at most a few thousand cinemas).
MAX_SHOWINGS = 5000
# A calendar radius defaults wider than the search: people travel further for one chosen film.
DEFAULT_CALENDAR_RADIUS_KM = 50
MAX_REFERENCE_LENGTH = 32
# Seats left are told below this many ("3 places").
FEW_SEATS = 10


# --- Which film ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilmRef:
    """A film, or a lone showing not linked to one (`film` None, `offer` set)."""

    film: Film | None
    offer: Offer | None = None
    # The showings of the film: its offers, plus those the import tagged with its Allociné id that are
    # not linked yet (before the linking migration).
    showings: Q = field(default_factory=Q)

    @property
    def key(self) -> str:
        return (
            f"film-{self.film.pk}" if self.film is not None else f"offer-{self.offer.pk if self.offer else 0}"
        )


def _film_showings(film: Film) -> Q:
    condition = Q(film_id=film.pk)
    if film.allocine_id:
        condition |= Q(film__isnull=True, extra_data__allocine_id=film.allocine_id)
    return condition


def film_ref(film: Film) -> FilmRef:
    """A film known to exist (a favourite, say), whether or not anything shows it now."""
    return FilmRef(film, None, _film_showings(film))


def film_ref_of_offer(offer: Offer) -> FilmRef:
    """The film an offer shows: its Film, else the offer alone."""
    if offer.film_id is not None:
        film = Film.objects.filter(pk=offer.film_id).first()
        if film is not None:
            return FilmRef(film, offer, _film_showings(film))
    return FilmRef(None, offer, Q(pk=offer.pk))


def _clean_digits(value: str | int | None) -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    if len(text) > MAX_REFERENCE_LENGTH or not text.isascii() or not text.isdigit():
        raise InvalidFilmReference()
    return text


def find_film_ref(
    *,
    film_id: str | int | None = None,
    allocine_id: str | int | None = None,
    visa: str | int | None = None,
    offer_id: str | int | None = None,
) -> FilmRef:
    """The film named by exactly one of its keys (FILM_REFERENCE_REQUIRED for none or several,
    INVALID_FILM_REFERENCE for a malformed one, FILM_NOT_FOUND when nothing public shows it)."""
    keys = {
        "film_id": _clean_digits(film_id),
        "allocine_id": _clean_digits(allocine_id),
        "visa": _clean_digits(visa),
        "offer_id": _clean_digits(offer_id),
    }
    given = {name: value for name, value in keys.items() if value}
    if len(given) != 1:
        raise FilmReferenceRequired()
    ((name, value),) = given.items()
    if name in ("film_id", "offer_id") and len(value) > 12:
        raise InvalidFilmReference()
    if name == "offer_id":
        offer = Offer.objects.filter(
            public_offer_filter(), category__in=EVENT_CATEGORIES, pk=int(value)
        ).first()
        if offer is None:
            raise FilmNotFound()
        return film_ref_of_offer(offer)
    lookup: dict[str, object] = {"pk": int(value)} if name == "film_id" else {name: value}
    film = Film.objects.filter(**lookup).first()
    if film is not None:
        return FilmRef(film, None, _film_showings(film))
    if name == "allocine_id":
        # Not linked yet: the showings the import tagged with this Allociné id.
        showings = Q(film__isnull=True, extra_data__allocine_id=value)
        offer = Offer.objects.filter(public_offer_filter(), showings).order_by("pk").first()
        if offer is not None:
            return FilmRef(None, offer, showings)
    raise FilmNotFound()


# --- The period ----------------------------------------------------------------------------------


def _day(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    if len(text) != 10:
        raise InvalidCalendarPeriod()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidCalendarPeriod() from exc


def check_period(
    first: str | dt.date | None, last: str | dt.date | None, *, today: dt.date
) -> tuple[dt.date, dt.date]:
    """[first, last], local days: first defaults to today, last to first + 13 days. First may be
    yesterday (still today overseas), at most a year ahead; the span at most MAX_CALENDAR_DAYS."""
    start = _day(first) or today
    end = _day(last) or start + dt.timedelta(days=PAGE_DAYS - 1)
    if start < today - dt.timedelta(days=1) or start > today + dt.timedelta(days=366):
        raise InvalidCalendarPeriod()
    if end < start or (end - start).days + 1 > MAX_CALENDAR_DAYS:
        raise InvalidCalendarPeriod()
    return start, end


# --- The calendar --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarShowtime:
    stock_id: int
    beginning: dt.datetime
    local_beginning: dt.datetime
    version: str
    price_cents: int
    # Exact seats left (None: unlimited); `seats_told` is what to show: only below FEW_SEATS.
    remaining: int | None
    # The price's label (decision 0027): a showtime sold at several prices is several stocks at one start.
    price_label: str = UNIQUE_PRICE_LABEL

    @property
    def is_sold_out(self) -> bool:
        return self.remaining == 0

    @property
    def seats_told(self) -> int | None:
        return self.remaining if self.remaining is not None and self.remaining < FEW_SEATS else None


@dataclass
class CalendarCinema:
    offer: Offer
    distance_km: float | None
    showtimes: list[CalendarShowtime] = field(default_factory=list)

    @property
    def venue(self):
        return self.offer.venue


@dataclass
class CalendarDay:
    day: dt.date
    cinemas: list[CalendarCinema] = field(default_factory=list)


@dataclass(frozen=True)
class FilmCalendar:
    ref: FilmRef
    first: dt.date
    last: dt.date
    days: list[CalendarDay]

    @property
    def days_with_showtimes(self) -> list[dt.date]:
        return [day.day for day in self.days]

    def on(self, day: dt.date) -> CalendarDay | None:
        return next((d for d in self.days if d.day == day), None)


def _showings(
    ref: FilmRef, position: Position | None, radius_km: int, always: int | None
) -> list[tuple[Offer, float | None]]:
    """The film's public showings in the circle (every one without a position), nearest first (by
    cinema name without a position); `always` (a chosen cinema's offer) first, wherever it is."""
    offers = Offer.objects.filter(public_offer_filter(), ref.showings, category__in=EVENT_CATEGORIES)
    if position is not None:
        box = box_filter(position, radius_km)
        offers = offers.filter(box | Q(pk=always) if always else box)
    found: list[tuple[Offer, float | None]] = []
    for offer in offers.select_related("venue").order_by("pk")[:MAX_SHOWINGS]:
        venue = offer.venue
        distance = None
        if position is not None and venue.latitude is not None and venue.longitude is not None:
            distance = distance_km(
                position.latitude, position.longitude, float(venue.latitude), float(venue.longitude)
            )
        if position is not None and offer.pk != always and (distance is None or distance > radius_km):
            continue
        found.append((offer, distance))
    found.sort(
        key=lambda item: (
            item[0].pk != always,
            item[1] if item[1] is not None else 0.0,
            item[0].venue.display_name,
            item[0].pk,
        )
    )
    return found


def film_calendar(
    ref: FilmRef,
    *,
    at: dt.datetime,
    first: dt.date,
    last: dt.date,
    position: Position | None = None,
    radius_km: int = DEFAULT_CALENDAR_RADIUS_KM,
    max_cinemas: int = MAX_CINEMAS,
    always: int | None = None,
) -> FilmCalendar:
    """The film's open showtimes on the local days first..last, by day then cinema (nearest first, or
    by name nationwide), in the `max_cinemas` first cinemas that show it in the period. `always`: the
    offer of a chosen cinema, kept and put first even outside the circle. Three queries."""
    showings = _showings(ref, position, radius_km, always)
    if not showings:
        return FilmCalendar(ref, first, last, [])
    timezones = {offer.venue.timezone for offer, _ in showings}
    bounds = [utc_bounds(first, last, tz) for tz in timezones]
    start = min(b[0] for b in bounds if b[0] is not None)
    end = max(b[1] for b in bounds if b[1] is not None)
    window = Stock.objects.filter(
        open_stock_filter(at), beginning_datetime__gte=start, beginning_datetime__lt=end
    )
    # Which showings have a showtime in the period (UTC-wide; local days are checked below): the first
    # max_cinemas of them in the page's order are read, not every showtime of a nationwide release.
    showing = set(
        window.filter(offer_id__in=[offer.pk for offer, _ in showings])
        .order_by()
        .values_list("offer_id", flat=True)
        .distinct()
    )
    kept = [(offer, distance) for offer, distance in showings if offer.pk in showing][:max_cinemas]
    by_offer = {offer.pk: (offer, distance) for offer, distance in kept}
    rows = (
        window.filter(offer_id__in=list(by_offer))
        .order_by("beginning_datetime", "id")
        .values_list(
            "id",
            "offer_id",
            "beginning_datetime",
            "version",
            "price_cents",
            "quantity",
            "booked_quantity",
            "price_category__label__label",
        )
    )
    per_day: dict[dt.date, dict[int, CalendarCinema]] = {}
    for stock_id, offer_id, beginning, version, price, quantity, booked, label in rows:
        offer, distance = by_offer[offer_id]
        if beginning is None:  # events only: never; for the type checker
            continue
        local = to_local(beginning, offer.venue.timezone)
        if not first <= local.date() <= last:
            continue
        cinemas = per_day.setdefault(local.date(), {})
        cinema = cinemas.setdefault(offer_id, CalendarCinema(offer, distance))
        cinema.showtimes.append(
            CalendarShowtime(
                stock_id=stock_id,
                beginning=beginning,
                local_beginning=local,
                version=version,
                price_cents=price,
                remaining=None if quantity is None else max(quantity - booked, 0),
                price_label=label or UNIQUE_PRICE_LABEL,
            )
        )
    order = {offer.pk: index for index, (offer, _) in enumerate(kept)}
    days = [
        CalendarDay(day, sorted(per_day[day].values(), key=lambda c: order[c.offer.pk]))
        for day in sorted(per_day)
    ]
    return FilmCalendar(ref, first, last, days)


# --- What the page and the API say about the film ---------------------------------------------------


@dataclass(frozen=True)
class FilmInfo:
    title: str
    poster: object  # a field file (maybe empty)
    synopsis: str
    duration_minutes: int | None
    directors: list[str]
    cast: list[str]
    genres: list[str]
    allocine_url: str
    original_title: str
    release_date: dt.date | None
    allocine_id: str
    visa: str


def _strings(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()][:12]


def film_info(ref: FilmRef) -> FilmInfo:
    """The Film's own fields, each completed by the showing's imported data when empty."""
    offer_details = film_details(ref.offer) if ref.offer is not None else None
    film = ref.film
    offer = ref.offer

    def pick(film_value, offer_value):
        return film_value if film_value else offer_value

    allocine_url = film.allocine_url if film is not None and film.allocine_url.startswith("https://") else ""
    extra = offer.extra_data if offer is not None and isinstance(offer.extra_data, dict) else {}
    return FilmInfo(
        title=film.title if film is not None else (offer.name if offer else ""),
        poster=(film.poster if film is not None and film.poster else (offer.image if offer else None)),
        synopsis=pick(film.synopsis if film else "", offer.description if offer else ""),
        duration_minutes=pick(
            film.duration_minutes if film else None, offer.duration_minutes if offer else None
        ),
        directors=pick(
            _strings(film.directors) if film else [], offer_details.directors if offer_details else []
        ),
        cast=pick(_strings(film.cast) if film else [], offer_details.cast if offer_details else []),
        genres=pick(_strings(film.genres) if film else [], offer_details.genres if offer_details else []),
        allocine_url=pick(allocine_url, offer_details.allocine_url if offer_details else ""),
        original_title=pick(
            film.original_title if film else "", offer_details.original_title if offer_details else ""
        ),
        release_date=pick(
            film.release_date if film else None, offer_details.release_date if offer_details else None
        ),
        allocine_id=pick(film.allocine_id if film else "", str(extra.get("allocine_id") or "")[:32]),
        visa=pick(film.visa if film else "", str(extra.get("visa") or "")[:32]),
    )


def a_showing_of(ref: FilmRef) -> Offer | None:
    """One public showing of the film, one with an image first (the page's fallback poster and text)."""
    if ref.offer is not None:
        return ref.offer
    showings = Offer.objects.filter(public_offer_filter(), ref.showings).order_by("-pk")
    return showings.exclude(image="").first() or showings.first()


def with_a_showing(ref: FilmRef) -> FilmRef:
    """The same film with one of its showings, whose imported data completes the film's."""
    return ref if ref.offer is not None else replace(ref, offer=a_showing_of(ref))


def calendar_today(at: dt.datetime) -> dt.date:
    """The day periods start from: France's (a first day of yesterday is accepted for overseas)."""
    return to_local(at, settings.TIME_ZONE).date()
