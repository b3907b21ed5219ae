"""The queries: venues in the circle, the nearest-first walk, the nationwide walk, the page."""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from passculture.core.common.periods import utc_bounds
from passculture.core.common.time import to_local
from passculture.core.geo.gazetteer import EARTH_RADIUS_KM, distance_km
from passculture.core.offerers.selectors import public_venue_positions

from ..constants import EVENT_CATEGORIES
from ..models import Offer, Stock
from ..selectors import active_offer_filter, bookable_stock_filter, public_offer_filter
from .params import (
    ACCESSIBILITY_FIELDS,
    ANY_ACCESSIBILITY,
    RADII_KM,
    DateFilter,
    Position,
    SearchParams,
    title_matches,
)

SHOWTIMES_PER_RESULT = 3
# Pad of the bounding box (about 1 m): float rounding never drops a venue right on the circle.
BOX_PAD_DEGREES = 1e-5
# Walking the candidates: the first batch covers a page twice over, each next one four times more.
FIRST_BATCH_FACTOR = 2
BATCH_GROWTH = 4
# Nationwide walk: showtimes read per round trip, and the largest set of matching films passed to the
# database as an IN list (beyond it the text filter runs on the rows read).
NATIONWIDE_CHUNK = 500
MAX_IN_LIST = 2000


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowtimeSummary:
    stock_id: int
    beginning: dt.datetime
    local_beginning: dt.datetime
    version: str
    remaining: int | None
    price_cents: int


@dataclass
class SearchResult:
    offer: Offer
    distance_km: float | None
    next_start: dt.datetime
    showtime_count: int
    min_price_cents: int
    max_price_cents: int
    showtimes: list[ShowtimeSummary] = field(default_factory=list)

    @property
    def venue(self):
        return self.offer.venue

    @property
    def is_duo(self) -> bool:
        return self.offer.is_duo


@dataclass(frozen=True)
class SearchPage:
    params: SearchParams
    results: list[SearchResult]
    has_more: bool

    @property
    def next_offset(self) -> int | None:
        return self.params.offset + self.params.limit if self.has_more else None


@dataclass
class _Hit:
    offer_id: int
    venue_id: int
    timezone: str
    distance: float | None
    next_start: dt.datetime
    count: int = 0
    min_price: int = 0
    max_price: int = 0
    film_id: int | None = None

    @property
    def film_key(self) -> tuple[str, int]:
        """What groups showings into one film: the Film, else the offer alone (not linked yet)."""
        return ("film", self.film_id) if self.film_id is not None else ("offer", self.offer_id)

    @property
    def group(self) -> "_Group":
        return _Group(self.distance or 0.0, self.venue_id, self.timezone, (self.offer_id,))


@dataclass(frozen=True)
class _Group:
    """What the nearest-first walk reads at once: a venue's films (offer_ids None), or some of them."""

    distance: float
    venue_id: int
    timezone: str
    offer_ids: tuple[int, ...] | None = None


# --- Filters beyond place and day --------------------------------------------------------------


def showtime_filter(params: SearchParams, prefix: str = "") -> Q:
    """The version and "dans mon budget" filters, on the showtime itself."""
    condition = Q()
    if params.version:
        condition &= Q(**{f"{prefix}version": params.version})
    if params.max_price_cents is not None:
        condition &= Q(**{f"{prefix}price_cents__lte": params.max_price_cents})
    return condition


def venue_filter(params: SearchParams, prefix: str = "") -> Q:
    """Accessible cinemas: any of the venue's four accessibility flags, or the one asked for."""
    if not params.accessibility:
        return Q()
    if params.accessibility == ANY_ACCESSIBILITY:
        condition = Q(pk__in=[])
        for field_name in ACCESSIBILITY_FIELDS.values():
            condition |= Q(**{f"{prefix}{field_name}": True})
        return condition
    return Q(**{f"{prefix}{ACCESSIBILITY_FIELDS[params.accessibility]}": True})


def offer_filter(params: SearchParams, prefix: str = "") -> Q | None:
    """Filters on the film's showing (duo), None when there is none (no extra query then)."""
    return Q(**{f"{prefix}is_duo": True}) if params.duo_only else None


# --- Geometry -----------------------------------------------------------------------------------


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, list[tuple]]:
    """(min latitude, max latitude, longitude ranges) of a box that contains the whole circle. Two
    longitude ranges across the antimeridian (Wallis-et-Futuna is at 176° W); every longitude when the
    circle reaches a pole."""
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular) + BOX_PAD_DEGREES
    min_lat, max_lat = max(latitude - dlat, -90.0), min(latitude + dlat, 90.0)
    cos_lat = math.cos(math.radians(latitude))
    if min_lat <= -90 or max_lat >= 90 or math.sin(angular) >= cos_lat:
        return min_lat, max_lat, [(-180.0, 180.0)]
    # The exact half-width of a spherical cap in longitude (reached slightly poleward of its centre).
    dlon = math.degrees(math.asin(math.sin(angular) / cos_lat)) + BOX_PAD_DEGREES
    west, east = longitude - dlon, longitude + dlon
    if west < -180:
        return min_lat, max_lat, [(west + 360, 180.0), (-180.0, east)]
    if east > 180:
        return min_lat, max_lat, [(west, 180.0), (-180.0, east - 360)]
    return min_lat, max_lat, [(west, east)]


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.7f}")


def box_filter(position: Position, radius_km: float, prefix: str = "venue__") -> Q:
    min_lat, max_lat, lon_ranges = bounding_box(position.latitude, position.longitude, radius_km)
    lon_q = Q()
    for west, east in lon_ranges:
        lon_q |= Q(**{f"{prefix}longitude__gte": _decimal(west), f"{prefix}longitude__lte": _decimal(east)})
    return (
        Q(**{f"{prefix}latitude__gte": _decimal(min_lat), f"{prefix}latitude__lte": _decimal(max_lat)})
        & lon_q
    )


def groups_near(
    position: Position,
    radius_km: float,
    words: Sequence[str] = (),
    films: Q | None = None,
    venues: Q | None = None,
) -> list[_Group]:
    """Visible venues within the radius, nearest first: a few hundred rows at most, read through the
    coordinates index. With title words or a film filter, each venue keeps only its matching films
    (one more query, on these venues' films only). `venues`: a filter on the venue (accessibility)."""
    groups = []
    for venue_id, latitude, longitude, timezone in public_venue_positions(
        box_filter(position, radius_km, "") & (venues or Q())
    ):
        distance = distance_km(position.latitude, position.longitude, latitude, longitude)
        if distance <= radius_km:
            groups.append(_Group(distance, venue_id, timezone))
    groups.sort(key=lambda g: (g.distance, g.venue_id))
    if (not words and films is None) or not groups:
        return groups
    matching: dict[int, list[int]] = defaultdict(list)
    offers = (
        Offer.objects.filter(
            public_offer_filter(), venue_id__in=[g.venue_id for g in groups], category__in=EVENT_CATEGORIES
        )
        .filter(films or Q())
        .order_by("pk")
        .values_list("pk", "name", "venue_id")
    )
    for offer_id, name, venue_id in offers:
        if title_matches(name, words):
            matching[venue_id].append(offer_id)
    return [replace(g, offer_ids=tuple(matching[g.venue_id])) for g in groups if g.venue_id in matching]


# --- Queries ------------------------------------------------------------------------------------


def _window_filter(groups: Iterable[_Group], date: DateFilter | None, at: dt.datetime) -> Q:
    """Showtimes of these groups' films inside the date window, each on its venue's own clock."""
    venues: dict[str, list[int]] = defaultdict(list)
    offers: dict[str, list[int]] = defaultdict(list)
    for group in groups:
        if group.offer_ids is None:
            venues[group.timezone].append(group.venue_id)
        else:
            offers[group.timezone].extend(group.offer_ids)
    condition = Q(pk__in=[])  # no group: nothing can match
    for timezone in sorted(set(venues) | set(offers)):
        part = Q(pk__in=[])
        if venues.get(timezone):
            part |= Q(offer__venue_id__in=venues[timezone])
        if offers.get(timezone):
            part |= Q(offer_id__in=offers[timezone])
        if date is not None:
            first, last = date.local_days(to_local(at, timezone).date())
            start, end = utc_bounds(first, last, timezone)
            part &= Q(beginning_datetime__gte=start, beginning_datetime__lt=end)
        condition |= part
    return condition


def _bookable_showtimes(
    groups: Iterable[_Group], date: DateFilter | None, at: dt.datetime, showtimes: Q | None = None
):
    """Bookable showtimes of visible films in the window. The groups' venues passed the venue's part of
    the visibility rule (public_venue_positions); the offer's part is applied here: together they are
    selectors.public_offer_filter, without joining venues and offerers again for every showtime.
    `showtimes`: the version and budget filters."""
    return Stock.objects.filter(
        bookable_stock_filter(at),
        active_offer_filter("offer__"),
        _window_filter(groups, date, at),
        showtimes or Q(),
        offer__category__in=EVENT_CATEGORIES,
    )


def _aggregates(
    groups: list[_Group], date: DateFilter | None, at: dt.datetime, showtimes: Q | None = None
) -> list[_Hit]:
    """One hit per film with a bookable showtime in the window: next start, count, prices."""
    by_venue = {g.venue_id: g for g in groups}
    rows = (
        _bookable_showtimes(groups, date, at, showtimes)
        .order_by()  # the model's ordering would join the GROUP BY
        .values("offer_id", "offer__venue_id", "offer__film_id")
        .annotate(
            next_start=Min("beginning_datetime"),
            count=Count("id"),
            min_price=Min("price_cents"),
            max_price=Max("price_cents"),
        )
        .values_list(
            "offer_id", "offer__venue_id", "next_start", "count", "min_price", "max_price", "offer__film_id"
        )
    )
    return [
        _Hit(
            offer_id,
            venue_id,
            by_venue[venue_id].timezone,
            by_venue[venue_id].distance,
            start,
            count,
            low,
            high,
            film_id,
        )
        for offer_id, venue_id, start, count, low, high, film_id in rows
        if start is not None
    ]


def walk_nearest(
    groups: list[_Group], params: SearchParams, at: dt.datetime, needed: int, *, by_film: bool = False
) -> list[_Hit]:
    """Hits nearest first until `needed` films (`by_film`: distinct films across cinemas) are found."""
    hits: list[_Hit] = []
    films: set[tuple[str, int]] = set()
    index = 0
    showtimes = showtime_filter(params)
    # A cinema shows a handful of films: a first batch of venues covers a page about twice over.
    size = max(needed * FIRST_BATCH_FACTOR // 5, 4) if groups and groups[0].offer_ids is None else needed
    while index < len(groups) and (len(films) if by_film else len(hits)) < needed:
        end = min(index + size, len(groups))
        # Never split venues at the same distance (geocoded to the same town centre, say): the page
        # order inside a distance is the next showtime, which needs all of them.
        while end < len(groups) and groups[end].distance == groups[end - 1].distance:
            end += 1
        found = _aggregates(groups[index:end], params.date, at, showtimes)
        hits.extend(found)
        if by_film:
            films.update(hit.film_key for hit in found)
        index = end
        size *= BATCH_GROWTH
    hits.sort(key=lambda h: (h.distance, h.next_start, h.offer_id))
    return hits


def _all_timezones() -> list[str]:
    return sorted(
        set(
            Offer.objects.filter(public_offer_filter(), category__in=EVENT_CATEGORIES)
            .order_by()
            .values_list("venue__timezone", flat=True)
            .distinct()
        )
    )


def _nationwide_window(date: DateFilter | None, at: dt.datetime) -> Q:
    if date is None:
        return Q()
    condition = Q(pk__in=[])
    for timezone in _all_timezones():
        first, last = date.local_days(to_local(at, timezone).date())
        start, end = utc_bounds(first, last, timezone)
        condition |= Q(
            offer__venue__timezone=timezone, beginning_datetime__gte=start, beginning_datetime__lt=end
        )
    return condition


def _walk_soonest(params: SearchParams, at: dt.datetime, needed: int, *, by_film: bool = False) -> list[_Hit]:
    """Nationwide: showtimes in start order until `needed` films are seen (and the films starting at
    the same minute as the last one, so that ties are ordered like the rest). `by_film`: one hit per
    film across cinemas (its soonest showing)."""
    stocks = Stock.objects.filter(
        bookable_stock_filter(at),
        public_offer_filter("offer__"),
        _nationwide_window(params.date, at),
        showtime_filter(params),
        venue_filter(params, "offer__venue__"),
        offer_filter(params, "offer__") or Q(),
        offer__category__in=EVENT_CATEGORIES,
    )
    allowed: set[int] | None = None
    if params.words:
        allowed = {
            pk
            for pk, name in Offer.objects.filter(public_offer_filter(), category__in=EVENT_CATEGORIES)
            .order_by()
            .values_list("pk", "name")
            if title_matches(name, params.words)
        }
        if not allowed:
            return []
        if len(allowed) <= MAX_IN_LIST:
            stocks = stocks.filter(offer_id__in=allowed)
            allowed = None
    rows = stocks.order_by("beginning_datetime", "id").values_list(
        "offer_id", "beginning_datetime", "offer__venue_id", "offer__venue__timezone", "offer__film_id"
    )
    seen: dict[object, _Hit] = {}
    boundary: dt.datetime | None = None
    position, chunk = 0, NATIONWIDE_CHUNK
    done = False
    while not done:
        batch = list(rows[position : position + chunk])
        for offer_id, start, venue_id, timezone, film_id in batch:
            if start is None:  # events only: never; for the type checker
                continue
            if boundary is not None and start != boundary:
                done = True
                break
            hit = _Hit(offer_id, venue_id, timezone, None, start, film_id=film_id)
            key = hit.film_key if by_film else offer_id
            if key in seen or (allowed is not None and offer_id not in allowed):
                continue
            seen[key] = hit
            if len(seen) >= needed and boundary is None:
                boundary = start
        if len(batch) < chunk:
            done = True
        position += chunk
        chunk *= 2
    return sorted(seen.values(), key=lambda h: (h.next_start, h.offer_id))


def showtimes_of(
    hits: list[_Hit],
    date: DateFilter | None,
    at: dt.datetime,
    per_offer: int | None,
    showtimes: Q | None = None,
):
    """{offer_id: [ShowtimeSummary]}: bookable showtimes in the window, soonest first, at most
    `per_offer` each. A page's films have a few dozen showtimes each in a week: reading them all and
    keeping the first ones in Python costs less than ranking them in SQL (a window function in a
    subquery), which Django also takes longer to compile. `showtimes`: version and budget filters."""
    rows = (
        Stock.objects.filter(
            bookable_stock_filter(at), _window_filter([h.group for h in hits], date, at), showtimes or Q()
        )
        .order_by("offer_id", "beginning_datetime", "id")
        .values_list(
            "id", "offer_id", "beginning_datetime", "version", "quantity", "booked_quantity", "price_cents"
        )
    )
    timezone_of = {h.offer_id: h.timezone for h in hits}
    found: dict[int, list[ShowtimeSummary]] = defaultdict(list)
    for stock_id, offer_id, start, version, quantity, booked, price in rows:
        kept = found[offer_id]
        if start is None or (per_offer is not None and len(kept) >= per_offer):
            continue
        kept.append(
            ShowtimeSummary(
                stock_id=stock_id,
                beginning=start,
                local_beginning=to_local(start, timezone_of[offer_id]),
                version=version,
                remaining=None if quantity is None else max(quantity - booked, 0),
                price_cents=price,
            )
        )
    return found


# What a result shows: loading only these keeps the page's model instances cheap.
RESULT_FIELDS = (
    "name",
    "image",
    "duration_minutes",
    "languages",
    "is_duo",
    "category",
    "url",
    "venue__name",
    "venue__public_name",
    "venue__address",
    "venue__postal_code",
    "venue__city",
    "venue__latitude",
    "venue__longitude",
    "venue__timezone",
)


def _results(hits: list[_Hit], params: SearchParams, at: dt.datetime) -> list[SearchResult]:
    if not hits:
        return []
    offers = Offer.objects.select_related("venue").only(*RESULT_FIELDS).in_bulk([h.offer_id for h in hits])
    showtimes = showtimes_of(hits, params.date, at, SHOWTIMES_PER_RESULT, showtime_filter(params))
    return [
        SearchResult(
            offer=offers[h.offer_id],
            distance_km=h.distance,
            next_start=h.next_start,
            showtime_count=h.count,
            min_price_cents=h.min_price,
            max_price_cents=h.max_price,
            showtimes=showtimes.get(h.offer_id, []),
        )
        for h in hits
        if h.offer_id in offers
    ]


def near(params: SearchParams) -> list[_Group]:
    """The venues (and their matching films) a search with a position walks through."""
    assert params.position is not None
    return groups_near(
        params.position,
        params.radius_km,
        params.words,
        films=offer_filter(params),
        venues=venue_filter(params) if params.accessibility else None,
    )


def search_showtimes(params: SearchParams, *, at: dt.datetime) -> SearchPage:
    """One page of films with a bookable showtime: nearest first then soonest (with a position), or
    soonest nationwide (without)."""
    needed = params.offset + params.limit + 1
    if params.position is not None:
        groups = near(params)
        hits = walk_nearest(groups, params, at, needed)
    else:
        hits = _walk_soonest(params, at, needed)
    page = hits[params.offset : params.offset + params.limit]
    if params.position is None and page:
        found = {
            h.offer_id: h
            for h in _aggregates([h.group for h in page], params.date, at, showtime_filter(params))
        }
        for hit in page:
            if hit.offer_id in found:
                aggregate = found[hit.offer_id]
                hit.count, hit.min_price, hit.max_price = (
                    aggregate.count,
                    aggregate.min_price,
                    aggregate.max_price,
                )
    return SearchPage(
        params=params, results=_results(page, params, at), has_more=len(hits) > params.offset + params.limit
    )


def wider_radius_with_results(params: SearchParams, *, at: dt.datetime) -> int | None:
    """For an empty page: the next radius that finds something ("essayez 50 km"), None if none does."""
    if params.position is None:
        return None
    for radius in RADII_KM:
        if radius <= params.radius_km:
            continue
        probe = replace(params, radius_km=radius, limit=1, offset=0)
        if search_showtimes(probe, at=at).results:
            return radius
    return None
