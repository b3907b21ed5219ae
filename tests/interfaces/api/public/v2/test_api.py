"""The ticketing API's OpenAPI document and its French docs page."""

import pytest
from django.test import Client

from passculture.interfaces.api.public.v2.examples import EXAMPLES
from passculture.interfaces.errors import STATUS_BY_CODE

from .test_bookings import V2_FIELDS

pytestmark = pytest.mark.django_db

ROUTES = {
    ("get", "/api/v2/bookings/token/{token}"),
    ("patch", "/api/v2/bookings/use/token/{token}"),
    ("patch", "/api/v2/bookings/keep/token/{token}"),
    ("patch", "/api/v2/bookings/cancel/token/{token}"),
}


@pytest.fixture
def openapi():
    response = Client().get("/api/v2/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_describes_the_four_routes_and_nothing_else(openapi):
    assert {(method, path) for path, ops in openapi["paths"].items() for method in ops} == ROUTES


def test_openapi_declares_the_refusal_statuses(openapi):
    for path, operations in openapi["paths"].items():
        for operation in operations.values():
            assert {"401", "403", "404", "410", "429"} <= set(operation["responses"]), path


def test_openapi_declares_key_and_basic_authentication(openapi):
    schemes = openapi["components"]["securitySchemes"]

    assert sorted((s["type"], s["scheme"]) for s in schemes.values()) == [
        ("http", "basic"),
        ("http", "bearer"),
    ]
    for operations in openapi["paths"].values():
        for operation in operations.values():
            assert {name for entry in operation["security"] for name in entry} == set(schemes)


def test_the_booking_body_has_the_v2_field_names(openapi):
    schema = openapi["components"]["schemas"]["BookingOut"]

    assert set(schema["properties"]) == V2_FIELDS


def test_offer_type_and_formula_enums(openapi):
    schemas = openapi["components"]["schemas"]

    assert set(schemas["OfferType"]["enum"]) == {"EVENEMENT", "BIEN"}
    assert set(schemas["Formula"]["enum"]) == {"PLACE", "ABO"}


def test_the_swagger_page_uses_the_bundled_assets():
    response = Client().get("/api/v2/swagger")

    assert response.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content


def test_the_docs_page_is_in_french_with_a_curl_example_per_route_and_error():
    response = Client().get("/api/v2/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "http://testserver/api/v2/openapi.json" in html
    for example in EXAMPLES:
        assert f'id="{example.slug}"' in html
    assert html.count('class="api-curl"') == len(EXAMPLES)


def test_every_documented_error_status_is_the_one_of_the_errors_table():
    for example in EXAMPLES:
        if example.code:
            assert STATUS_BY_CODE[example.code] == example.status, example.slug


def test_unknown_routes_answer_404():
    response = Client().get("/api/v2/bookings/nothing")

    assert response.status_code == 404
