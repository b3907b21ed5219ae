"""Which Film (core.films) each movie of a feed is: the one every cinema showing it links to.

A national import meets each film in hundreds of theatres. `FilmLinks` lives as long as the run (it is
held by sync._Connections): the films of a feed are read with one query per venue for the movies not
met yet in this run, and a film is written only when it is new or when the feed brings an identifier or
a detail the film lacks (core.films.services.find_or_create_film keeps what was set first). So a
re-import that changes nothing writes no film and costs at most one read per venue.

Films are resolved before the venue's transaction: a film is shared, so it must not vanish with the
rollback of one theatre's failed import while the run still remembers it.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from passculture.core.common.text import strip_forbidden_characters
from passculture.core.films.models import Film as FilmRow
from passculture.core.films.selectors import films_by_allocine_id
from passculture.core.films.services import DETAIL_FIELDS, find_or_create_film
from passculture.core.offers.constants import MAX_DURATION_MINUTES

from .schemas import Film, Movie, clean_text

logger = logging.getLogger(__name__)

POSTER_REFRESH = dt.timedelta(days=1)
# The columns of core.films.models.Film, with room: a longer value is a broken feed, and is dropped
# (an identifier or an address cut short would name another thing) or cut (a title).
TITLE_MAX_LENGTH = 140
ORIGINAL_TITLE_MAX_LENGTH = 200
ID_MAX_LENGTH = 32
URL_MAX_LENGTH = 200
SYNOPSIS_MAX_LENGTH = 5000


def _text(value: str | None, *, multiline: bool = False) -> str:
    return strip_forbidden_characters(value or "", multiline=multiline).strip()


def _names(values: Iterable[str]) -> list[str]:
    return [name for value in values if (name := _text(value)[:TITLE_MAX_LENGTH])]


def _fits(value: str, max_length: int) -> str:
    return value if len(value) <= max_length else ""


def film_year(movie: Movie) -> int | None:
    """The year of the cinema release, else the production year: what a title is matched with."""
    if movie.release_date is not None:
        return movie.release_date.year
    year = movie.data.production_year if movie.data else None
    return year if year and 1850 <= year <= 2200 else None


def film_fields(movie: Movie) -> dict:
    """The keyword arguments of find_or_create_film for this movie."""
    minutes = movie.duration_minutes
    return {
        "title": _text(movie.title)[:TITLE_MAX_LENGTH],
        "allocine_id": _fits(_text(movie.id), ID_MAX_LENGTH),
        "visa": _fits(_text(movie.visa), ID_MAX_LENGTH),
        "year": film_year(movie),
        "original_title": _text(movie.original_title)[:ORIGINAL_TITLE_MAX_LENGTH],
        "synopsis": _text(clean_text(movie.synopsis), multiline=True)[:SYNOPSIS_MAX_LENGTH],
        "duration_minutes": minutes if minutes and minutes <= MAX_DURATION_MINUTES else None,
        "directors": _names(movie.directors),
        "cast": _names(movie.cast_names),
        "genres": _names(movie.genres),
        "countries": _names(movie.country_names),
        "release_date": movie.release_date,
        "allocine_url": _fits(_text(movie.allocine_url), URL_MAX_LENGTH),
    }


def _brings_something(film: FilmRow, fields: dict) -> bool:
    """Whether find_or_create_film would have anything to add to this film (a detail it lacks)."""
    return any(
        fields[name] and not getattr(film, name) for name in ("visa", *DETAIL_FIELDS) if name in fields
    )


def _poster_due(film: FilmRow, url: str, at: dt.datetime) -> bool:
    if not film.poster or film.poster_fetched_at is None:
        # A poster set by hand (no source) is kept: the import never replaces it.
        return not film.poster
    return film.poster_source_url != url or at - film.poster_fetched_at >= POSTER_REFRESH


class FilmLinks:
    """The films of one import run, by Allociné movie id."""

    def __init__(self) -> None:
        self._film_ids: dict[str, int] = {}
        # Films whose poster was looked at in this run: a second theatre never fetches it again.
        self._posters_seen: set[int] = set()
        self._due: dict[str, tuple[int, str]] = {}

    def resolve(self, films: Iterable[Film], at: dt.datetime) -> dict[str, int]:
        """{movie id: film pk} for every movie of the feed with a usable key."""
        movies = {film.movie.id: film.movie for film in films if not film.movie.is_special_event}
        unknown = {movie_id: movie for movie_id, movie in movies.items() if movie_id not in self._film_ids}
        if unknown:
            found = films_by_allocine_id(film_fields(movie)["allocine_id"] for movie in unknown.values())
            for movie_id, movie in unknown.items():
                fields = film_fields(movie)
                if not fields["title"]:
                    continue
                film = found.get(fields["allocine_id"]) if fields["allocine_id"] else None
                if film is None or _brings_something(film, fields):
                    try:
                        film = find_or_create_film(**fields)
                    except Exception:
                        # One odd movie must not fail the theatre: its offer stays without a film until
                        # the next run (the log says which one).
                        logger.exception("allocine: movie %s: film not linked", movie_id)
                        continue
                self._film_ids[movie_id] = film.pk
                url = movie.poster_url or ""
                if film.pk not in self._posters_seen:
                    self._posters_seen.add(film.pk)
                    if url and len(url) <= 500 and _poster_due(film, url, at):
                        self._due[movie_id] = (film.pk, url)
        return {movie_id: self._film_ids[movie_id] for movie_id in movies if movie_id in self._film_ids}

    def known(self, movie_ids: Iterable[str]) -> dict[str, int] | None:
        """What `resolve` would answer for these movies when this run already linked every one of them
        (nothing to look up, no poster to look at again); None otherwise."""
        film_ids = self._film_ids
        try:
            return {movie_id: film_ids[movie_id] for movie_id in movie_ids}
        except KeyError:
            return None

    def posters_due(self, movie_ids: Iterable[str]) -> bool:
        """Whether `take_due_posters` would hand out a poster for these movies (nothing taken)."""
        return any(movie_id in self._due for movie_id in movie_ids)

    def take_due_posters(self, movie_ids: Iterable[str]) -> list[tuple[int, str]]:
        """The posters to fetch for these movies, each handed out once per run (to the first theatre
        that shows the film)."""
        return [self._due.pop(movie_id) for movie_id in movie_ids if movie_id in self._due]
