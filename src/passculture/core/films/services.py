"""Finding the one Film behind a showing: by Allociné id, else visa, else normalised title and year."""

import datetime as dt

from django.core.files import File
from django.db import IntegrityError, transaction

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.renditions import after_commit_delete, after_commit_store
from passculture.core.common.text import fold
from passculture.core.common.time import now as utcnow

from .exceptions import FilmMergeNeedsTwo, FilmNotFound
from .models import Film
from .validation import check_film_fields, normalise_visa

# What a film's record may lack and another record of the same film fill in (a merge).
DETAIL_FIELDS = (
    "year",
    "original_title",
    "synopsis",
    "duration_minutes",
    "directors",
    "cast",
    "genres",
    "countries",
    "release_date",
    "allocine_url",
)


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
    if film.poster:
        after_commit_store(film.poster.storage, film.poster.name)
    if old_name and old_name != film.poster.name:
        after_commit_delete(film.poster.storage, [old_name])
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


@transaction.atomic
def correct_film(film: Film, *, actor=None, changed: list[str] | tuple[str, ...] = ()) -> Film:
    """Saves a film staff corrected (the back office form set its fields): checked like a film typed by
    a pro, its title key follows its title."""
    film.title = (film.title or "").strip()
    film.visa = normalise_visa(film.visa)
    check_film_fields(
        title=film.title,
        year=film.year,
        visa=film.visa,
        duration_minutes=film.duration_minutes,
        synopsis=film.synopsis,
        genres=list(film.genres or []),
        today=utcnow().date(),
    )
    film.title_key = title_key(film.title)
    film.save()
    log_action("film.corrected", actor=actor, target=film, data={"fields": sorted(changed)})
    return film


@transaction.atomic
def merge_films(keep: Film, others: list[Film], *, actor=None) -> int:
    """Two records of one film become one: every offer of `others` moves to `keep`, which takes the
    identifiers, details and poster it lacks; `others` are deleted. Returns how many offers moved."""
    others = [other for other in others if other.pk != keep.pk]
    if not others:
        raise FilmMergeNeedsTwo()
    # Lock order: by primary key, whichever film is kept (two merges of the same films never deadlock).
    locked = {
        film.pk: film
        for film in lock(Film.objects.filter(pk__in=[keep.pk, *(o.pk for o in others)]).order_by("pk"))
    }
    keep = locked[keep.pk]
    others = [locked[other.pk] for other in others if other.pk in locked]
    moved = 0
    for other in others:
        moved += other.offers.update(film=keep)
    taken = {
        name: [getattr(other, name) for other in others if getattr(other, name)]
        for name in ("allocine_id", "visa")
    }
    fills = {
        name: next((getattr(other, name) for other in others if getattr(other, name)), None)
        for name in (*DETAIL_FIELDS, "poster")
        if not getattr(keep, name)
    }
    posters_to_delete = [other.poster.name for other in others if other.poster]
    ids = [other.pk for other in others]
    Film.objects.filter(pk__in=ids).delete()  # frees their identifiers (unique) before keep takes them
    changed = []
    for name, values in taken.items():
        if values and not getattr(keep, name):
            setattr(keep, name, values[0])
            changed.append(name)
    for name, value in fills.items():
        if value:
            setattr(keep, name, value)
            changed.append(name)
    if "poster" in changed:
        posters_to_delete.remove(keep.poster.name)
        keep.poster_source_url = next(
            (o.poster_source_url for o in others if o.poster.name == keep.poster.name), ""
        )
        keep.poster_fetched_at = next(
            (o.poster_fetched_at for o in others if o.poster.name == keep.poster.name), None
        )
        changed += ["poster_source_url", "poster_fetched_at"]
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])
    if posters_to_delete:
        after_commit_delete(keep.poster.storage, posters_to_delete)
    log_action("film.merged", actor=actor, target=keep, data={"merged_ids": ids, "offers_moved": moved})
    return moved
