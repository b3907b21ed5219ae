"""The current person's favourite films and cinemas."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Status
from pydantic import StrictInt

from passculture.core.favourites.selectors import favourites_of
from passculture.core.favourites.services import add_favourite, remove_favourite
from passculture.interfaces.api.inputs import MAX_ID, Id

from .schemas import CamelInSchema, CamelSchema, ErrorOut, InvalidInputOut

router = Router(tags=["Favoris"])


class FavouriteIn(CamelInSchema):
    film_id: StrictInt | None = Field(default=None, ge=1, le=MAX_ID, description="Un film, ou…")
    venue_id: StrictInt | None = Field(default=None, ge=1, le=MAX_ID, description="…un cinéma.")


class FavouriteFilmOut(CamelSchema):
    id: int
    title: str
    year: int | None
    poster_url: str | None


class FavouriteVenueOut(CamelSchema):
    id: int
    name: str
    city: str


class FavouriteOut(CamelSchema):
    id: int
    created_at: dt.datetime
    film: FavouriteFilmOut | None
    venue: FavouriteVenueOut | None


class FavouritesOut(CamelSchema):
    favourites: list[FavouriteOut]


def _favourite(request: HttpRequest, favourite) -> dict:
    film, venue = favourite.film, favourite.venue
    return {
        "id": favourite.pk,
        "created_at": favourite.created_at,
        "film": None
        if film is None
        else {
            "id": film.pk,
            "title": film.title,
            "year": film.year,
            "poster_url": request.build_absolute_uri(film.poster.url) if film.poster else None,
        },
        "venue": None
        if venue is None
        else {"id": venue.pk, "name": venue.public_name or venue.name, "city": venue.city},
    }


@router.get(
    "/me/favorites",
    response={200: FavouritesOut, 401: ErrorOut},
    by_alias=True,
    summary="Mes favoris",
    description="Les films et les cinémas mis en favori, du plus récent au plus ancien (500 au plus).",
)
def my_favourites(request: HttpRequest):
    return {"favourites": [_favourite(request, f) for f in favourites_of(request.auth)]}


@router.post(
    "/me/favorites",
    response={
        200: FavouriteOut,
        201: FavouriteOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidInputOut,
    },
    by_alias=True,
    summary="Ajouter un favori",
    description="`filmId` ou `venueId` (l'un des deux). 201 quand il est ajouté, 200 s'il l'était déjà. "
    "404 `FAVOURITE_TARGET_NOT_FOUND` pour un film ou un cinéma inconnu, 409 `FAVOURITES_LIMIT_REACHED` "
    "au-delà de 500 favoris.",
)
def add_my_favourite(request: HttpRequest, payload: FavouriteIn):
    added = add_favourite(request.auth, film_id=payload.film_id, venue_id=payload.venue_id)
    return Status(201 if added.created else 200, _favourite(request, added.favourite))


@router.delete(
    "/me/favorites/{favourite_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
    summary="Retirer un favori",
)
def remove_my_favourite(request: HttpRequest, favourite_id: Id):
    remove_favourite(request.auth, favourite_id)
    return HttpResponse(status=204)
