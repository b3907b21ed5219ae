"""Finding the one Film behind a showing: by Allociné id, else visa, else normalised title and year."""

import datetime as dt

from django.core.files import File
from django.db import IntegrityError, transaction

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.text import fold
from passculture.core.common.time import now as utcnow

from .exceptions import FilmNotFound
from .models import Film
from .validation import check_film_fields, normalise_visa


def title_key(title: str) -> str:
    return fold(title)[:200]


def find_film(
    *, allocine_id: str = "", visa: str = "", title: str = "", year: int | None = None
) -> Film | None:
    """The film these keys name, trying each key in order. A title only matches a film of the same
    year (both unknown counts as the same), and never a film whose Allociné id or visa says it is another
    one."""
    allocine_id, visa = (allocine_id or "").strip(), (visa or "").strip()
    if allocine_id and (film := Film.objects.filter(allocine_id=allocine_id).first()):
        return film
    if visa and (film := Film.objects.filter(visa=visa).first()):
        return film
    key = title_key(title)
    if not key:
        return None
    candidates = Film.objects.filter(title_key=key, year=year).order_by("pk")
    if allocine_id:
        candidates = candidates.filter(allocine_id="")
    if visa:
        candidates = candidates.filter(visa="")
    return candidates.first()


def find_or_create_film(
    *, title: str, allocine_id: str = "", visa: str = "", year: int | None = None, **details
) -> Film:
    """The film these keys name, created when none does. Identifiers the film lacked are added (a film
    made by hand gets its Allociné id on the first import); `details` fill only empty fields, so what
    was set first (by hand or by an earlier import) stays. Safe under concurrency: a unique violation on
    an id means another transaction created it first, and that film is returned."""
    allocine_id, visa = (allocine_id or "").strip(), (visa or "").strip()
    film = find_film(allocine_id=allocine_id, visa=visa, title=title, year=year)
    if film is None:
        try:
            with transaction.atomic():
                return Film.objects.create(
                    title=title,
                    title_key=title_key(title),
                    year=year,
                    allocine_id=allocine_id,
                    visa=visa,
                    **details,
                )
        except IntegrityError:
            film = find_film(allocine_id=allocine_id, visa=visa, title=title, year=year)
            if film is None:
                raise
    changed = []
    for name, value in (("allocine_id", allocine_id), ("visa", visa), *details.items()):
        if value and not getattr(film, name) and not _taken(name, value, film):
            setattr(film, name, value)
            changed.append(name)
    if changed:
        film.save(update_fields=[*changed, "updated_at"])
    return film


def _taken(name: str, value, film: Film) -> bool:
    if name not in ("allocine_id", "visa"):
        return False
    return Film.objects.filter(**{name: value}).exclude(pk=film.pk).exists()


@transaction.atomic
def set_film_poster(
    film_id: int, image: File | str, *, source_url: str = "", at: dt.datetime | None = None
) -> Film:
    """Gives the film `image` (already checked and re-encoded, core.offers.images; or the name of a file
    already in the storage) as its poster, shared by every cinema showing it. `source_url`/`at`: where
    and when an import fetched it (the refresh rules). The replaced file is removed once the change is
    committed."""
    film = lock(Film.objects.all()).get(pk=film_id)
    old_name = film.poster.name
    if isinstance(image, str):
        film.poster.name = image
    else:
        film.poster.save(image.name, image, save=False)
    film.poster_source_url = source_url[:500]
    film.poster_fetched_at = at if source_url else None
    film.save(update_fields=["poster", "poster_source_url", "poster_fetched_at", "updated_at"])
    if old_name and old_name != film.poster.name:
        storage = film.poster.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return film


@transaction.atomic
def create_film(
    *,
    title: str,
    year: int | None = None,
    visa: str = "",
    duration_minutes: int | None = None,
    synopsis: str = "",
    genres: list[str] | None = None,
    actor=None,
    at: dt.datetime | None = None,
) -> Film:
    """A film typed by a pro (or an API client), checked. When the keys name a film that exists already
    (its visa, or the same title and year), that film is returned, so that two cinemas typing the same
    film share it; what it lacks is filled in."""
    visa = normalise_visa(visa)
    genres = [genre.strip() for genre in genres or [] if genre and genre.strip()]
    title = (title or "").strip()
    check_film_fields(
        title=title,
        year=year,
        visa=visa,
        duration_minutes=duration_minutes,
        synopsis=synopsis,
        genres=genres,
        today=(at or utcnow()).date(),
    )
    details: dict = {"synopsis": (synopsis or "").strip(), "genres": genres}
    if duration_minutes is not None:
        details["duration_minutes"] = duration_minutes
    existed = find_film(visa=visa, title=title, year=year)
    film = find_or_create_film(title=title, visa=visa, year=year, **details)
    if existed is None:
        log_action("film.created", actor=actor, target=film, data={"visa": visa, "year": year})
    return film


def get_film(film_id) -> Film:
    try:
        film = Film.objects.filter(pk=int(film_id)).first()
    except (TypeError, ValueError):
        film = None
    if film is None:
        raise FilmNotFound()
    return film
