"""The beneficiaries' web entry: upcoming films near nobody in particular (no geolocation yet)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render

from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_WEEKDAYS, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offers.selectors import upcoming_offers

HOME_LIMIT = 60
SHOWTIMES_PER_FILM = 4
FEW_PLACES = 5
SHORT_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


@dataclass(frozen=True)
class ShowtimeItem:
    iso: str
    label: str
    version: str
    few_places: bool


@dataclass(frozen=True)
class OfferCard:
    title: str
    poster_url: str
    venue_name: str
    city: str
    local_time_note: str
    showtimes: list[ShowtimeItem]
    more_showtimes: int
    price_label: str
    duration_label: str
    is_duo: bool
    # The film's page on allocine.fr, for the films imported from Allociné.
    allocine_url: str = ""


def _day_label(local: dt.datetime, today: dt.date) -> str:
    if local.date() == today:
        return "aujourd'hui"
    if local.date() == today + dt.timedelta(days=1):
        return "demain"
    return f"{FRENCH_WEEKDAYS[local.weekday()][:3]}. {local.day} {SHORT_MONTHS[local.month - 1]}"


def _price_label(prices: list[int]) -> str:
    if not prices:
        return ""
    low = min(prices)
    if low == 0:
        return "Gratuit"
    if low == max(prices):
        return format_euros(low)
    return f"dès {format_euros(low)}"


def _card(offer, at: dt.datetime) -> OfferCard:
    venue = offer.venue
    stocks = offer.open_stocks  # prefetched by the selector: no query per offer
    today = to_local(at, venue.timezone).date()
    showtimes = []
    for stock in stocks[:SHOWTIMES_PER_FILM]:
        if stock.beginning_datetime is None:
            continue
        local = to_local(stock.beginning_datetime, venue.timezone)
        remaining = stock.remaining_quantity
        showtimes.append(
            ShowtimeItem(
                iso=local.isoformat(),
                label=f"{_day_label(local, today)} à {local.hour:02d}h{local.minute:02d}",
                version=stock.version,
                few_places=remaining is not None and remaining <= FEW_PLACES,
            )
        )
    duration = ""
    if offer.duration_minutes:
        hours, minutes = divmod(offer.duration_minutes, 60)
        duration = f"{hours} h {minutes:02d}" if hours else f"{minutes} min"
    return OfferCard(
        title=offer.name,
        poster_url=offer.image.url if offer.image else "",
        venue_name=venue.display_name,
        city=venue.city,
        local_time_note="heure locale" if venue.timezone != settings.TIME_ZONE else "",
        showtimes=showtimes,
        more_showtimes=max(len(stocks) - SHOWTIMES_PER_FILM, 0) if offer.is_event else 0,
        price_label=_price_label([stock.price_cents for stock in stocks]),
        duration_label=duration,
        is_duo=offer.is_duo,
        allocine_url=_allocine_url(offer),
    )


def _allocine_url(offer) -> str:
    url = (offer.extra_data or {}).get("allocine_url") or ""
    # Only a plain web link may become an href.
    return url if isinstance(url, str) and url.startswith("https://") else ""


def home(request):
    at = utcnow()
    offers = upcoming_offers(at, limit=HOME_LIMIT)
    films = [_card(offer, at) for offer in offers if offer.is_event]
    others = [_card(offer, at) for offer in offers if not offer.is_event]
    cities = sorted({card.city for card in films})
    return render(request, "app/home.html", {"films": films, "others": others, "cities": cities})
