"""Discovery: the search page at / (showtimes near a place or the device's position) and the page of a
cinema card; the film page is film.py.

Everything is in the query string (lieu, lat, lon, rayon, quand, jour, q, page), so that a search can
be shared, reloaded and used without JavaScript; the "Autour de moi" button only fills lat/lon.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.geo.gazetteer import distance_km
from passculture.core.offers import search
from passculture.core.offers.exceptions import PlaceNotFound
from passculture.core.offers.validation import sanitize_description
from passculture.core.users.constants import Role
from passculture.interfaces.security import allow_browser_features

from . import presenters as p

PAGE_SIZE = 20
MAX_PAGE = search.MAX_OFFSET // PAGE_SIZE + 1
DATE_CHOICES = [
    ("", "Toutes dates"),
    (search.TODAY, "Aujourd'hui"),
    (search.TOMORROW, "Demain"),
    (search.WEEK, "7 prochains jours"),
    (search.DAY, "Choisir un jour"),
]
DATE_PHRASES = {
    search.TODAY: "aujourd'hui",
    search.TOMORROW: "demain",
    search.WEEK: "dans les 7 prochains jours",
}


@dataclass(frozen=True)
class ResultCard:
    offer_id: int
    offer_url_query: str
    title: str
    poster_url: str
    venue_name: str
    city: str
    address: str
    distance: str
    duration: str
    local_time_note: str
    showtimes: list[p.ShowtimeItem]
    more_showtimes: int
    price: str
    is_duo: bool


def _card(result: search.SearchResult, position_query: str, at: dt.datetime) -> ResultCard:
    offer, venue = result.offer, result.venue
    today = to_local(at, venue.timezone).date()
    return ResultCard(
        offer_id=offer.pk,
        offer_url_query=position_query,
        title=offer.name,
        poster_url=offer.image.url if offer.image else "",
        venue_name=venue.display_name,
        city=venue.city,
        address=venue.full_address,
        distance=p.distance_label(result.distance_km),
        duration=p.duration_label(offer.duration_minutes),
        local_time_note="heure locale" if venue.timezone != settings.TIME_ZONE else "",
        showtimes=[
            p.showtime_item(
                stock_id=s.stock_id,
                beginning=s.beginning,
                timezone=venue.timezone,
                version=s.version,
                remaining=s.remaining,
                price_cents=s.price_cents,
                today=today,
            )
            for s in result.showtimes
        ],
        more_showtimes=max(result.showtime_count - len(result.showtimes), 0),
        price=p.price_label(result.min_price_cents, result.max_price_cents),
        is_duo=result.is_duo,
    )


def profile_place(user) -> search.Position | None:
    """A beneficiary's own town (postal code and city of the profile), as a first position."""
    if not user.is_authenticated or user.role != Role.BENEFICIARY or not user.postal_code:
        return None
    places = search.find_places(user.postal_code, limit=10)
    city = search.fold(user.city or "")
    named = [place for place in places if search.fold(place.label).startswith(city)] if city else []
    return (named or places or [None])[0]


def _query_dict(base: dict, **changes) -> dict:
    merged = {**base, **changes}
    return {key: value for key, value in merged.items() if value not in (None, "")}


def _query(base: dict, **changes) -> str:
    return urlencode(_query_dict(base, **changes))


@allow_browser_features("geolocation")  # "Autour de moi": the device's position, asked on a click
def home(request):
    at = utcnow()
    get = request.GET
    errors: list[str] = []
    place_text = get.get("lieu", "").strip()[:200]
    lat, lon = get.get("lat", "").strip()[:30], get.get("lon", "").strip()[:30]
    position: search.Position | None = None
    source = ""  # "place", "device", "profile" or "" (nationwide)
    alternatives: list[search.Position] = []
    if place_text:
        places = search.find_places(place_text, limit=5)
        if places:
            position, source = places[0], "place"
            # Other towns of that name (Saint-Denis: 93 or 974), not the districts of the same city.
            alternatives = [
                alt
                for alt in places[1:]
                if distance_km(position.latitude, position.longitude, alt.latitude, alt.longitude) > 1
            ]
        else:
            errors.append(PlaceNotFound.message)
    elif lat or lon:
        try:
            position, source = search.check_position(lat, lon), "device"
        except DomainError as error:
            errors.append(error.message)
    elif not get:
        position = profile_place(request.user)
        source = "profile" if position else ""

    def checked(check, value, default):
        try:
            return check(value)
        except DomainError as error:
            errors.append(error.message)
            return default

    radius = checked(search.check_radius, get.get("rayon"), search.DEFAULT_RADIUS_KM)
    when = get.get("quand", "").strip()
    day_value = get.get("jour", "").strip()
    date = checked(
        lambda value: search.parse_date_filter(value, at),
        day_value if when == search.DAY else when,
        None,
    )
    if when == search.DAY and not day_value:
        errors.append("Choisissez le jour dans le calendrier.")
    text = checked(search.check_text, get.get("q", ""), "")
    try:
        page_number = min(max(int(get.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        page_number = 1
    params = search.SearchParams(
        position=position,
        radius_km=radius,
        date=date,
        text=text,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    page = search.search_showtimes(params, at=at)

    # The query string of this search, to build the other links (radius, pages, film pages).
    base = {
        "lieu": place_text,
        "lat": lat if source == "device" else "",
        "lon": lon if source == "device" else "",
        "rayon": radius if position else "",
        "quand": when if date is not None else "",
        "jour": day_value if date is not None and when == search.DAY else "",
        "q": text,
    }
    position_query = ""
    if position is not None:
        position_query = urlencode({"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}"})
    wider = None
    if position is not None and not page.results and params.offset == 0:
        wider = search.wider_radius_with_results(params, at=at)
    cards = search.cards_nearby(at=at, position=position, radius_km=radius) if not text else []
    context = {
        "errors": errors,
        "place_text": place_text,
        "position": position,
        "source": source,
        "alternatives": [(alt.label, _query(base, lieu=alt.label, page="")) for alt in alternatives],
        "lat": base["lat"],
        "lon": base["lon"],
        "radius": radius,
        "radii": search.RADII_KM,
        "when": when if date is not None else "",
        "day_value": day_value if date is not None else "",
        "date_choices": DATE_CHOICES,
        "date_phrase": _date_phrase(date, at),
        "text": text,
        "results": [_card(result, position_query, at) for result in page.results],
        "page_number": page_number,
        "next_page_query": _query(base, page=page_number + 1) if page.has_more else "",
        "previous_page_query": _query(base, page=page_number - 1) if page_number > 1 else "",
        "wider_radius": wider,
        "wider_query": _query(base, rayon=wider) if wider else "",
        "max_radius": search.RADII_KM[-1],
        "without_date_query": _query(base, quand="", jour="") if date is not None else "",
        "without_text_query": _query(base, q="") if text else "",
        # An explicit empty place: without it a beneficiary would get their own town back.
        "nationwide_query": urlencode({**_query_dict(base, lieu="", lat="", lon="", rayon=""), "lieu": ""})
        if position
        else "",
        "cards": [
            {
                "title": card.offer.name,
                "venue_name": card.offer.venue.display_name,
                "city": card.offer.venue.city,
                "distance": p.distance_label(card.distance_km),
                "price": format_euros(card.price_cents),
                "offer_id": card.offer.pk,
            }
            for card in cards
        ],
    }
    return render(request, "app/home.html", context)


def _date_phrase(date: search.DateFilter | None, at: dt.datetime) -> str:
    if date is None:
        return ""
    if date.kind in DATE_PHRASES:
        return DATE_PHRASES[date.kind]
    assert date.day is not None
    return "le " + p.full_day(date.day)


# --- A cinema card or a subscription (films: film.py) ---------------------------------------------


def thing_page(request, offer):
    """The page of an offer without showtimes (a cinema card, a subscription): its stock and price."""
    at = utcnow()
    stock = next(
        (stock for stock in search.upcoming_showtimes_of(offer, at=at) if stock.beginning_datetime is None),
        None,
    )
    context = {
        "offer": offer,
        "venue": offer.venue,
        "poster_url": offer.image.url if offer.image else "",
        "description": sanitize_description(offer.description),
        "thing_stock": stock,
        "thing_price": format_euros(stock.price_cents) if stock else "",
        "thing_seats": p.seats_label(stock.remaining_quantity) if stock else "",
    }
    return render(request, "app/discovery/offer.html", context)
