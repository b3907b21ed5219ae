"""The home feed at `/`: the credit banner, then carousels of films near the person.

Everything comes from the core's grouped search (one card per film), the last places selector and the
cinemas near; the number of queries is fixed (a few per carousel), whatever the number of films. The
position follows interfaces/app/position.py; the home's own place field is `ville` because `lieu` (and
`q`, `quand`, `jour`, `rayon`, `page`) belong to the search: links shared before the search page existed
carry them and are sent there.
"""

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.offers import search
from passculture.core.offers.cinemas import venues_near
from passculture.interfaces.security import allow_browser_features

from ..home.banner import credit_banner
from ..position import coordinates_query, coordinates_string, locate
from . import presenters as p

# Parameters of the old search at / (before /recherche/): a shared link with one of them is a search.
OLD_SEARCH_KEYS = ("q", "lieu", "quand", "jour", "rayon", "page")
CAROUSEL_SIZE = 10
# Films read for "À l'affiche" and filtered for "Cette semaine" (released in the last 7 days).
FILMS_READ = 30
RELEASE_DAYS = 7
HOME_RADIUS_KM = search.DEFAULT_RADIUS_KM
EAGER_POSTERS = 2  # the first posters, above the fold at 390x844


@dataclass(frozen=True)
class PosterCard:
    title: str
    url: str
    poster: object  # a stored file, or None
    meta: str
    eager: bool = False
    # "Dernières places": the showtime as a chip to its booking page, and the places left.
    chip_url: str = ""
    chip_label: str = ""
    chip_iso: str = ""
    seats: str = ""


def film_url(film, offer, position) -> str:
    """The film page (or the showing's own page when it is not linked to a film), with the position."""
    if film is not None:
        query = {**coordinates_query(position), "cinema": str(offer.pk)}
        return reverse("app:film", args=[film.pk]) + "?" + urlencode(query)
    query_string = coordinates_string(position)
    return reverse("app:offer", args=[offer.pk]) + (f"?{query_string}" if query_string else "")


def _film_card(result: search.FilmResult, position, eager: bool) -> PosterCard:
    where = result.venue.display_name
    distance = p.distance_label(result.distance_km)
    others = result.cinema_count - 1
    meta = " · ".join(
        part
        for part in (where, distance, f"+{others} cinéma{'s' if others > 1 else ''}" if others else "")
        if part
    )
    return PosterCard(
        result.title, film_url(result.film, result.offer, position), result.poster or None, meta, eager
    )


def _last_seats_card(found: search.LastSeats, position, today: dt.date) -> PosterCard:
    local = found.local_beginning
    day = p.day_label(local.date(), today)
    distance = p.distance_label(found.distance_km)
    return PosterCard(
        found.title,
        film_url(found.film, found.offer, position),
        found.poster or None,
        found.venue.display_name + (f" · {distance}" if distance else ""),
        chip_url=reverse("app:book", args=[found.stock_id]),
        chip_label=f"{day[:1].upper()}{day[1:]} {p.time_label(local)}"
        + (f" · {found.version}" if found.version else ""),
        chip_iso=local.isoformat(),
        seats=p.seats_label(found.remaining),
    )


def _released_this_week(result: search.FilmResult, today: dt.date) -> bool:
    released = result.film.release_date if result.film is not None else None
    return released is not None and today - dt.timedelta(days=RELEASE_DAYS - 1) <= released <= today


@allow_browser_features("geolocation")  # "Autour de moi": the device's position, asked on a click
def home(request):
    if any(key in request.GET for key in OLD_SEARCH_KEYS):
        return redirect(reverse("app:search") + "?" + request.GET.urlencode())
    at = utcnow()
    errors: list[str] = []
    located = locate(request.GET, request.user, errors, place_key="ville")
    position = located.position
    today = to_local(at, "Europe/Paris").date()
    week = search.DateFilter(search.WEEK)
    base = search.SearchParams(position=position, radius_km=HOME_RADIUS_KM, date=week)

    showing = search.search_films(replace(base, limit=FILMS_READ), at=at).results
    in_vo = search.search_films(replace(base, limit=CAROUSEL_SIZE, version="VO"), at=at).results
    last = search.last_seats(position, at=at, radius_km=HOME_RADIUS_KM, limit=CAROUSEL_SIZE)
    venues = venues_near(position, at=at, radius_km=HOME_RADIUS_KM, limit=CAROUSEL_SIZE) if position else []
    venue_query = coordinates_string(position)

    carousels = [
        (
            "a-l-affiche",
            "À l'affiche près de toi" if position else "À l'affiche",
            [_film_card(r, position, i < EAGER_POSTERS) for i, r in enumerate(showing[:CAROUSEL_SIZE])],
        ),
        (
            "cette-semaine",
            "Sortis cette semaine",
            [_film_card(r, position, False) for r in showing if _released_this_week(r, today)][
                :CAROUSEL_SIZE
            ],
        ),
        ("en-vo", "En VO", [_film_card(r, position, False) for r in in_vo]),
        (
            "dernieres-places",
            "Dernières places",
            [_last_seats_card(found, position, today) for found in last],
        ),
    ]
    context = {
        "errors": errors,
        "banner": credit_banner(request.user, at=at),
        "located": located,
        "carousels": [(slug, title, cards) for slug, title, cards in carousels if cards],
        "venues": [
            {
                "name": venue.name,
                "url": reverse("app:venue", args=[venue.venue_id])
                + (f"?{venue_query}" if venue_query else ""),
                "meta": " · ".join(
                    part
                    for part in (
                        venue.city,
                        p.distance_label(venue.distance_km),
                        f"{venue.film_count} film{'s' if venue.film_count > 1 else ''}",
                    )
                    if part
                ),
            }
            for venue in venues
        ],
        "map_url": reverse("app:map") + (f"?{venue_query}" if venue_query else ""),
        "search_url": reverse("app:search") + (f"?{venue_query}" if venue_query else ""),
    }
    return render(request, "app/home.html", context)
