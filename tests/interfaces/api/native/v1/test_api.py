import pytest
from django.test import Client

from passculture.core.users.factories import TEST_PASSWORD
from passculture.interfaces.errors import STATUS_BY_CODE

pytestmark = pytest.mark.django_db

ROUTES = {
    ("post", "/api/native/v1/signup"),
    ("get", "/api/native/v1/cities"),
    ("post", "/api/native/v1/validate_email"),
    ("post", "/api/native/v1/resend_email_validation"),
    ("post", "/api/native/v1/signin"),
    ("post", "/api/native/v1/refresh_access_token"),
    ("post", "/api/native/v1/request_password_reset"),
    ("post", "/api/native/v1/reset_password"),
    ("post", "/api/native/v1/change_password"),
    ("post", "/api/native/v1/account/suspend_for_deletion"),
    ("get", "/api/native/v1/me"),
    ("get", "/api/native/v1/me/credit"),
    ("get", "/api/native/v1/me/favorites"),
    ("post", "/api/native/v1/me/favorites"),
    ("delete", "/api/native/v1/me/favorites/{favourite_id}"),
    ("get", "/api/native/v1/me/push_subscriptions"),
    ("post", "/api/native/v1/me/push_subscriptions"),
    ("delete", "/api/native/v1/me/push_subscriptions/{subscription_id}"),
    ("get", "/api/native/v1/identity_check"),
    ("post", "/api/native/v1/identity_check"),
    ("get", "/api/native/v1/offers"),
    ("get", "/api/native/v1/places"),
    ("get", "/api/native/v1/films"),
    ("get", "/api/native/v1/movie/calendar"),
    ("get", "/api/native/v1/offers/{offer_id}"),
    ("get", "/api/native/v1/bookings"),
    ("post", "/api/native/v1/bookings"),
    ("get", "/api/native/v1/bookings/{booking_id}"),
    ("post", "/api/native/v1/bookings/{booking_id}/cancel"),
    ("post", "/api/native/v1/bookings/{booking_id}/feedback"),
}


def test_openapi_describes_every_route():
    response = Client().get("/api/native/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {(method, path) for path, ops in paths.items() for method in ops} == ROUTES


def test_openapi_fields_are_camel_case():
    schemas = Client().get("/api/native/v1/openapi.json").json()["components"]["schemas"]

    assert set(schemas["BookingIn"]["properties"]) == {"stockId", "quantity"}
    assert "digitalCapRemaining" in schemas["CreditOut"]["properties"]


def test_the_docs_page_uses_the_bundled_swagger_ui_not_a_cdn():
    response = Client().get("/api/native/v1/docs")

    assert response.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"cdn" not in response.content.lower()


def test_every_auth_error_code_maps_to_401():
    assert {STATUS_BY_CODE[c] for c in ("UNAUTHENTICATED", "INVALID_TOKEN", "TOKEN_EXPIRED")} == {401}


def test_the_api_needs_no_csrf_token_bearer_tokens_are_not_ambient_credentials(beneficiary):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/native/v1/signin",
        {"identifier": beneficiary.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )

    assert response.status_code == 200
