"""GET, POST /me/favorites and DELETE /me/favorites/{id}."""

import pytest

from passculture.core.favourites.models import Favourite
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import UserFactory

from .test_bookings import assert_error

pytestmark = pytest.mark.django_db


def test_a_favourite_film_and_cinema_are_listed_newest_first(as_user):
    user = UserFactory()
    client = as_user(user)
    film = FilmFactory(title="Le Phare", year=2025)
    venue = VenueFactory(public_name="Le Méliès", city="Montreuil")

    created = client.post("/me/favorites", {"filmId": film.pk})
    assert created.status_code == 201
    assert created.json()["film"] == {"id": film.pk, "title": "Le Phare", "year": 2025, "posterUrl": None}
    assert client.post("/me/favorites", {"filmId": film.pk}).status_code == 200
    assert client.post("/me/favorites", {"venueId": venue.pk}).status_code == 201

    body = client.get("/me/favorites").json()
    assert [
        (f["film"] and f["film"]["id"], f["venue"] and f["venue"]["name"]) for f in body["favourites"]
    ] == [
        (None, "Le Méliès"),
        (film.pk, None),
    ]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "FAVOURITE_TARGET_INVALID"),
        ({"filmId": 1, "venueId": 1}, 400, "FAVOURITE_TARGET_INVALID"),
        ({"filmId": 999_999}, 404, "FAVOURITE_TARGET_NOT_FOUND"),
        ({"filmId": "12"}, 422, "INVALID_INPUT"),
        ({"filmId": 0}, 422, "INVALID_INPUT"),
    ],
)
def test_a_bad_favourite_is_refused_with_its_code(as_user, payload, status, code):
    assert_error(as_user(UserFactory()).post("/me/favorites", payload), status, code)


def test_removing_someone_elses_favourite_answers_404_and_keeps_it(as_user):
    owner = UserFactory()
    favourite = as_user(owner).post("/me/favorites", {"filmId": FilmFactory().pk}).json()
    assert_error(
        as_user(UserFactory()).delete(f"/me/favorites/{favourite['id']}"), 404, "FAVOURITE_NOT_FOUND"
    )
    assert Favourite.objects.filter(pk=favourite["id"]).exists()
    assert as_user(owner).delete(f"/me/favorites/{favourite['id']}").status_code == 204
    assert not Favourite.objects.filter(pk=favourite["id"]).exists()


def test_favourites_need_a_token(anonymous):
    assert_error(anonymous.get("/me/favorites"), 401, anonymous.get("/me/favorites").json()["code"])
