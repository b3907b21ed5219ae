"""The JSON APIs refuse forbidden characters and out-of-bounds dates in what they are sent, with 422 and
the field (interfaces/api/inputs.py): every request body, every query string. NUL matters most on
PostgreSQL, which cannot store it nor compare with it: this module runs there too."""

import json

import pytest
from django.test import Client

from passculture.core.offers.factories import StockFactory
from passculture.core.users.models import User

pytestmark = pytest.mark.django_db
NATIVE = "/api/native/v1"
SIGNUP = {
    "email": "lea@example.com",
    "password": "Un-mot-de-passe-2026!",
    "firstName": "Léa",
    "lastName": "Durand",
    "birthDate": "2008-01-10",
    "phoneNumber": "06 12 34 56 78",
    "postalCode": "69001",
    "city": "Lyon",
    "acceptedTerms": True,
}


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def field_error(response) -> dict:
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "INVALID_INPUT"
    (error,) = body["errors"]
    return error


def post(client, path, body):
    return client.post(f"{NATIVE}{path}", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", ["Lé\x00a", "\u202eaéL", "L\x1béa"])
def test_a_forbidden_character_in_a_body_is_422_with_its_field(client, value):
    error = field_error(post(client, "/signup", {**SIGNUP, "firstName": value}))
    assert error["loc"] == ["body", "payload", "firstName"]
    assert error["type"] == "forbidden_characters"
    assert error["message"] == "Ce champ contient des caractères non autorisés."
    assert not User.objects.exists()


def test_a_lone_surrogate_in_a_body_is_422_with_its_field(client):
    body = json.dumps({**SIGNUP, "firstName": "L\ud800a"})  # sent as the JSON escape "\ud800"
    error = field_error(client.post(f"{NATIVE}/signup", body, content_type="application/json"))
    assert error["loc"] == ["body", "payload", "firstName"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_outside_the_input_bounds_is_422_with_its_field(client, day):
    error = field_error(post(client, "/signup", {**SIGNUP, "birthDate": day}))
    assert error["loc"] == ["body", "payload", "birthDate"]
    assert error["type"] == "date_out_of_bounds"


@pytest.mark.parametrize(("path", "param"), [("/offers", "q"), ("/offers", "date"), ("/places", "q")])
def test_a_forbidden_character_in_a_query_string_is_422_with_its_parameter(client, path, param):
    StockFactory()
    error = field_error(client.get(f"{NATIVE}{path}", {param: "Lyon\x00"}))
    assert error["loc"] == ["query", param]
    assert error["type"] == "forbidden_characters"


def test_a_huge_booking_quantity_or_stock_id_is_422(client, beneficiary):
    from passculture.core.users import tokens

    headers = {"Authorization": f"Bearer {tokens.issue_access_token(beneficiary)}"}
    for body in ({"stockId": 2**63, "quantity": 1}, {"stockId": 1, "quantity": 2**15}):
        response = client.post(
            f"{NATIVE}/bookings", json.dumps(body), content_type="application/json", headers=headers
        )
        assert field_error(response)["type"] == "less_than_equal"
