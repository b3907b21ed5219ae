"""What an imported offer takes from its Allociné movie (used by apply.py): its name, its description, its
duration, its languages and the film's details kept in `extra_data`."""

from typing import NamedTuple

from passculture.core.common.text import strip_forbidden_characters
from passculture.core.offers.constants import DESCRIPTION_MAX_LENGTH, MAX_DURATION_MINUTES

from .schemas import DESCRIPTION_LINK_PREFIX, Film, clean_text

OFFER_NAME_MAX_LENGTH = 140
# Allociné's language names -> the ISO 639-1 codes an offer carries (core.offers.constants.LANGUAGES).
LANGUAGE_CODES = {
    "FRENCH": "fr",
    "ENGLISH": "en",
    "SPANISH": "es",
    "GERMAN": "de",
    "ITALIAN": "it",
    "PORTUGUESE": "pt",
    "ARABIC": "ar",
    "CHINESE": "zh",
    "MANDARIN": "zh",
    "JAPANESE": "ja",
    "KOREAN": "ko",
    "HINDI": "hi",
    "RUSSIAN": "ru",
    "NO_DIALOGUE": "xx",
}


def build_description(film: Film) -> str:
    """RULES.md: the synopsis, a new line, then the link; the synopsis is cut to keep the link."""
    url = film.movie.allocine_url
    link = f"{DESCRIPTION_LINK_PREFIX}{url}" if url else ""
    synopsis = clean_text(film.movie.synopsis)
    room = DESCRIPTION_MAX_LENGTH - (len(link) + 1 if link else 0)
    if len(synopsis) > room:
        synopsis = synopsis[: max(room - 1, 0)].rstrip() + "…"
    return "\n".join(part for part in (synopsis, link) if part)


def _duration(film: Film) -> int | None:
    minutes = film.movie.duration_minutes
    # A runtime the offer would refuse from a pro ("P10D", "PT0S") is dropped rather than stored.
    return minutes if minutes and minutes <= MAX_DURATION_MINUTES else None


def languages(film: Film) -> list[str]:
    codes: list[str] = []
    for showtime in film.showtimes:
        for language in showtime.languages:
            code = LANGUAGE_CODES.get(language.upper())
            if code and code not in codes:
                codes.append(code)
    return codes


def _without_forbidden_characters(value):
    """A feed's text loses the characters no input may hold (core.common.text): one NUL in a cast list
    would otherwise fail the whole theatre's import on PostgreSQL."""
    if isinstance(value, str):
        return strip_forbidden_characters(value)
    if isinstance(value, list):
        return [_without_forbidden_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_forbidden_characters(item) for key, item in value.items()}
    return value


def _film_extra_data(film: Film) -> dict:
    return _without_forbidden_characters(_film_details(film))


class FilmValues(NamedTuple):
    name: str
    description: str
    duration_minutes: int | None
    extra_data: dict


def film_values(film: Film, known: dict[str, tuple[dict, FilmValues]]) -> FilmValues:
    """What an offer takes from its movie, computed once per run for a movie that hundreds of theatres
    show (the details, the description: half a millisecond each time). `known`: the run's, by movie id;
    an entry serves only a movie equal to the one it was computed from (another theatre's feed may carry
    other details). Equal as plain data (`model_dump`, in Rust, then a comparison of dicts in C): the
    models' own `==` walks the nested models in Python, three times slower."""
    movie = film.movie
    data = movie.model_dump()
    cached = known.get(movie.id)
    if cached is not None and cached[0] == data:
        return cached[1]
    values = FilmValues(
        name=strip_forbidden_characters(movie.title, multiline=False)[:OFFER_NAME_MAX_LENGTH],
        description=strip_forbidden_characters(build_description(film)),
        duration_minutes=_duration(film),
        extra_data=_film_extra_data(film),
    )
    known[movie.id] = (data, values)
    return values


def _film_details(film: Film) -> dict:
    movie = film.movie
    release_date = movie.release_date
    return {
        "allocine_id": movie.id,
        "allocine_internal_id": movie.internal_id,
        "allocine_url": movie.allocine_url or "",
        "original_title": movie.original_title or "",
        "visa": movie.visa or "",
        "directors": movie.directors,
        "cast": movie.cast_names,
        "genres": list(movie.genres),
        "countries": movie.country_names,
        "release_date": release_date.isoformat() if release_date else "",
        "poster_url": movie.poster_url or "",
    }
