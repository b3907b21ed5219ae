"""Every error under /api/ is JSON {code, message} with the right status, on both APIs (native v1 and the
ticketing v2), whatever produced it: a body too large (413), an unknown address (404), a wrong method
(405), an unexpected failure (500). Pages outside /api/ keep their HTML."""

import json

import pytest
from django.test import Client

from passculture.core.offerers import api_keys
from passculture.core.offers.factories import StockFactory

NATIVE = "/api/native/v1"
V2 = "/api/v2"

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.fixture
def key(pro, venue) -> str:
    return api_keys.create_api_key(venue.offerer_id, actor=pro, label="Caisse").clear_key


@pytest.fixture
def small_body_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000


def test_a_json_body_too_large_is_413_on_the_native_api(client, small_body_limit):
    body = json.dumps({"identifier": "a@example.com", "password": "x" * 2000})
    response = client.post(f"{NATIVE}/signin", body, content_type="application/json")
    assert_json_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_a_body_too_large_is_413_on_the_ticketing_api(client, small_body_limit):
    response = client.patch(f"{V2}/bookings/use/token/ABC234", "x" * 2000, content_type="application/json")
    assert_json_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_a_multipart_body_whose_fields_are_too_large_is_413(client, small_body_limit, beneficiary):
    from passculture.core.users import tokens

    response = client.post(
        f"{NATIVE}/identity_check",
        {"documentNumber": "x" * 2000},
        headers={"Authorization": f"Bearer {tokens.issue_access_token(beneficiary)}"},
    )
    assert_json_error(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("path", [f"{NATIVE}/nope", f"{V2}/nope", "/api/nope", f"{NATIVE}/offers/1/x"])
def test_an_unknown_address_is_404(client, path):
    assert_json_error(client.get(path), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", f"{NATIVE}/signin"), ("delete", f"{V2}/bookings/token/ABC234"), ("put", f"{NATIVE}/bookings")],
)
def test_a_method_the_address_does_not_accept_is_405_with_the_allowed_ones(client, method, path):
    response = getattr(client, method)(path)
    assert_json_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"]


def test_an_unexpected_failure_is_500_on_the_native_api(client, monkeypatch):
    def broken(offer_id):
        raise RuntimeError("boom")

    monkeypatch.setattr("passculture.interfaces.api.native.v1.offers.get_public_offer", broken)
    assert_json_error(client.get(f"{NATIVE}/offers/{StockFactory().offer_id}"), 500, "SERVER_ERROR")


def test_an_unexpected_failure_is_500_on_the_ticketing_api(client, monkeypatch, key):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("passculture.interfaces.api.public.v2.bookings._run", broken)
    response = client.get(f"{V2}/bookings/token/ABC234", headers={"Authorization": f"Bearer {key}"})
    assert_json_error(response, 500, "SERVER_ERROR")


def test_malformed_json_is_400_invalid_json(client):
    response = client.post(f"{NATIVE}/signin", "{not json", content_type="application/json")
    assert_json_error(response, 400, "INVALID_JSON")


def test_pages_outside_the_apis_keep_their_html_errors(client):
    response = client.get("/pro/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
