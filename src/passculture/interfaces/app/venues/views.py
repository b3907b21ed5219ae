"""The cinema page (/cinemas/<id>/) and the map of the cinemas near you (/carte/).

Both work without JavaScript: the day chips are links (?jour=2026-03-12) and the map page is a list of
cinemas, nearest first, that map.js turns into a map when Leaflet and the tiles load. The position comes
from the query string (lieu, or lat/lon filled by the "Autour de moi" button), else the profile's town.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow
from passculture.core.favourites.selectors import favourite_venue_ids_of
from passculture.core.geo.directions import directions_to_venue
from passculture.core.offerers.selectors import get_public_venue
from passculture.core.offers import search
from passculture.core.offers.cinemas import NearbyVenue, venue_programme, venues_near
from passculture.core.offers.exceptions import PlaceNotFound
from passculture.interfaces.security import allow_browser_features, allow_csp_sources

from ..discovery import presenters as p
from ..position import profile_place
from .tiles import tiles_origin, tiles_settings

# The map lists this many cinemas at most: a phone screen of cards, and a readable map.
MAP_LIMIT = 30
DAY_NAMES = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
ACCESSIBILITY = (
    # (field, icon, label)
    ("motor_disability_accessible", "fr-icon-wheelchair-line", "Handicap moteur"),
    ("visual_disability_accessible", "fr-icon-eye-line", "Handicap visuel"),
    ("audio_disability_accessible", "fr-icon-ear-off-line", "Handicap auditif"),
    ("mental_disability_accessible", "fr-icon-mental-disabilities-line", "Handicap psychique ou mental"),
)
# The core's messages say "vous" (the pro portal and the API share them); the app says "tu".
MESSAGES = {
    "PLACE_NOT_FOUND": "Ce lieu est introuvable : vérifie le nom de la ville ou le code postal (5 chiffres).",
    "INVALID_COORDINATES": "Position invalide : la latitude va de -90 à 90 et la longitude de -180 à 180. "
    "Indique plutôt ta ville ou ton code postal.",
    "COORDINATES_INCOMPLETE": "Position incomplète : il faut la latitude et la longitude. "
    "Indique plutôt ta ville ou ton code postal.",
    "INVALID_RADIUS": "Cette distance n'est pas proposée : voici les cinémas à 20 km. "
    "Tu peux choisir 5, 10, 20, 50 ou 100 km.",
}
BAD_DAY = "Ce jour n'est pas dans le programme des 7 prochains jours : voici les séances du {day}."


# --- The cinema page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayChip:
    label: str
    iso: str
    query: str
    film_count: int
    selected: bool


@dataclass(frozen=True)
class ShowtimeButton:
    stock_id: int
    iso: str
    time: str
    version: str
    price: str
    seats: str


@dataclass(frozen=True)
class FilmRow:
    offer_id: int
    title: str
    poster: object  # a stored file or None: {% poster %}
    duration: str
    is_duo: bool
    showtimes: list[ShowtimeButton]


def _chip_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "Aujourd'hui"
    if day == today + dt.timedelta(days=1):
        return "Demain"
    return f"{DAY_NAMES[day.weekday()]} {day.day}"


def _film_row(film) -> FilmRow:
    return FilmRow(
        offer_id=film.offer_id,
        title=film.name,
        poster=film.poster,
        duration=p.duration_label(film.duration_minutes),
        is_duo=film.offer.is_duo,
        showtimes=[
            # A showtime sold at several prices (one stock per category): one button, to the cheapest.
            ShowtimeButton(
                stock_id=s.stock_id,
                iso=s.local_beginning.isoformat(),
                time=p.time_label(s.local_beginning),
                version=s.version,
                price=p.price_label(s.price_cents, max(o.price_cents for o in same)),
                seats=p.seats_label(s.seats_left),
            )
            for same in _same_showtime(film.showtimes)
            for s in same[:1]
        ],
    )


def _same_showtime(showtimes: list) -> list[list]:
    """The showtimes grouped by start and version, in order, each group cheapest first."""
    groups: dict[tuple, list] = {}
    for showtime in showtimes:
        groups.setdefault((showtime.beginning, showtime.version), []).append(showtime)
    return [sorted(group, key=lambda s: (s.price_cents, s.stock_id)) for group in groups.values()]


def _position_query(request) -> str:
    """The position the person came with (from the map), carried back to it: only checked numbers."""
    try:
        position = search.check_position(request.GET.get("lat", "")[:30], request.GET.get("lon", "")[:30])
    except DomainError:
        return ""
    if position is None:
        return ""
    return urlencode({"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}"})


def venue_page(request, venue_id: int):
    venue = get_public_venue(venue_id)
    if venue is None:
        raise Http404("Cinéma introuvable")
    programme = venue_programme(venue, at=utcnow())
    errors: list[str] = []
    default = programme.first_day_with_films or programme.days[0]
    selected = default
    wanted = request.GET.get("jour", "").strip()
    if wanted:
        try:
            day = dt.date.fromisoformat(wanted) if len(wanted) == 10 else None
        except ValueError:
            day = None
        found = programme.day(day) if day else None
        if found is None:
            errors.append(BAD_DAY.format(day=p.full_day(default.day)))
        else:
            selected = found
    position_query = _position_query(request)
    chips = [
        DayChip(
            label=_chip_label(day.day, programme.today),
            iso=day.day.isoformat(),
            query=urlencode({"jour": day.day.isoformat()}) + (f"&{position_query}" if position_query else ""),
            film_count=len(day.films),
            selected=day is selected,
        )
        for day in programme.days
    ]
    flags = [(icon, label) for field, icon, label in ACCESSIBILITY if getattr(venue, field)]
    context = {
        "venue": venue,
        "errors": errors,
        "directions_url": directions_to_venue(venue),
        "accessibility": flags,
        "chips": chips,
        "selected_label": p.long_day_label(selected.day, programme.today),
        "films": [_film_row(film) for film in selected.films],
        "has_films": programme.first_day_with_films is not None,
        "local_time_note": venue.timezone != settings.TIME_ZONE,
        "position_query": position_query,
        "is_favourite": venue.pk in favourite_venue_ids_of(request.user),
    }
    return render(request, "app/venues/venue.html", context)


# --- The map ------------------------------------------------------------------------------------


def _locate(request, errors: list[str]) -> tuple[search.Position | None, str]:
    """(position, source): source is "place", "device", "profile" or "" (unknown: the page asks)."""
    get = request.GET
    place_text = get.get("lieu", "").strip()[:200]
    lat, lon = get.get("lat", "").strip()[:30], get.get("lon", "").strip()[:30]
    if place_text:
        places = search.find_places(place_text, limit=1)
        if places:
            return places[0], "place"
        errors.append(MESSAGES[PlaceNotFound.code])
        return None, ""
    if lat or lon:
        try:
            return search.check_position(lat, lon), "device"
        except DomainError as error:
            errors.append(MESSAGES.get(error.code, error.message))
            return None, ""
    position = profile_place(request.user)
    return position, "profile" if position else ""


def _marker(venue: NearbyVenue, position_query: str) -> dict:
    return {
        "id": venue.venue_id,
        "name": venue.name,
        "lat": round(venue.latitude, 6),
        "lon": round(venue.longitude, 6),
        "url": reverse("app:venue", args=[venue.venue_id]) + (f"?{position_query}" if position_query else ""),
        "distance": p.distance_label(venue.distance_km),
        "films": venue.film_count,
    }


@allow_browser_features("geolocation")  # "Autour de moi": the device's position, asked on a click
def map_page(request):
    at = utcnow()
    errors: list[str] = []
    position, source = _locate(request, errors)
    try:
        radius = search.check_radius(request.GET.get("rayon", "").strip()[:10])
    except DomainError as error:
        errors.append(MESSAGES.get(error.code, error.message))
        radius = search.DEFAULT_RADIUS_KM
    venues = venues_near(position, at=at, radius_km=radius, limit=MAP_LIMIT) if position else []
    wider = None
    if position is not None and not venues:
        wider = next(
            (r for r in search.RADII_KM if r > radius and venues_near(position, at=at, radius_km=r, limit=1)),
            None,
        )
    position_query = ""
    if position is not None:
        position_query = urlencode({"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}"})
    tiles = tiles_settings()
    map_data = {}
    if venues and tiles:
        assert position is not None
        map_data = {
            "tiles": tiles,
            "center": {"lat": round(position.latitude, 5), "lon": round(position.longitude, 5)},
            "cinemas": [_marker(venue, position_query) for venue in venues],
        }
    context = {
        "errors": errors,
        "position": position,
        "source": source,
        "place_text": request.GET.get("lieu", "").strip()[:200] if source == "place" else "",
        "radius": radius,
        "radii": search.RADII_KM,
        "venues": [
            {
                **_marker(venue, position_query),
                "address": venue.full_address,
            }
            for venue in venues
        ],
        "wider_radius": wider,
        "wider_query": urlencode(
            {"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}", "rayon": wider}
        )
        if wider and position
        else "",
        "map_data": map_data,
    }
    response = render(request, "app/venues/map.html", context)
    if map_data:
        allow_csp_sources(response, "img-src", tiles_origin(tiles["url"]))
    return response
