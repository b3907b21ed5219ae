"""Adding and removing favourites. Adding twice is harmless: the existing favourite is returned."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from passculture.core.common.locking import lock
from passculture.core.films.models import Film
from passculture.core.offerers.models import Venue
from passculture.core.offerers.selectors import public_venue_filter

from .exceptions import FavouriteNotFound, FavouriteTargetInvalid, FavouriteTargetNotFound, TooManyFavourites
from .models import Favourite

# Far above what a person keeps, low enough that a script cannot grow one account's rows without end.
MAX_FAVOURITES = 500


@dataclass(frozen=True)
class Added:
    favourite: Favourite
    created: bool


def add_favourite(user, *, film_id: int | None = None, venue_id: int | None = None) -> Added:
    """A film (any film the platform knows) or a cinema beneficiaries may see."""
    if (film_id is None) == (venue_id is None):
        raise FavouriteTargetInvalid()
    target: dict[str, object] = {}
    if film_id is not None:
        film = Film.objects.filter(pk=film_id).first()
        if film is None:
            raise FavouriteTargetNotFound()
        target = {"film": film}
    elif venue_id is not None:
        venue = Venue.objects.filter(public_venue_filter(), pk=venue_id).first()
        if venue is None:
            raise FavouriteTargetNotFound()
        target = {"venue": venue}
    with transaction.atomic():
        # The user's row serialises concurrent adds, so that the limit holds on PostgreSQL.
        lock(get_user_model().objects.filter(pk=user.pk)).first()
        existing = Favourite.objects.filter(user=user, **target).first()
        if existing is not None:
            return Added(existing, created=False)
        if Favourite.objects.filter(user=user).count() >= MAX_FAVOURITES:
            raise TooManyFavourites()
        try:
            with transaction.atomic():
                return Added(Favourite.objects.create(user=user, **target), created=True)
        except IntegrityError:  # SQLite has no row lock: a concurrent add of the same target won
            return Added(Favourite.objects.get(user=user, **target), created=False)


def remove_favourite(user, favourite_id: int) -> None:
    deleted, _ = Favourite.objects.filter(user=user, pk=favourite_id).delete()
    if not deleted:
        raise FavouriteNotFound()


def remove_favourite_of(user, *, film_id: int | None = None, venue_id: int | None = None) -> bool:
    """The app's toggle: removes the favourite of this film or cinema if there is one."""
    if (film_id is None) == (venue_id is None):
        raise FavouriteTargetInvalid()
    target = {"film_id": film_id} if film_id is not None else {"venue_id": venue_id}
    deleted, _ = Favourite.objects.filter(user=user, **target).delete()
    return bool(deleted)


def forget_favourites(user) -> int:
    """Account anonymisation: what a person liked is personal data."""
    deleted, _ = Favourite.objects.filter(user=user).delete()
    return deleted
