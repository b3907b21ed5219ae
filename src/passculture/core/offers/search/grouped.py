"""The search grouped by film: one result per film across cinemas, and what to widen when none.

A film is a `films.Film`; an offer not linked to one yet is its own film, so the search gives the
same answer before and after the offers are linked (only duplicates merge).

Each result names the nearest cinema showing the film (with a position; the one with the soonest
showtime nationwide) and its next showtimes **at that cinema**: a chip is one tap to a booking at
one place and one address, whereas chips from several cinemas would need a cinema name each on a
phone-wide card. The other cinemas are counted ("dans 4 cinémas") and listed by the film calendar.

Cost (decision 12): the same nearest-first walk, counted in films instead of showings, then one query
for the page's offers, one for their films, one for the chips and one counting the cinemas.
"""

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, OuterRef, Q

from passculture.core.common.periods import utc_bounds
from passculture.core.common.time import to_local
from passculture.core.films.models import Film
from passculture.core.offerers.selectors import public_venue_filter

from ..models import Offer, Stock
from . import engine
from .engine import (
    RESULT_FIELDS,
    SHOWTIMES_PER_RESULT,
    ShowtimeSummary,
    _Hit,
    near,
    showtime_filter,
    showtimes_of,
    walk_nearest,
)
from .film import film_details
from .params import RADII_KM, SearchParams

# release_date: the home feed's "Sortis cette semaine" reads it on every film of a page.
FILM_FIELDS = ("title", "poster", "duration_minutes", "genres", "allocine_id", "visa", "release_date")


@dataclass
class FilmResult:
    """One film: the showing at the nearest (or soonest) cinema, and how many cinemas show it."""

    film: Film | None
    offer: Offer
    distance_km: float | None
    next_start: dt.datetime
    cinema_count: int
    showtime_count: int
    min_price_cents: int
    max_price_cents: int
    showtimes: list[ShowtimeSummary] = field(default_factory=list)

    @property
    def key(self) -> str:
        """ "film-12", or "offer-34" for a showing not linked to a film yet: stable for links."""
        return f"film-{self.film.pk}" if self.film is not None else f"offer-{self.offer.pk}"

    @property
    def venue(self):
        return self.offer.venue

    @property
    def title(self) -> str:
        return self.film.title if self.film is not None else self.offer.name

    @property
    def poster(self):
        """The film's poster, else the showing's own image (a field file, maybe empty)."""
        if self.film is not None and self.film.poster:
            return self.film.poster
        return self.offer.image

    @property
    def duration_minutes(self) -> int | None:
        if self.film is not None and self.film.duration_minutes:
            return self.film.duration_minutes
        return self.offer.duration_minutes

    @property
    def genres(self) -> list[str]:
        if self.film is not None and isinstance(self.film.genres, list) and self.film.genres:
            return [g for g in self.film.genres if isinstance(g, str)][:5]
        return film_details(self.offer).genres[:5]


@dataclass(frozen=True)
class FilmSearchPage:
    params: SearchParams
    results: list[FilmResult]
    has_more: bool

    @property
    def next_offset(self) -> int | None:
        return self.params.offset + self.params.limit if self.has_more else None


def _first_per_film(hits: list[_Hit]) -> list[_Hit]:
    """The first hit of each film in the walk's order: its nearest (or soonest) showing."""
    seen: set[tuple[str, int]] = set()
    firsts = []
    for hit in hits:
        if hit.film_key not in seen:
            seen.add(hit.film_key)
            firsts.append(hit)
    return firsts


def _showing_in_window(params: SearchParams, at: dt.datetime, timezone: str) -> Exists:
    """An offer (the outer row) has a bookable showtime in the window of its venue's timezone, with the
    search's showtime filters: an EXISTS that stops at the first one, through the stock index."""
    stocks = Stock.objects.filter(
        engine.bookable_stock_filter(at), showtime_filter(params), offer_id=OuterRef("pk")
    )
    if params.date is not None:
        first, last = params.date.local_days(to_local(at, timezone).date())
        start, end = utc_bounds(first, last, timezone)
        stocks = stocks.filter(beginning_datetime__gte=start, beginning_datetime__lt=end)
    return Exists(stocks)


def _cinema_counts(
    page: list[_Hit], params: SearchParams, at: dt.datetime, groups
) -> dict[tuple[str, int], int]:
    """How many cinemas (in the circle; nationwide without a position) show each film of the page in the
    window, with the same filters. A showing without a film is one cinema. Counted on the films' offers
    (one EXISTS probe each) rather than on their showtimes: a popular film has thousands of those."""
    counts: dict[tuple[str, int], int] = {hit.film_key: 1 for hit in page}
    film_ids = [hit.film_id for hit in page if hit.film_id is not None]
    if not film_ids:
        return counts
    offers = Offer.objects.filter(
        engine.active_offer_filter(), film_id__in=film_ids, category__in=engine.EVENT_CATEGORIES
    )
    if params.duo_only:
        offers = offers.filter(is_duo=True)
    condition = Q(pk__in=[])
    if params.position is not None:
        # Every venue of the circle, not only the ones walked: "dans 4 cinémas" counts them all.
        venues_by_timezone: dict[str, list[int]] = {}
        for group in groups:
            venues_by_timezone.setdefault(group.timezone, []).append(group.venue_id)
        for timezone, venue_ids in sorted(venues_by_timezone.items()):
            condition |= Q(Q(venue_id__in=venue_ids), _showing_in_window(params, at, timezone))
    else:
        offers = offers.filter(public_venue_filter("venue__"), engine.venue_filter(params, "venue__"))
        for timezone in engine._all_timezones():
            condition |= Q(Q(venue__timezone=timezone), _showing_in_window(params, at, timezone))
    rows = (
        offers.filter(condition)
        .order_by()
        .values("film_id")
        .annotate(cinemas=Count("venue_id", distinct=True))
        .values_list("film_id", "cinemas")
    )
    for film_id, cinemas in rows:
        counts[("film", film_id)] = max(cinemas, 1)
    return counts


def search_films(params: SearchParams, *, at: dt.datetime) -> FilmSearchPage:
    """One page of films, each once: nearest cinema first then soonest (with a position), or soonest
    nationwide (without). Paging counts films."""
    needed = params.offset + params.limit + 1
    groups: list = []
    if params.position is not None:
        groups = near(params)
        hits = walk_nearest(groups, params, at, needed, by_film=True)
    else:
        hits = engine._walk_soonest(params, at, needed, by_film=True)
    firsts = _first_per_film(hits)
    page = firsts[params.offset : params.offset + params.limit]
    has_more = len(firsts) > params.offset + params.limit
    if not page:
        return FilmSearchPage(params=params, results=[], has_more=has_more)
    if params.position is None:
        # The walk saw showtimes one by one: the count and prices come from the aggregate.
        found = {
            h.offer_id: h
            for h in engine._aggregates([h.group for h in page], params.date, at, showtime_filter(params))
        }
        for hit in page:
            if hit.offer_id in found:
                aggregate = found[hit.offer_id]
                hit.count, hit.min_price, hit.max_price = (
                    aggregate.count,
                    aggregate.min_price,
                    aggregate.max_price,
                )
    # The films come with their offers (one round trip less than a query of their own).
    offers = (
        Offer.objects.select_related("venue", "film")
        .only(*RESULT_FIELDS, "film_id", "extra_data", *(f"film__{name}" for name in FILM_FIELDS))
        .in_bulk([h.offer_id for h in page])
    )
    chips = showtimes_of(page, params.date, at, SHOWTIMES_PER_RESULT, showtime_filter(params))
    counts = _cinema_counts(page, params, at, groups)
    results = [
        FilmResult(
            film=offers[h.offer_id].film,
            offer=offers[h.offer_id],
            distance_km=h.distance,
            next_start=h.next_start,
            cinema_count=counts.get(h.film_key, 1),
            showtime_count=h.count,
            min_price_cents=h.min_price,
            max_price_cents=h.max_price,
            showtimes=chips.get(h.offer_id, []),
        )
        for h in page
        if h.offer_id in offers
    ]
    return FilmSearchPage(params=params, results=results, has_more=has_more)


# --- An empty result: what to widen ---------------------------------------------------------------


@dataclass(frozen=True)
class Widening:
    """A change of the search that finds something: `kind` is stable ("radius", "version", "budget",
    "date", "duo", "accessibility", "text"), `params` the search to run instead."""

    kind: str
    label: str
    params: SearchParams
    radius_km: int | None = None


def _finds_something(params: SearchParams, at: dt.datetime) -> bool:
    return bool(search_films(replace(params, limit=1, offset=0), at=at).results)


WIDENINGS = (
    ("version", lambda p: bool(p.version), lambda p: replace(p, version=""), "Enlever le filtre {version}"),
    (
        "budget",
        lambda p: p.max_price_cents is not None,
        lambda p: replace(p, max_price_cents=None),
        "Voir aussi les séances au-delà de ton budget",
    ),
    ("date", lambda p: p.date is not None, lambda p: replace(p, date=None), "Voir tous les jours"),
    ("duo", lambda p: p.duo_only, lambda p: replace(p, duo_only=False), "Voir aussi les séances sans duo"),
    (
        "accessibility",
        lambda p: bool(p.accessibility),
        lambda p: replace(p, accessibility=""),
        "Voir aussi les autres cinémas",
    ),
    ("text", lambda p: bool(p.text), lambda p: replace(p, text=""), "Voir tous les films"),
)


def widening_suggestions(params: SearchParams, *, at: dt.datetime) -> list[Widening]:
    """For an empty page: each filter whose removal alone finds films, and the next radius that does
    (at most one probe per filter set, plus one per larger radius: an empty search only)."""
    suggestions = []
    if params.position is not None:
        for radius in RADII_KM:
            if radius > params.radius_km and _finds_something(replace(params, radius_km=radius), at):
                suggestions.append(
                    Widening("radius", f"Chercher à {radius} km", replace(params, radius_km=radius), radius)
                )
                break
    for kind, applies, widen, label in WIDENINGS:
        if applies(params) and _finds_something(widen(params), at):
            suggestions.append(Widening(kind, label.format(version=params.version), widen(params)))
    return suggestions
