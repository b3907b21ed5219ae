from django.db.models import QuerySet

from .models import Favourite


def favourites_of(user) -> QuerySet[Favourite]:
    """Newest first, with the film or the cinema each one names."""
    return Favourite.objects.filter(user=user).select_related("film", "venue")


def favourite_film_ids_of(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Favourite.objects.filter(user=user, film__isnull=False).values_list("film_id", flat=True))


def favourite_venue_ids_of(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Favourite.objects.filter(user=user, venue__isnull=False).values_list("venue_id", flat=True))
