"""Films: the search grouped by film and one film's calendar across nearby cinemas. Public like the
offers: looking needs no account."""

from django.http import HttpRequest
from ninja import Query, Router

from passculture.core.bookings.feedback import counts_for_showings
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.offers import search

from .offers import PUBLIC, SEARCH_DESCRIPTION, search_params, venue_out
from .schemas import ErrorOut, FilmSearchOut, InvalidInputOut, MovieCalendarOut

router = Router(tags=["Films"])

FILMS_DESCRIPTION = f"""Comme `GET /offers`, mais **un résultat par film** : le cinéma le plus proche qui
le passe (avec position ; sinon celui de la séance la plus proche dans le temps), ses 3 prochaines
séances dans ce cinéma, et le nombre de cinémas proches qui le passent. Les pages comptent des films.
Une offre pas encore liée à un film compte comme un film.

Quand la première page est vide, `suggestions` dit ce qu'il faut élargir (rayon, version, budget, jour,
duo, accessibilité, texte).

{SEARCH_DESCRIPTION}"""

CALENDAR_DESCRIPTION = f"""Les séances d'un film dans les cinémas autour d'un point, par jour (jour local du
cinéma) puis par cinéma, le plus proche d'abord (30 cinémas au plus).

- Le film : **un seul** de `filmId`, `allocineId`, `visa` ou `offerId` (une offre sans film = cette
  offre ; une offre liée = son film). Erreurs : `FILM_REFERENCE_REQUIRED`, `INVALID_FILM_REFERENCE` (400),
  `FILM_NOT_FOUND` (404).
- `latitude`, `longitude` : sans eux, toute la France (cinémas par nom). `radius` : 5, 10, 20, 50 ou
  100 km (50 par défaut). Erreurs : `INVALID_COORDINATES`, `COORDINATES_INCOMPLETE`, `INVALID_RADIUS`.
- `from`, `to` : jours `AAAA-MM-JJ`, `from` au plus tôt hier, 31 jours au plus (par défaut aujourd'hui
  et les 13 jours suivants). Erreur : `INVALID_PERIOD`.
- Séances ouvertes à la réservation, complètes comprises (`isSoldOut`) ; `placesLeft` quand il reste
  moins de 10 places. `days` : les jours qui ont des séances.

{PUBLIC}"""


@router.get(
    "/films",
    auth=None,
    response={200: FilmSearchOut, 400: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Chercher des films autour d'un point (un résultat par film)",
    description=FILMS_DESCRIPTION,
)
def search_films(
    request: HttpRequest,
    latitude: str | None = None,
    longitude: str | None = None,
    radius_km: str | None = None,
    date: str | None = None,
    q: str | None = None,
    limit: str | None = None,
    offset: str | None = None,
    version: str | None = None,
    max_price: str | None = None,
    duo: str | None = None,
    accessibility: str | None = None,
):
    at = utcnow()
    params = search_params(
        at, latitude, longitude, radius_km, date, q, limit, offset, version, max_price, duo, accessibility
    )
    page = search.search_films(params, at=at)
    suggestions = []
    if not page.results and params.offset == 0:
        suggestions = [
            {"kind": w.kind, "label": w.label, "radius_km": w.radius_km}
            for w in search.widening_suggestions(params, at=at)
        ]
    return {
        "results": [
            {
                "key": result.key,
                "film": {
                    "id": result.film.pk if result.film is not None else None,
                    "title": result.title,
                    "image_url": request.build_absolute_uri(result.poster.url) if result.poster else None,
                    "duration_minutes": result.duration_minutes,
                    "genres": result.genres,
                },
                "offer_id": result.offer.pk,
                "venue": venue_out(result.venue),
                "distance_km": round(result.distance_km, 2) if result.distance_km is not None else None,
                "cinema_count": result.cinema_count,
                "next_showtimes": [
                    {
                        "stock_id": s.stock_id,
                        "beginning_datetime": s.beginning,
                        "version": s.version,
                        "remaining_quantity": s.remaining,
                        "price": s.price_cents,
                    }
                    for s in result.showtimes
                ],
                "showtime_count": result.showtime_count,
                "min_price": result.min_price_cents,
                "max_price": result.max_price_cents,
            }
            for result in page.results
        ],
        "limit": params.limit,
        "offset": params.offset,
        "has_more": page.has_more,
        "next_offset": page.next_offset,
        "radius_km": params.radius_km if params.position is not None else None,
        "date": params.date.value if params.date is not None else None,
        "suggestions": suggestions,
    }


@router.get(
    "/movie/calendar",
    auth=None,
    response={200: MovieCalendarOut, 400: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Les séances d'un film autour d'un point, par jour puis par cinéma",
    description=CALENDAR_DESCRIPTION,
)
def movie_calendar(
    request: HttpRequest,
    film_id: str | None = Query(None, alias="filmId"),
    allocine_id: str | None = Query(None, alias="allocineId"),
    visa: str | None = None,
    offer_id: str | None = Query(None, alias="offerId"),
    latitude: str | None = None,
    longitude: str | None = None,
    radius: str | None = None,
    from_: str | None = Query(None, alias="from"),
    to: str | None = None,
):
    # Strings on purpose, like the search: a malformed value gets its own stable code.
    at = utcnow()
    ref = search.find_film_ref(film_id=film_id, allocine_id=allocine_id, visa=visa, offer_id=offer_id)
    position = search.check_position(latitude, longitude)
    radius_km = search.check_radius(radius) if (radius or "").strip() else search.DEFAULT_CALENDAR_RADIUS_KM
    first, last = search.check_period(from_, to, today=search.calendar_today(at))
    calendar = search.film_calendar(
        ref, at=at, first=first, last=last, position=position, radius_km=radius_km
    )
    info = search.film_info(search.with_a_showing(ref))
    counts = counts_for_showings(ref.showings)
    return {
        "film": {
            "id": ref.film.pk if ref.film is not None else None,
            "offer_id": ref.offer.pk if ref.film is None and ref.offer is not None else None,
            "title": info.title,
            "image_url": request.build_absolute_uri(info.poster.url) if info.poster else None,
            "synopsis": info.synopsis,
            "duration_minutes": info.duration_minutes,
            "genres": info.genres,
            "directors": info.directors,
            "cast": info.cast,
            "allocine_id": info.allocine_id,
            "visa": info.visa,
            "allocine_url": info.allocine_url or None,
            "feedback": {"likes": counts.likes, "total": counts.total, "like_percent": counts.like_percent}
            if counts.is_shown
            else None,
        },
        "from": first,
        "to": last,
        "radius": radius_km if position is not None else None,
        "days": calendar.days_with_showtimes,
        "calendar": [
            {
                "date": day.day,
                "cinemas": [
                    {
                        "offer_id": cinema.offer.pk,
                        "venue": venue_out(cinema.venue),
                        "distance_km": round(cinema.distance_km, 2)
                        if cinema.distance_km is not None
                        else None,
                        "showtimes": [
                            {
                                "stock_id": s.stock_id,
                                "beginning_datetime": s.beginning,
                                "local_time": to_local(s.beginning, cinema.venue.timezone).strftime("%H:%M"),
                                "version": s.version,
                                "price": s.price_cents,
                                "price_category_label": s.price_label,
                                "places_left": s.seats_told,
                                "is_sold_out": s.is_sold_out,
                            }
                            for s in cinema.showtimes
                        ],
                    }
                    for cinema in day.cinemas
                ],
            }
            for day in calendar.days
        ],
    }
