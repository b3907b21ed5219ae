"""Offers: the geolocated search, places to search around, an offer with its film details and
showtimes. Public like the real service's discovery: booking needs an account, looking does not."""

from django.http import HttpRequest
from ninja import Router

from passculture.core.common.time import now as utcnow
from passculture.core.offers import search
from passculture.core.offers.exceptions import OfferNotFound
from passculture.core.offers.price_categories import label_of_stock
from passculture.core.offers.selectors import get_public_offer, stocks_of_offer
from passculture.core.offers.validation import is_bookable
from passculture.interfaces.api.inputs import Id

from .schemas import ErrorOut, InvalidInputOut, OfferOut, PlaceOut, SearchOut

router = Router(tags=["Offres"])

PUBLIC = "Sans authentification : la recherche et les offres sont publiques, seule la réservation demande un compte."
SEARCH_DESCRIPTION = f"""Films ayant au moins une séance réservable (offre active, lieu et structure
validés, séance non supprimée, pas commencée, date limite non passée, au moins une place).

- Avec `latitude` et `longitude` : cinémas à moins de `radius_km` (5, 10, 20, 50 ou 100 ; 20 par
  défaut) à vol d'oiseau, **le plus proche d'abord**, puis la prochaine séance.
- Sans position : toute la France, la prochaine séance d'abord.
- `date` : `today`, `tomorrow`, `week` (aujourd'hui et les 6 jours suivants) ou un jour `AAAA-MM-JJ` ;
  les jours sont ceux du fuseau de chaque cinéma (outre-mer compris).
- `q` : mots du titre, sans tenir compte des majuscules ni des accents (`ete` trouve « L'Été dernier »).
- Pages : `limit` (1 à 50, 20 par défaut) et `offset` (0 à 500) ; `nextOffset` donne la suite.
- `version` : `VO` ou `VF` (la version de la séance). `max_price` : « dans mon budget », prix maximal
  en centimes (0 à 100000 ; l'application envoie le crédit restant). `duo` : `true` pour les offres duo
  seulement. `accessibility` : `any` (cinéma accessible à au moins un handicap) ou `motor`, `visual`,
  `audio`, `mental`.

Erreurs (400) : `INVALID_COORDINATES`, `COORDINATES_INCOMPLETE`, `INVALID_RADIUS`, `INVALID_DATE`,
`SEARCH_TEXT_TOO_LONG`, `INVALID_PAGINATION`, `INVALID_VERSION`, `INVALID_BUDGET`, `INVALID_FLAG`,
`INVALID_ACCESSIBILITY`.

{PUBLIC}"""


def image_url(request: HttpRequest, offer) -> str | None:
    """The offer's poster: its own image, else its film's (Offer.poster)."""
    poster = offer.poster
    return request.build_absolute_uri(poster.url) if poster else None


def _own_image_url(request: HttpRequest, offer) -> str | None:
    # Search results are read with only the columns they show (core.offers.search): asking for the film's
    # poster would cost a query per result. The film-grouped search carries the film's poster itself.
    return request.build_absolute_uri(offer.image.url) if offer.image else None


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


def venue_out(venue) -> dict:
    return {
        "id": venue.pk,
        "name": venue.display_name,
        "address": venue.address,
        "postal_code": venue.postal_code,
        "city": venue.city,
        "latitude": _coordinate(venue.latitude),
        "longitude": _coordinate(venue.longitude),
        "timezone": venue.timezone,
    }


def search_params(
    at, latitude, longitude, radius_km, date, q, limit, offset, version, max_price, duo, accessibility
) -> search.SearchParams:
    # Strings on purpose: a malformed number gets the search's own stable code (INVALID_COORDINATES...)
    # rather than a generic schema error.
    return search.build_search_params(
        at=at,
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        date=date,
        text=q,
        limit=limit,
        offset=offset,
        version=version,
        max_price=max_price,
        duo=duo,
        accessibility=accessibility,
    )


@router.get(
    "/offers",
    auth=None,
    response={200: SearchOut, 400: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Chercher des séances autour d'un point",
    description=SEARCH_DESCRIPTION,
)
def search_offers(
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
    page = search.search_showtimes(params, at=at)
    return {
        "results": [
            {
                "offer": {
                    "id": result.offer.pk,
                    "name": result.offer.name,
                    "image_url": _own_image_url(request, result.offer),
                    "duration_minutes": result.offer.duration_minutes,
                    "languages": result.offer.languages,
                    "is_duo": result.offer.is_duo,
                },
                "venue": venue_out(result.venue),
                "distance_km": round(result.distance_km, 2) if result.distance_km is not None else None,
                "next_showtimes": [
                    {
                        "stock_id": showtime.stock_id,
                        "beginning_datetime": showtime.beginning,
                        "version": showtime.version,
                        "remaining_quantity": showtime.remaining,
                        "price": showtime.price_cents,
                    }
                    for showtime in result.showtimes
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
    }


@router.get(
    "/places",
    auth=None,
    response={200: list[PlaceOut], 422: InvalidInputOut},
    by_alias=True,
    summary="Villes et codes postaux pour situer une recherche",
    description="Jusqu'à 8 communes (code postal, début de code postal ou nom, sans tenir compte des "
    "accents), les plus peuplées d'abord ; sinon, si l'API Adresse est configurée, sa meilleure adresse ; "
    "une liste vide si rien ne correspond. " + PUBLIC,
)
def places(request: HttpRequest, q: str = ""):
    return [
        {"label": place.label, "latitude": place.latitude, "longitude": place.longitude}
        for place in search.find_places(q[:200], limit=8)
    ]


@router.get(
    "/offers/{offer_id}",
    auth=None,
    response={200: OfferOut, 404: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Une offre, le film et ses séances",
    description="Séances non supprimées, passées comprises ; `isBookable` dit si l'on peut réserver. "
    "`film` : réalisation, interprètes, genres... quand l'offre vient d'Allociné. " + PUBLIC,
)
def get_offer(request: HttpRequest, offer_id: Id):
    offer = get_public_offer(offer_id)
    if offer is None:
        raise OfferNotFound()
    at = utcnow()
    film = search.film_details(offer)
    stocks = list(stocks_of_offer(offer).select_related("price_category__label"))
    # The categories its stocks are sold at (read with them: no query more), cheapest first.
    categories = sorted(
        {stock.price_category for stock in stocks if stock.price_category is not None},
        key=lambda category: (category.price_cents, category.pk),
    )
    return {
        "id": offer.pk,
        "name": offer.name,
        "description": offer.description,
        "category": offer.category,
        "duration_minutes": offer.duration_minutes,
        "languages": offer.languages,
        "is_duo": offer.is_duo,
        "is_digital": offer.is_digital,
        "is_event": offer.is_event,
        "image_url": image_url(request, offer),
        "film_id": offer.film_id,
        "venue": venue_out(offer.venue),
        "film": {
            "directors": film.directors,
            "cast": film.cast,
            "genres": film.genres,
            "countries": film.countries,
            "original_title": film.original_title,
            "release_date": film.release_date,
            "allocine_url": film.allocine_url or None,
        },
        "stocks": [
            {
                "id": stock.pk,
                "beginning_datetime": stock.beginning_datetime,
                "booking_limit_datetime": stock.booking_limit_datetime,
                "price": stock.price_cents,
                "price_category_id": stock.price_category_id,
                "price_category_label": label_of_stock(stock),
                "remaining_quantity": stock.remaining_quantity,
                "version": stock.version,
                "is_bookable": is_bookable(stock, at),
            }
            for stock in stocks
        ],
        "price_categories": [
            {"id": category.pk, "label": category.label.label, "price": category.price_cents}
            for category in categories
        ],
    }
