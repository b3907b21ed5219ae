"""The film page: the same film in nearby cinemas, the film's details, cinema cards."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from passculture.core.geo.gazetteer import distance_km

from ..constants import EVENT_CATEGORIES
from ..models import Offer, Stock
from ..selectors import bookable_stock_filter, open_stock_filter, public_offer_filter
from .engine import ShowtimeSummary, box_filter, groups_near, showtimes_of, walk_nearest
from .params import DEFAULT_RADIUS_KM, WEEK, DateFilter, Position, SearchParams

# --- The film page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilmElsewhere:
    """The same film in another cinema: its offer, distance and showtimes of the next days."""

    offer: Offer
    distance_km: float
    showtimes: list[ShowtimeSummary]


def same_film_nearby(
    offer: Offer,
    *,
    at: dt.datetime,
    position: Position | None = None,
    radius_km: int = 50,
    limit: int = 5,
) -> list[FilmElsewhere]:
    """Other visible cinemas showing this film in the next 7 days, nearest to `position` (else to the
    offer's cinema) first. The same film: the same Allociné id when the offer has one, else the same
    title."""
    venue = offer.venue
    if position is None:
        if venue.latitude is None or venue.longitude is None:
            return []
        position = Position(float(venue.latitude), float(venue.longitude))
    allocine_id = (offer.extra_data or {}).get("allocine_id")
    same = Q(extra_data__allocine_id=allocine_id) if allocine_id else Q(name__iexact=offer.name)
    groups = groups_near(position, radius_km, films=same & ~Q(pk=offer.pk))
    week = DateFilter(WEEK)
    hits = walk_nearest(groups, SearchParams(position=position, date=week), at, limit)[:limit]
    if not hits:
        return []
    offers = Offer.objects.select_related("venue").in_bulk([h.offer_id for h in hits])
    showtimes = showtimes_of(hits, week, at, None)
    return [
        FilmElsewhere(offers[h.offer_id], h.distance or 0.0, showtimes.get(h.offer_id, []))
        for h in hits
        if h.offer_id in offers
    ]


def upcoming_showtimes_of(offer: Offer, *, at: dt.datetime) -> list[Stock]:
    """The film page's own showtimes: open for booking (sold-out ones included, shown as such)."""
    return list(offer.stocks.filter(open_stock_filter(at)).order_by("beginning_datetime", "id"))


@dataclass(frozen=True)
class FilmDetails:
    """What an import (Allociné) knows about the film, read defensively: extra_data is free JSON."""

    directors: list[str]
    cast: list[str]
    genres: list[str]
    countries: list[str]
    original_title: str
    release_date: dt.date | None
    allocine_url: str


def _strings(value, limit: int = 12) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()][:limit]


def film_details(offer: Offer) -> FilmDetails:
    extra = offer.extra_data if isinstance(offer.extra_data, dict) else {}
    try:
        release_date = dt.date.fromisoformat(str(extra.get("release_date") or ""))
    except ValueError:
        release_date = None
    url = extra.get("allocine_url")
    original_title = extra.get("original_title")
    return FilmDetails(
        directors=_strings(extra.get("directors")),
        cast=_strings(extra.get("cast")),
        # The demo's films carry one "genre"; Allociné's a list of "genres".
        genres=_strings(extra.get("genres")) or _strings(extra.get("genre")),
        countries=_strings(extra.get("countries")),
        original_title=original_title.strip() if isinstance(original_title, str) else "",
        release_date=release_date,
        # Only a plain web link may become an href.
        allocine_url=url if isinstance(url, str) and url.startswith("https://") else "",
    )


@dataclass(frozen=True)
class CardResult:
    """A cinema card or a subscription (no showtime): shown beside the films."""

    offer: Offer
    distance_km: float | None
    price_cents: int


def cards_nearby(
    *, at: dt.datetime, position: Position | None, radius_km: int = DEFAULT_RADIUS_KM, limit: int = 6
) -> list[CardResult]:
    """Visible cinema cards and subscriptions with a bookable stock, nearest first (soonest created
    first without a position). Few of them exist: one per cinema at most."""
    offers = Offer.objects.filter(public_offer_filter()).exclude(category__in=EVENT_CATEGORIES)
    if position is not None:
        offers = offers.filter(box_filter(position, radius_km))
    stocks = (
        Stock.objects.filter(bookable_stock_filter(at), offer__in=offers.order_by().values("pk"))
        .select_related("offer__venue")
        .order_by("offer_id", "price_cents", "id")
    )
    found: dict[int, CardResult] = {}
    for stock in stocks[: limit * 20]:
        if stock.offer_id in found:
            continue
        venue = stock.offer.venue
        distance = None
        if position is not None:
            if venue.latitude is None or venue.longitude is None:
                continue
            distance = distance_km(
                position.latitude, position.longitude, float(venue.latitude), float(venue.longitude)
            )
            if distance > radius_km:
                continue
        found[stock.offer_id] = CardResult(stock.offer, distance, stock.price_cents)
    results = list(found.values())
    results.sort(key=lambda r: (r.distance_km or 0.0, r.offer.pk))
    return results[:limit]
