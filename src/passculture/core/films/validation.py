"""Checks of a film typed by a pro (or sent by an API client): every field bounded."""

import datetime as dt
import re

from passculture.core.common.text import check_text

from .exceptions import FilmFieldTooLong, FilmTitleRequired, InvalidFilmDuration, InvalidFilmYear, InvalidVisa

FIRST_FILM_YEAR = 1895  # the Lumière brothers' first public screening
YEARS_AHEAD = 5
TITLE_MAX_LENGTH = 140
SYNOPSIS_MAX_LENGTH = 5000
MAX_GENRES = 10
GENRE_MAX_LENGTH = 60
MAX_DURATION_MINUTES = 24 * 60
# The CNC's exploitation visa: a number (up to 6 digits today); spaces typed between digits are dropped.
VISA_PATTERN = re.compile(r"[0-9]{1,10}")


def normalise_visa(visa: str | None) -> str:
    return re.sub(r"[\s.]", "", visa or "")


def check_film_fields(
    *,
    title: str,
    year: int | None = None,
    visa: str = "",
    duration_minutes: int | None = None,
    synopsis: str = "",
    genres: list[str] | None = None,
    today: dt.date | None = None,
) -> None:
    """`visa` is the normalised one (normalise_visa)."""
    if not (title or "").strip():
        raise FilmTitleRequired()
    check_text(title)
    if len(title.strip()) > TITLE_MAX_LENGTH or len(synopsis or "") > SYNOPSIS_MAX_LENGTH:
        raise FilmFieldTooLong()
    check_text(synopsis or "", multiline=True)
    if year is not None:
        current = (today or dt.date.today()).year
        if not FIRST_FILM_YEAR <= year <= current + YEARS_AHEAD:
            raise InvalidFilmYear()
    if visa and not VISA_PATTERN.fullmatch(visa):
        raise InvalidVisa()
    if duration_minutes is not None and not 0 < duration_minutes <= MAX_DURATION_MINUTES:
        raise InvalidFilmDuration()
    genres = genres or []
    if len(genres) > MAX_GENRES or any(len(genre) > GENRE_MAX_LENGTH for genre in genres):
        raise FilmFieldTooLong()
    for genre in genres:
        check_text(genre)
