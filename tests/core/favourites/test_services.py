"""Favourites: a film or a visible cinema, once each, at most 500, only the owner removes them."""

import pytest

from passculture.core.favourites import services
from passculture.core.favourites.exceptions import (
    FavouriteNotFound,
    FavouriteTargetInvalid,
    FavouriteTargetNotFound,
    TooManyFavourites,
)
from passculture.core.favourites.models import Favourite
from passculture.core.favourites.selectors import favourite_film_ids_of, favourites_of
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_adding_a_film_twice_keeps_one_favourite():
    user, film = UserFactory(), FilmFactory()
    first = services.add_favourite(user, film_id=film.pk)
    again = services.add_favourite(user, film_id=film.pk)
    assert (first.created, again.created) == (True, False)
    assert first.favourite == again.favourite
    assert favourite_film_ids_of(user) == {film.pk}


def test_a_favourite_names_exactly_one_film_or_cinema():
    user = UserFactory()
    with pytest.raises(FavouriteTargetInvalid):
        services.add_favourite(user)
    with pytest.raises(FavouriteTargetInvalid):
        services.add_favourite(user, film_id=FilmFactory().pk, venue_id=VenueFactory().pk)


def test_an_unknown_film_or_an_unvalidated_cinema_cannot_be_added():
    user = UserFactory()
    with pytest.raises(FavouriteTargetNotFound):
        services.add_favourite(user, film_id=999_999)
    hidden = VenueFactory(offerer__validation_status=ValidationStatus.NEW)
    with pytest.raises(FavouriteTargetNotFound):
        services.add_favourite(user, venue_id=hidden.pk)


def test_at_most_500_favourites(monkeypatch):
    monkeypatch.setattr(services, "MAX_FAVOURITES", 2)
    user = UserFactory()
    services.add_favourite(user, film_id=FilmFactory().pk)
    services.add_favourite(user, venue_id=VenueFactory().pk)
    with pytest.raises(TooManyFavourites):
        services.add_favourite(user, film_id=FilmFactory().pk)
    assert Favourite.objects.filter(user=user).count() == 2


def test_only_the_owner_removes_a_favourite():
    owner, other = UserFactory(), UserFactory()
    favourite = services.add_favourite(owner, venue_id=VenueFactory().pk).favourite
    with pytest.raises(FavouriteNotFound):
        services.remove_favourite(other, favourite.pk)
    services.remove_favourite(owner, favourite.pk)
    assert not favourites_of(owner).exists()


def test_the_toggle_removes_the_favourite_of_a_film():
    user, film = UserFactory(), FilmFactory()
    services.add_favourite(user, film_id=film.pk)
    assert services.remove_favourite_of(user, film_id=film.pk) is True
    assert services.remove_favourite_of(user, film_id=film.pk) is False
