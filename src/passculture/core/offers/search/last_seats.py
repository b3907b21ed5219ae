""" "Dernières places": soon showtimes near a place with fewer than FEW_SEATS places left, one per film.

`search_films` cannot say it (its filters are the person's: day, version, budget...; this is a fact of
the showtime). Cost: one query for the venues in the circle (coordinates index), one for the showtimes
(start index, bounded by the window and a LIMIT), whatever the number of films around.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q

from passculture.core.common.time import to_local
from passculture.core.geo.gazetteer import distance_km
from passculture.core.offerers.selectors import public_venue_filter, public_venue_positions

from ..constants import EVENT_CATEGORIES
from ..models import Offer, Stock
from ..selectors import active_offer_filter, bookable_stock_filter
from .calendar import FEW_SEATS
from .engine import box_filter
from .params import Position

LAST_SEATS_WINDOW = dt.timedelta(hours=48)
MAX_LAST_SEATS = 20
# Showtimes read to find `limit` distinct films: a film often has several nearly full showtimes.
READ_FACTOR = 4


@dataclass(frozen=True)
class LastSeats:
    stock_id: int
    offer: Offer
    beginning: dt.datetime
    local_beginning: dt.datetime
    version: str
    remaining: int
    price_cents: int
    distance_km: float | None

    @property
    def venue(self):
        return self.offer.venue

    @property
    def film(self):
        return self.offer.film

    @property
    def title(self) -> str:
        return self.offer.film.title if self.offer.film is not None else self.offer.name

    @property
    def poster(self):
        if self.offer.film is not None and self.offer.film.poster:
            return self.offer.film.poster
        return self.offer.image


def last_seats(
    position: Position | None,
    *,
    at: dt.datetime,
    radius_km: int,
    limit: int = 10,
    window: dt.timedelta = LAST_SEATS_WINDOW,
) -> list[LastSeats]:
    """Bookable showtimes starting within `window` with 1 to FEW_SEATS - 1 places left, soonest first,
    the first of each film only; within `radius_km` of `position` (nationwide without one)."""
    limit = max(1, min(limit, MAX_LAST_SEATS))
    distances: dict[int, float] = {}
    stocks = Stock.objects.filter(
        bookable_stock_filter(at),
        active_offer_filter("offer__"),
        offer__category__in=EVENT_CATEGORIES,
        beginning_datetime__lt=at + window,
        quantity__isnull=False,
    )
    if position is not None:
        for venue_id, latitude, longitude, _timezone in public_venue_positions(
            box_filter(position, radius_km, "")
        ):
            distance = distance_km(position.latitude, position.longitude, latitude, longitude)
            if distance <= radius_km:
                distances[venue_id] = distance
        if not distances:
            return []
        stocks = stocks.filter(offer__venue_id__in=list(distances))
    else:
        stocks = stocks.filter(public_venue_filter("offer__venue__"))
    rows = (
        stocks.annotate(left=F("quantity") - F("booked_quantity"))
        .filter(Q(left__lt=FEW_SEATS), Q(left__gt=0))
        .select_related("offer__venue", "offer__film")
        .order_by("beginning_datetime", "pk")[: limit * READ_FACTOR]
    )
    found: list[LastSeats] = []
    seen: set[tuple[str, int]] = set()
    for stock in rows:
        offer = stock.offer
        key = ("film", offer.film_id) if offer.film_id is not None else ("offer", offer.pk)
        if key in seen:
            continue
        seen.add(key)
        assert stock.beginning_datetime is not None  # event stocks only (EVENT_CATEGORIES)
        found.append(
            LastSeats(
                stock_id=stock.pk,
                offer=offer,
                beginning=stock.beginning_datetime,
                local_beginning=to_local(stock.beginning_datetime, offer.venue.timezone),
                version=stock.version,
                remaining=stock.left,
                price_cents=stock.price_cents,
                distance_km=distances.get(offer.venue_id),
            )
        )
        if len(found) == limit:
            break
    return found
