"""Finding the one Film behind a showing: by Allociné id, else visa, else normalised title and year."""

from django.db import IntegrityError, transaction

from passculture.core.common.text import fold

from .models import Film


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
