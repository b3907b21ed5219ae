"""Reading films: by Allociné id in bulk (the import), by a few typed words (the pro's film choice)."""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from passculture.core.common.text import strip_forbidden_characters

from .models import Film
from .services import title_key

SEARCH_MAX_RESULTS = 10
SEARCH_MAX_LENGTH = 140


def films_by_allocine_id(allocine_ids: Iterable[str]) -> dict[str, Film]:
    ids = {allocine_id for allocine_id in allocine_ids if allocine_id}
    if not ids:
        return {}
    return {film.allocine_id: film for film in Film.objects.filter(allocine_id__in=ids)}


def search_films(query: str, *, limit: int = SEARCH_MAX_RESULTS) -> QuerySet[Film]:
    """Films whose title holds the words typed (accents, case and punctuation ignored), or whose visa or
    Allociné id is the text typed; titles that start with it first, then the most recent."""
    # What is typed in a search box is only looked for: control characters (NUL, which PostgreSQL cannot
    # even compare) are dropped rather than refused.
    text = strip_forbidden_characters(query or "").strip()[:SEARCH_MAX_LENGTH]
    key = title_key(text)
    if not key:
        return Film.objects.none()
    return (
        Film.objects.filter(Q(title_key__contains=key) | Q(visa=text) | Q(allocine_id=text))
        .annotate(
            rank=Case(
                When(title_key__startswith=key, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("rank", "-year", "title", "pk")[:limit]
    )


def film_by_id(film_id: int) -> Film | None:
    return Film.objects.filter(pk=film_id).first()
