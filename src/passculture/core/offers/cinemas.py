"""Cinemas as beneficiaries see them: the visible ones near a position, and one cinema's programme.

A cinema is listed when it is visible (its venue and offerer validated, like the search) and has at
least one bookable showtime in its next PROGRAMME_DAYS local days: a cinema with nothing to book is no
use on a map. Days are the venue's own: "today" in La Réunion starts 4 hours before "today" in Paris.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from passculture.core.common.periods import utc_bounds
from passculture.core.common.time import to_local
from passculture.core.geo.gazetteer import distance_km
from passculture.core.offerers.selectors import public_venue_positions, public_venues_by_id

from .constants import EVENT_CATEGORIES
from .exceptions import InvalidRadius
from .models import Offer, Stock
from .search import RADII_KM, Position
from .search.engine import box_filter
from .selectors import active_offer_filter, bookable_stock_filter

# Today and the 6 next days, the window of the app's day chips.
PROGRAMME_DAYS = 7
MAX_NEARBY_VENUES = 50
# "3 places" is said below this many seats left (the film page says it too).
FEW_SEATS = 10
# A big multiplex shows about 60 films x 5 showtimes x 7 days; past this a typo made thousands.
MAX_PROGRAMME_SHOWTIMES = 2000
# Walking the venues nearest first: the first batch covers the page twice, each next one four times more.
FIRST_BATCH_FACTOR = 2
BATCH_GROWTH = 4


@dataclass(frozen=True)
class NearbyVenue:
    """A visible cinema near someone: where it is, how far, and how many films it shows this week."""

    venue_id: int
    name: str
    address: str
    postal_code: str
    city: str
    latitude: float
    longitude: float
    timezone: str
    distance_km: float
    film_count: int

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postal_code} {self.city}"


def _week_window(venue_ids_by_timezone: dict[str, list[int]], at: dt.datetime, days: int) -> Q:
    """Showtimes of these venues in their next `days` local days, each on its own clock."""
    condition = Q(pk__in=[])  # no venue: nothing can match
    for timezone in sorted(venue_ids_by_timezone):
        today = to_local(at, timezone).date()
        start, end = utc_bounds(today, today + dt.timedelta(days=days - 1), timezone)
        condition |= Q(
            offer__venue_id__in=venue_ids_by_timezone[timezone],
            beginning_datetime__gte=start,
            beginning_datetime__lt=end,
        )
    return condition


def _bookable_showtimes(venue_ids_by_timezone: dict[str, list[int]], at: dt.datetime, days: int):
    """The venues passed public_venue_filter; the offer's part of the visibility rule is applied here."""
    return Stock.objects.filter(
        bookable_stock_filter(at),
        active_offer_filter("offer__"),
        _week_window(venue_ids_by_timezone, at, days),
        offer__category__in=EVENT_CATEGORIES,
    )


def _film_counts(candidates: Sequence[tuple[float, int, str]], at: dt.datetime) -> dict[int, int]:
    by_timezone: dict[str, list[int]] = defaultdict(list)
    for _distance, venue_id, timezone in candidates:
        by_timezone[timezone].append(venue_id)
    rows = (
        _bookable_showtimes(by_timezone, at, PROGRAMME_DAYS)
        .order_by()  # the model's ordering would join the GROUP BY
        .values("offer__venue_id")
        .annotate(films=Count("offer_id", distinct=True))
        .values_list("offer__venue_id", "films")
    )
    return dict(rows)


def check_nearby_bounds(radius_km: int, limit: int) -> None:
    if radius_km not in RADII_KM:
        raise InvalidRadius()
    if not 1 <= limit <= MAX_NEARBY_VENUES:
        raise ValueError(f"limit must be between 1 and {MAX_NEARBY_VENUES}")


def venues_near(position: Position, *, at: dt.datetime, radius_km: int, limit: int = 20) -> list[NearbyVenue]:
    """Visible cinemas with a bookable showtime this week within `radius_km` of `position`, nearest
    first (then by id), at most `limit`. The venues come from the coordinates index (the search's
    bounding box); their films are counted in batches, nearest first, until `limit` are found."""
    check_nearby_bounds(radius_km, limit)
    candidates: list[tuple[float, int, str]] = []
    for venue_id, latitude, longitude, timezone in public_venue_positions(
        box_filter(position, radius_km, "")
    ):
        distance = distance_km(position.latitude, position.longitude, latitude, longitude)
        if distance <= radius_km:
            candidates.append((distance, venue_id, timezone))
    candidates.sort()
    kept: list[tuple[float, int, int]] = []
    index, size = 0, max(limit * FIRST_BATCH_FACTOR, 8)
    while index < len(candidates) and len(kept) < limit:
        batch = candidates[index : index + size]
        counts = _film_counts(batch, at)
        kept.extend(
            (distance, venue_id, counts[venue_id])
            for distance, venue_id, _tz in batch
            if counts.get(venue_id)
        )
        index += size
        size *= BATCH_GROWTH
    kept = kept[:limit]
    venues = public_venues_by_id(venue_id for _distance, venue_id, _count in kept)
    return [
        NearbyVenue(
            venue_id=venue.pk,
            name=venue.display_name,
            address=venue.address,
            postal_code=venue.postal_code,
            city=venue.city,
            latitude=float(venue.latitude),
            longitude=float(venue.longitude),
            timezone=venue.timezone,
            distance_km=distance,
            film_count=count,
        )
        for distance, venue_id, count in kept
        if (venue := venues.get(venue_id)) is not None
        and venue.latitude is not None
        and venue.longitude is not None
    ]


# --- One cinema's programme ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeShowtime:
    stock_id: int
    beginning: dt.datetime
    local_beginning: dt.datetime
    version: str
    price_cents: int
    # Seats left, said only when fewer than FEW_SEATS (None: plenty, or unlimited).
    seats_left: int | None


@dataclass
class ProgrammeFilm:
    """A film of the day: the offer's own name and image; its Film (when linked) fills what it lacks."""

    offer: Offer
    showtimes: list[ProgrammeShowtime] = field(default_factory=list)

    @property
    def offer_id(self) -> int:
        return self.offer.pk

    @property
    def name(self) -> str:
        return self.offer.name

    @property
    def poster(self):
        """The offer's image, else its film's poster, else None (an empty ImageField is falsy)."""
        if self.offer.image:
            return self.offer.image
        film = self.offer.film
        return film.poster if film is not None and film.poster else None

    @property
    def duration_minutes(self) -> int | None:
        film = self.offer.film
        return self.offer.duration_minutes or (film.duration_minutes if film is not None else None)


@dataclass
class ProgrammeDay:
    day: dt.date
    films: list[ProgrammeFilm] = field(default_factory=list)


@dataclass(frozen=True)
class VenueProgramme:
    """The next PROGRAMME_DAYS local days of a cinema, each with its films (empty days included, so
    that the day chips always read Aujourd'hui, Demain, ...)."""

    today: dt.date
    days: list[ProgrammeDay]

    def day(self, wanted: dt.date) -> ProgrammeDay | None:
        return next((day for day in self.days if day.day == wanted), None)

    @property
    def first_day_with_films(self) -> ProgrammeDay | None:
        return next((day for day in self.days if day.films), None)


def venue_programme(venue, *, at: dt.datetime) -> VenueProgramme:
    """Films of a visible venue with bookable showtimes in its next PROGRAMME_DAYS local days, by day;
    in a day, the films by their first showtime, each with its showtimes in order. The caller found the
    venue with offerers.selectors.get_public_venue (visibility)."""
    today = to_local(at, venue.timezone).date()
    rows = list(
        _bookable_showtimes({venue.timezone: [venue.pk]}, at, PROGRAMME_DAYS)
        .order_by("beginning_datetime", "id")
        .values_list(
            "id", "offer_id", "beginning_datetime", "version", "price_cents", "quantity", "booked_quantity"
        )[:MAX_PROGRAMME_SHOWTIMES]
    )
    offers = Offer.objects.select_related("film").in_bulk({row[1] for row in rows})
    days = {
        today + dt.timedelta(days=n): ProgrammeDay(today + dt.timedelta(days=n))
        for n in range(PROGRAMME_DAYS)
    }
    films: dict[tuple[dt.date, int], ProgrammeFilm] = {}
    for stock_id, offer_id, start, version, price, quantity, booked in rows:
        if start is None:  # events only: never; for the type checker
            continue
        local = to_local(start, venue.timezone)
        day = days.get(local.date())
        if day is None:  # the window is the venue's days: only a change of timezone rules could do it
            continue
        film = films.get((local.date(), offer_id))
        if film is None:
            film = films[(local.date(), offer_id)] = ProgrammeFilm(offers[offer_id])
            day.films.append(film)
        remaining = None if quantity is None else max(quantity - booked, 0)
        film.showtimes.append(
            ProgrammeShowtime(
                stock_id=stock_id,
                beginning=start,
                local_beginning=local,
                version=version,
                price_cents=price,
                seats_left=remaining if remaining is not None and remaining < FEW_SEATS else None,
            )
        )
    return VenueProgramme(today=today, days=[days[key] for key in sorted(days)])
