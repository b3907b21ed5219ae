"""GET /offers (the geolocated search) and GET /places: contract tests, every parameter error."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)
LYON = {"latitude": "45.7640", "longitude": "4.8357"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def get(anonymous, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return anonymous.get(f"/offers?{query}")


def lyon_stock(hours=30, **kwargs):
    venue = kwargs.pop("venue", None) or VenueFactory(
        name="Ciné Lumière Bellecour",
        city="Lyon",
        postal_code="69002",
        latitude="45.757800",
        longitude="4.832000",
    )
    start = NOW + dt.timedelta(hours=hours)
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue, **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def test_the_search_is_public_and_answers_in_camel_case(anonymous):
    stock = lyon_stock(
        offer__name="L'Été dernier", offer__is_duo=True, price_cents=750, quantity=40, version="VO"
    )

    response = get(anonymous, **LYON, radius_km=20, date="week", q="ete")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "limit", "offset", "hasMore", "nextOffset", "radiusKm", "date"}
    assert (body["limit"], body["offset"], body["hasMore"], body["nextOffset"]) == (20, 0, False, None)
    assert (body["radiusKm"], body["date"]) == (20, "week")
    [result] = body["results"]
    assert set(result) == {
        "offer", "venue", "distanceKm", "nextShowtimes", "showtimeCount", "minPrice", "maxPrice",
    }  # fmt: skip
    assert result["offer"]["id"] == stock.offer_id
    assert result["offer"]["isDuo"] is True
    assert result["venue"]["name"] == "Ciné Lumière Bellecour"
    assert result["venue"]["timezone"] == "Europe/Paris"
    assert result["distanceKm"] == pytest.approx(0.75, abs=0.01)
    assert result["nextShowtimes"] == [
        {
            "stockId": stock.pk,
            "beginningDatetime": "2026-12-02T14:00:00Z",
            "version": "VO",
            "remainingQuantity": 40,
            "price": 750,
        }
    ]
    assert (result["showtimeCount"], result["minPrice"], result["maxPrice"]) == (1, 750, 750)


def test_results_are_nearest_first_then_soonest(anonymous):
    near = VenueFactory(latitude="45.764000", longitude="4.835700")
    far = VenueFactory(latitude="45.700000", longitude="4.835700")
    far_soon = lyon_stock(venue=far, hours=2)
    near_late = lyon_stock(venue=near, hours=50)
    near_soon = lyon_stock(venue=near, hours=10)

    ids = [r["offer"]["id"] for r in get(anonymous, **LYON).json()["results"]]

    assert ids == [near_soon.offer_id, near_late.offer_id, far_soon.offer_id]


def test_without_a_position_the_search_is_nationwide_and_says_so(anonymous):
    stock = lyon_stock()

    body = get(anonymous).json()

    assert [r["offer"]["id"] for r in body["results"]] == [stock.offer_id]
    assert body["results"][0]["distanceKm"] is None
    assert body["radiusKm"] is None


def test_pages_with_limit_and_offset(anonymous):
    venue = VenueFactory(latitude="45.764000", longitude="4.835700")
    ids = [lyon_stock(venue=venue, hours=2 + i).offer_id for i in range(5)]

    first = get(anonymous, **LYON, limit=2).json()
    last = get(anonymous, **LYON, limit=2, offset=4).json()

    assert [r["offer"]["id"] for r in first["results"]] == ids[:2]
    assert (first["hasMore"], first["nextOffset"]) == (True, 2)
    assert [r["offer"]["id"] for r in last["results"]] == ids[4:]
    assert (last["hasMore"], last["nextOffset"]) == (False, None)


def test_a_token_is_not_needed_and_a_bad_one_is_ignored(anonymous):
    lyon_stock()

    assert get(anonymous, **LYON).status_code == 200
    assert anonymous.get("/offers", token="not-a-jwt").status_code == 200


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"latitude": "91", "longitude": "2"}, "INVALID_COORDINATES"),
        ({"latitude": "45", "longitude": "-181"}, "INVALID_COORDINATES"),
        ({"latitude": "abc", "longitude": "2"}, "INVALID_COORDINATES"),
        ({"latitude": "NaN", "longitude": "2"}, "INVALID_COORDINATES"),
        ({"latitude": "45"}, "COORDINATES_INCOMPLETE"),
        ({"longitude": "4.8"}, "COORDINATES_INCOMPLETE"),
        ({**LYON, "radius_km": "15"}, "INVALID_RADIUS"),
        ({**LYON, "radius_km": "vingt"}, "INVALID_RADIUS"),
        ({**LYON, "radius_km": "-5"}, "INVALID_RADIUS"),
        ({"date": "yesterday"}, "INVALID_DATE"),
        ({"date": "2026-02-30"}, "INVALID_DATE"),
        ({"date": "2026-11-01"}, "INVALID_DATE"),
        ({"date": "2030-01-01"}, "INVALID_DATE"),
        ({"q": "x" * 101}, "SEARCH_TEXT_TOO_LONG"),
        ({"limit": "0"}, "INVALID_PAGINATION"),
        ({"limit": "51"}, "INVALID_PAGINATION"),
        ({"limit": "dix"}, "INVALID_PAGINATION"),
        ({"offset": "-1"}, "INVALID_PAGINATION"),
        ({"offset": "501"}, "INVALID_PAGINATION"),
    ],
)
def test_every_parameter_error_is_a_400_with_a_stable_code_and_a_french_message(anonymous, params, code):
    response = get(anonymous, **params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["message"][0].isupper()


def test_the_openapi_declares_the_search_public_with_its_parameters_and_errors():
    spec = Client().get("/api/native/v1/openapi.json").json()
    operation = spec["paths"]["/api/native/v1/offers"]["get"]

    assert not operation.get("security")
    assert {p["name"] for p in operation["parameters"]} == {
        "latitude", "longitude", "radius_km", "date", "q", "limit", "offset",
        "version", "max_price", "duo", "accessibility",
    }  # fmt: skip
    assert set(operation["responses"]) == {"200", "400", "422"}
    assert "INVALID_RADIUS" in operation["description"]
    assert "INVALID_BUDGET" in operation["description"]
    assert not spec["paths"]["/api/native/v1/offers/{offer_id}"]["get"].get("security")
    assert not spec["paths"]["/api/native/v1/places"]["get"].get("security")


def test_places_suggest_towns_from_a_postal_code_or_a_name(anonymous):
    by_code = anonymous.get("/places?q=69001").json()
    by_name = anonymous.get("/places?q=saint-etienne").json()

    assert by_code[0]["label"] == "Lyon (69001)"
    assert set(by_code[0]) == {"label", "latitude", "longitude"}
    assert by_name[0]["label"].startswith("Saint-Étienne (42")
    assert anonymous.get("/places?q=zzyzx").json() == []
    assert anonymous.get("/places").json() == []
