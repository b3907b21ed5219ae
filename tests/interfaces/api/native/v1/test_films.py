"""GET /films (the search grouped by film) and GET /movie/calendar: contract tests, every input error."""

import datetime as dt

import pytest
import time_machine

from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # a Tuesday, 9:00 in Paris
LYON = {"latitude": "45.7640", "longitude": "4.8357"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def venue(name, latitude, longitude):
    return VenueFactory(name=name, city="Lyon", postal_code="69002", latitude=latitude, longitude=longitude)


def showtime(offer, hours, **kwargs):
    start = NOW + dt.timedelta(hours=hours)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


@pytest.fixture
def dune():
    film = find_or_create_film(title="Dune", allocine_id="1001", visa="150000", genres=["Science-fiction"])
    near = OfferFactory(film=film, name="Dune", venue=venue("Bellecour", "45.757800", "4.832000"))
    far = OfferFactory(film=film, name="Dune", venue=venue("Villeurbanne", "45.771900", "4.880000"))
    showtime(near, 30, version="VO", price_cents=750, quantity=100, booked_quantity=97)  # Wed 15:00
    showtime(near, 36, version="VF", price_cents=750)  # Wed 21:00
    showtime(far, 31)  # Wed 16:00
    showtime(far, 78, quantity=5, booked_quantity=5)  # Fri 15:00, sold out
    return film, near, far


def query(**params):
    return "&".join(f"{key}={value}" for key, value in params.items())


# --- GET /films -----------------------------------------------------------------------------------


def test_films_gives_one_result_per_film_with_its_nearest_cinema(anonymous, dune):
    film, near, _far = dune
    response = anonymous.get(f"/films?{query(**LYON, radius_km=20)}")
    assert response.status_code == 200
    body = response.json()
    [result] = body["results"]
    assert result["key"] == f"film-{film.pk}"
    assert result["film"] == {
        "id": film.pk, "title": "Dune", "imageUrl": None, "durationMinutes": 110, "genres": ["Science-fiction"],
    }  # fmt: skip
    assert (result["offerId"], result["cinemaCount"], result["venue"]["name"]) == (near.pk, 2, "Bellecour")
    assert [s["version"] for s in result["nextShowtimes"]] == ["VO", "VF"]
    assert body["suggestions"] == []


def test_films_filters_and_suggestions(anonymous, dune):
    body = anonymous.get(f"/films?{query(**LYON, version='VO', max_price=500)}").json()
    assert body["results"] == []
    assert [s["kind"] for s in body["suggestions"]] == ["budget"]
    body = anonymous.get(f"/films?{query(**LYON, version='vo', max_price=750, duo='false')}").json()
    assert len(body["results"]) == 1


def test_the_offers_search_takes_the_new_filters_and_keeps_its_shape(anonymous, dune):
    body = anonymous.get(f"/offers?{query(**LYON, version='VO')}").json()
    assert set(body) == {"results", "limit", "offset", "hasMore", "nextOffset", "radiusKm", "date"}
    assert [r["venue"]["name"] for r in body["results"]] == ["Bellecour"]
    assert len(anonymous.get(f"/offers?{query(**LYON)}").json()["results"]) == 2


@pytest.mark.parametrize("route", ["/films", "/offers"])
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"version": "VOST"}, "INVALID_VERSION"),
        ({"max_price": "-3"}, "INVALID_BUDGET"),
        ({"max_price": "100001"}, "INVALID_BUDGET"),
        ({"max_price": "abc"}, "INVALID_BUDGET"),
        ({"duo": "yes please"}, "INVALID_FLAG"),
        ({"accessibility": "ramp"}, "INVALID_ACCESSIBILITY"),
        ({"latitude": "95", "longitude": "4"}, "INVALID_COORDINATES"),
        ({"latitude": "45"}, "COORDINATES_INCOMPLETE"),
        ({"radius_km": "7"}, "INVALID_RADIUS"),
        ({"date": "2026-13-01"}, "INVALID_DATE"),
        ({"limit": "51"}, "INVALID_PAGINATION"),
        ({"q": "x" * 101}, "SEARCH_TEXT_TOO_LONG"),
    ],
)
def test_search_input_errors(anonymous, route, params, code):
    response = anonymous.get(f"{route}?{query(**params)}")
    assert (response.status_code, response.json()["code"]) == (400, code)


# --- GET /movie/calendar ------------------------------------------------------------------------


def test_calendar_by_day_then_cinema(anonymous, dune):
    film, _near, _far = dune
    response = anonymous.get(f"/movie/calendar?{query(filmId=film.pk, **LYON, radius=20)}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"film", "from", "to", "radius", "days", "calendar"}
    assert (body["from"], body["to"], body["radius"]) == ("2026-12-01", "2026-12-14", 20)
    assert body["days"] == ["2026-12-02", "2026-12-04"]
    assert (
        body["film"]["id"] == film.pk
        and body["film"]["allocineId"] == "1001"
        and body["film"]["visa"] == "150000"
    )
    wednesday = body["calendar"][0]
    assert wednesday["date"] == "2026-12-02"
    assert [c["venue"]["name"] for c in wednesday["cinemas"]] == ["Bellecour", "Villeurbanne"]
    first = wednesday["cinemas"][0]["showtimes"][0]
    assert (first["localTime"], first["version"], first["price"], first["placesLeft"], first["isSoldOut"]) == (
        "15:00", "VO", 750, 3, False,
    )  # fmt: skip
    assert wednesday["cinemas"][0]["showtimes"][1]["placesLeft"] is None
    assert first["priceCategoryLabel"] == "Tarif unique"  # a stock without price category
    friday = body["calendar"][1]["cinemas"][0]["showtimes"][0]
    assert friday["isSoldOut"] is True


@pytest.mark.parametrize("key", ["allocineId=1001", "visa=150000"])
def test_calendar_by_allocine_id_or_visa(anonymous, dune, key):
    body = anonymous.get(f"/movie/calendar?{key}").json()
    assert body["film"]["id"] == dune[0].pk
    assert body["radius"] is None  # nationwide
    assert len(body["days"]) == 2


def test_calendar_of_an_offer_without_film(anonymous):
    offer = OfferFactory(name="Film seul", venue=venue("Bellecour", "45.757800", "4.832000"))
    showtime(offer, 30)
    body = anonymous.get(f"/movie/calendar?offerId={offer.pk}").json()
    assert (body["film"]["id"], body["film"]["offerId"], body["film"]["title"]) == (
        None,
        offer.pk,
        "Film seul",
    )
    assert body["calendar"][0]["cinemas"][0]["offerId"] == offer.pk


def test_calendar_period(anonymous, dune):
    body = anonymous.get(
        f"/movie/calendar?{query(filmId=dune[0].pk, **{'from': '2026-12-03', 'to': '2026-12-05'})}"
    )
    assert body.json()["days"] == ["2026-12-04"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "FILM_REFERENCE_REQUIRED"),
        ({"filmId": "1", "visa": "2"}, 400, "FILM_REFERENCE_REQUIRED"),
        ({"filmId": "abc"}, 400, "INVALID_FILM_REFERENCE"),
        ({"filmId": "9" * 40}, 400, "INVALID_FILM_REFERENCE"),
        ({"allocineId": "1" * 33}, 400, "INVALID_FILM_REFERENCE"),
        ({"filmId": "999999"}, 404, "FILM_NOT_FOUND"),
        ({"visa": "123"}, 404, "FILM_NOT_FOUND"),
        ({"offerId": "999999"}, 404, "FILM_NOT_FOUND"),
        ({"FILM": 1, "latitude": "91", "longitude": "4"}, 400, "INVALID_COORDINATES"),
        ({"FILM": 1, "latitude": "45"}, 400, "COORDINATES_INCOMPLETE"),
        ({"FILM": 1, "radius": "7"}, 400, "INVALID_RADIUS"),
        ({"FILM": 1, "radius": "x"}, 400, "INVALID_RADIUS"),
        ({"FILM": 1, "from": "2026-11-29"}, 400, "INVALID_PERIOD"),
        ({"FILM": 1, "from": "2026-12-01", "to": "2027-01-01"}, 400, "INVALID_PERIOD"),
        ({"FILM": 1, "from": "2026-12-05", "to": "2026-12-04"}, 400, "INVALID_PERIOD"),
        ({"FILM": 1, "from": "demain"}, 400, "INVALID_PERIOD"),
        ({"FILM": 1, "to": "2026-02-30"}, 400, "INVALID_PERIOD"),
    ],
)
def test_calendar_input_errors(anonymous, dune, params, status, code):
    if params.pop("FILM", None):
        params["filmId"] = dune[0].pk
    response = anonymous.get(f"/movie/calendar?{query(**params)}")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_calendar_is_in_the_openapi_document(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert "/api/native/v1/movie/calendar" in paths and "/api/native/v1/films" in paths


def test_an_offer_names_its_film_for_the_calendar(anonymous, dune):
    film, near, _far = dune
    assert anonymous.get(f"/offers/{near.pk}").json()["filmId"] == film.pk
