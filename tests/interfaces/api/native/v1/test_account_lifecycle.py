"""Contract tests of the account routes: sign-up, email confirmation, password reset and change, the
deletion request, and the cities of a postal code. Status and stable error code for each answer."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.services import book_offer
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import StockFactory
from passculture.core.users import accounts
from passculture.core.users.factories import TEST_PASSWORD, ProFactory, UserFactory
from passculture.core.users.models import AccountDeletionRequest, User

from .conftest import ApiClient

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2026"
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"


def signup_body(**overrides):
    body = {
        "email": "lea@example.com",
        "password": PASSWORD,
        "firstName": "Léa",
        "lastName": "Durand",
        "birthDate": "2008-01-10",
        "phoneNumber": "06 12 34 56 78",
        "postalCode": "69001",
        "city": "Lyon",
        "acceptedTerms": True,
    }
    body.update(overrides)
    return body


def _error(response, status: int) -> str:
    assert response.status_code == status, response.content
    return response.json()["code"]


def _link(kind: str) -> str:
    return re.search(r"http\S+", OutboxEmail.objects.filter(kind=kind).latest("id").text_body).group(0)


# --- POST /signup ------------------------------------------------------------------------------------


def test_signup_creates_an_unconfirmed_account_and_explains_the_eligibility(anonymous):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        response = anonymous.post("/signup", signup_body())

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "lea@example.com"
    assert body["eligibility"]["status"] == "ELIGIBLE"
    assert body["eligibility"]["nextStep"] == "IDENTITY_CHECK"
    user = User.objects.get()
    assert not user.is_email_validated
    assert "/inscription/confirmer/" in _link("account_beneficiary_email_confirmation")


def test_signup_under_18_says_when_eligible(anonymous):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        body = anonymous.post("/signup", signup_body(birthDate="2009-02-28")).json()

    assert body["eligibility"]["status"] == "NOT_YET"
    assert body["eligibility"]["eligibleFrom"] == "2027-02-28"
    assert "28 février 2027" in body["eligibility"]["message"]


def test_signup_with_an_email_already_used_is_409(anonymous):
    UserFactory(email="lea@example.com")

    assert (
        _error(anonymous.post("/signup", signup_body(email="LEA@example.com")), 409) == "EMAIL_ALREADY_USED"
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"acceptedTerms": False}, "TERMS_NOT_ACCEPTED"),
        ({"firstName": "L3a"}, "INVALID_NAME"),
        ({"birthDate": "2099-01-01"}, "INVALID_BIRTH_DATE"),
        ({"birthDate": "2020-01-01"}, "TOO_YOUNG_TO_SIGN_UP"),
        ({"phoneNumber": "123"}, "INVALID_PHONE_NUMBER"),
        ({"postalCode": "ABCDE"}, "INVALID_POSTAL_CODE"),
        ({"city": "Marseille"}, "CITY_NOT_MATCHING_POSTAL_CODE"),
        ({"email": "pas-une-adresse"}, "INVALID_EMAIL"),
        ({"password": "court"}, "WEAK_PASSWORD"),
    ],
)
def test_signup_refusals_are_400_with_their_code(anonymous, overrides, code):
    assert _error(anonymous.post("/signup", signup_body(**overrides)), 400) == code
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"birthDate": "10/01/2008"}, {"acceptedTerms": "yes"}, {"email": "lea\x00@example.com"}, {"city": None}],
)
def test_signup_with_a_malformed_field_is_422(anonymous, overrides):
    assert _error(anonymous.post("/signup", signup_body(**overrides)), 422) == "INVALID_INPUT"


def test_signup_without_a_field_is_422(anonymous):
    body = signup_body()
    del body["birthDate"]

    response = anonymous.post("/signup", body)

    assert _error(response, 422) == "INVALID_INPUT"
    assert response.json()["errors"][0]["loc"][-1] == "birthDate"


def test_signup_is_rate_limited_per_ip_with_429(anonymous):
    for n in range(10):
        assert anonymous.post("/signup", signup_body(email=f"lea{n}@example.com")).status_code == 201

    response = anonymous.post("/signup", signup_body(email="lea10@example.com"))

    assert _error(response, 429) == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0
    assert (
        ApiClient(remote_addr="198.51.100.9").post("/signup", signup_body(email="x@example.com")).status_code
        == 201
    )


# --- GET /cities --------------------------------------------------------------------------------


def test_cities_of_a_postal_code(anonymous):
    response = anonymous.get("/cities?postal_code=97600")

    assert response.status_code == 200
    assert response.json() == {"postalCode": "97600", "cities": ["Mamoudzou", "Koungou"]}


def test_cities_of_an_unknown_postal_code_is_an_empty_list(anonymous):
    assert anonymous.get("/cities?postal_code=98000").json()["cities"] == []


def test_cities_of_a_malformed_postal_code_is_400(anonymous):
    assert _error(anonymous.get("/cities?postal_code=123"), 400) == "INVALID_POSTAL_CODE"


def test_cities_without_postal_code_is_422(anonymous):
    assert _error(anonymous.get("/cities"), 422) == "INVALID_INPUT"


# --- POST /validate_email --------------------------------------------------------------------------


def test_validate_email_confirms_and_returns_tokens_once(anonymous):
    user = UserFactory(is_email_validated=False)
    token = accounts.email_confirmation_token(user)

    response = anonymous.post("/validate_email", {"token": token})

    assert response.status_code == 200
    access = response.json()["accessToken"]
    assert ApiClient(token=access).get("/me").json()["id"] == user.pk
    user.refresh_from_db()
    assert user.is_email_validated
    assert _error(anonymous.post("/validate_email", {"token": token}), 409) == "EMAIL_ALREADY_CONFIRMED"


def test_validate_email_with_an_expired_link_is_410(anonymous):
    user = UserFactory(is_email_validated=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(user)
        traveller.shift(dt.timedelta(days=3, minutes=1))
        response = anonymous.post("/validate_email", {"token": token})

    assert _error(response, 410) == "EMAIL_CONFIRMATION_LINK_EXPIRED"


def test_validate_email_with_a_forged_token_is_400(anonymous):
    assert (
        _error(anonymous.post("/validate_email", {"token": "abc:def"}), 400)
        == "INVALID_EMAIL_CONFIRMATION_LINK"
    )


def test_validate_email_without_token_is_422(anonymous):
    assert _error(anonymous.post("/validate_email", {}), 422) == "INVALID_INPUT"


def test_signin_before_confirmation_is_403_then_works_after(anonymous):
    anonymous.post("/signup", signup_body())
    signin = {"identifier": "lea@example.com", "password": PASSWORD}

    assert _error(anonymous.post("/signin", signin), 403) == "EMAIL_NOT_VALIDATED"
    token = _link("account_beneficiary_email_confirmation").rstrip("/").split("/")[-1]
    anonymous.post("/validate_email", {"token": token})
    assert anonymous.post("/signin", signin).status_code == 200


# --- POST /resend_email_validation ------------------------------------------------------------------


def test_resend_email_validation_answers_204_whether_or_not_the_account_exists(anonymous):
    user = UserFactory(is_email_validated=False)

    assert anonymous.post("/resend_email_validation", {"email": user.email}).status_code == 204
    assert anonymous.post("/resend_email_validation", {"email": "inconnu@example.com"}).status_code == 204
    assert list(OutboxEmail.objects.values_list("kind", "to")) == [
        ("account_beneficiary_email_confirmation", [user.email]),
        ("beneficiary_confirmation_without_account", ["inconnu@example.com"]),
    ]


def test_resend_email_validation_is_limited_to_3_per_address(anonymous):
    for _ in range(3):
        anonymous.post("/resend_email_validation", {"email": "lea@example.com"})

    response = anonymous.post("/resend_email_validation", {"email": "lea@example.com"})

    assert _error(response, 429) == "RATE_LIMITED"
    assert "Retry-After" in response


def test_resend_email_validation_without_email_is_422(anonymous):
    assert _error(anonymous.post("/resend_email_validation", {}), 422) == "INVALID_INPUT"


# --- POST /request_password_reset and /reset_password ---------------------------------------------------


def test_a_password_reset_from_request_to_new_password(anonymous):
    user = UserFactory()

    assert anonymous.post("/request_password_reset", {"email": user.email}).status_code == 204
    uidb64, token = _link("account_beneficiary_password_reset").rstrip("/").split("/")[-2:]
    response = anonymous.post(
        "/reset_password", {"uidb64": uidb64, "token": token, "newPassword": NEW_PASSWORD}
    )

    assert response.status_code == 204
    assert anonymous.post("/signin", {"identifier": user.email, "password": NEW_PASSWORD}).status_code == 200
    again = anonymous.post(
        "/reset_password", {"uidb64": uidb64, "token": token, "newPassword": "Encore-un-2026-x"}
    )
    assert _error(again, 400) == "INVALID_PASSWORD_RESET_LINK"


def test_request_password_reset_says_nothing_of_unknown_or_pro_addresses(anonymous):
    pro = ProFactory()
    assert anonymous.post("/request_password_reset", {"email": "inconnu@example.com"}).status_code == 204
    assert anonymous.post("/request_password_reset", {"email": pro.email}).status_code == 204
    # Each address is told that no account of the app uses it; never a reset link.
    notices = OutboxEmail.objects.order_by("pk")
    assert [(e.kind, e.to) for e in notices] == [
        ("beneficiary_password_reset_without_account", ["inconnu@example.com"]),
        ("beneficiary_password_reset_without_account", [pro.email]),
    ]


def test_request_password_reset_is_limited_per_address(anonymous):
    for _ in range(3):
        anonymous.post("/request_password_reset", {"email": "lea@example.com"})

    assert (
        _error(anonymous.post("/request_password_reset", {"email": "lea@example.com"}), 429) == "RATE_LIMITED"
    )


def test_reset_password_with_a_weak_password_is_400(anonymous):
    user = UserFactory()
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    response = anonymous.post("/reset_password", {"uidb64": uidb64, "token": token, "newPassword": "court"})

    assert _error(response, 400) == "WEAK_PASSWORD"


def test_reset_password_of_a_pro_through_the_app_is_refused(anonymous):
    pro = ProFactory()
    body = {
        "uidb64": urlsafe_base64_encode(force_bytes(pro.pk)),
        "token": default_token_generator.make_token(pro),
        "newPassword": NEW_PASSWORD,
    }

    assert _error(anonymous.post("/reset_password", body), 400) == "INVALID_PASSWORD_RESET_LINK"


def test_reset_password_without_token_is_422(anonymous):
    assert _error(anonymous.post("/reset_password", {"uidb64": "MQ", "newPassword": NEW_PASSWORD}), 422) == (
        "INVALID_INPUT"
    )


# --- POST /change_password ------------------------------------------------------------------------------


def test_change_password_returns_new_tokens_and_voids_the_old(beneficiary, client_of):
    response = client_of.post(
        "/change_password", {"currentPassword": TEST_PASSWORD, "newPassword": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert ApiClient(token=response.json()["accessToken"]).get("/me").status_code == 200
    assert _error(client_of.get("/me"), 401) == "INVALID_TOKEN"


def test_change_password_with_a_wrong_current_password_is_400(client_of):
    response = client_of.post(
        "/change_password", {"currentPassword": "Mauvais-2026-xx", "newPassword": NEW_PASSWORD}
    )

    assert _error(response, 400) == "INCORRECT_PASSWORD"


def test_change_password_to_a_weak_one_is_400(client_of):
    response = client_of.post("/change_password", {"currentPassword": TEST_PASSWORD, "newPassword": "court"})

    assert _error(response, 400) == "WEAK_PASSWORD"


def test_change_password_without_token_is_401(anonymous):
    response = anonymous.post(
        "/change_password", {"currentPassword": TEST_PASSWORD, "newPassword": NEW_PASSWORD}
    )

    assert _error(response, 401) == "UNAUTHENTICATED"


def test_change_password_is_limited_to_10_tries(client_of):
    for _ in range(10):
        client_of.post(
            "/change_password", {"currentPassword": "Mauvais-2026-xx", "newPassword": NEW_PASSWORD}
        )

    response = client_of.post(
        "/change_password", {"currentPassword": TEST_PASSWORD, "newPassword": NEW_PASSWORD}
    )

    assert _error(response, 429) == "RATE_LIMITED"


def test_change_password_with_a_missing_field_is_422(client_of):
    assert _error(client_of.post("/change_password", {"newPassword": NEW_PASSWORD}), 422) == "INVALID_INPUT"


# --- POST /account/suspend_for_deletion ----------------------------------------------------------------


def test_suspend_for_deletion_deactivates_cancels_and_says_when_data_go(beneficiary, client_of):
    booking = book_offer(beneficiary, StockFactory().pk)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        response = client_of.post("/account/suspend_for_deletion", {"password": TEST_PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert (body["cancelledBookings"], body["keptBookings"]) == (1, 0)
    requested = dt.datetime.fromisoformat(body["requestedAt"])
    assert dt.datetime.fromisoformat(body["anonymisationDate"]) - requested == dt.timedelta(days=30)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert AccountDeletionRequest.objects.filter(user=beneficiary).exists()


def test_after_deletion_the_token_is_refused_and_signin_says_inactive(beneficiary, client_of, anonymous):
    client_of.post("/account/suspend_for_deletion", {"password": TEST_PASSWORD})

    assert _error(client_of.get("/me"), 401) == "INVALID_TOKEN"
    response = anonymous.post("/signin", {"identifier": beneficiary.email, "password": TEST_PASSWORD})
    assert _error(response, 401) == "ACCOUNT_INACTIVE"
    assert "suppression" in response.json()["message"]


def test_suspend_for_deletion_with_a_wrong_password_is_400(beneficiary, client_of):
    response = client_of.post("/account/suspend_for_deletion", {"password": "Mauvais-2026-xx"})

    assert _error(response, 400) == "INCORRECT_PASSWORD"
    beneficiary.refresh_from_db()
    assert beneficiary.is_active


def test_suspend_for_deletion_of_a_pro_is_403(pro, as_user):
    response = as_user(pro).post("/account/suspend_for_deletion", {"password": TEST_PASSWORD})

    assert _error(response, 403) == "NOT_A_BENEFICIARY"


def test_suspend_for_deletion_without_token_is_401(anonymous):
    assert _error(anonymous.post("/account/suspend_for_deletion", {"password": TEST_PASSWORD}), 401) == (
        "UNAUTHENTICATED"
    )


def test_suspend_for_deletion_without_password_is_422(client_of):
    assert _error(client_of.post("/account/suspend_for_deletion", {}), 422) == "INVALID_INPUT"


def test_suspend_for_deletion_is_limited_to_10_tries(beneficiary, client_of):
    for _ in range(10):
        client_of.post("/account/suspend_for_deletion", {"password": "Mauvais-2026-xx"})

    response = client_of.post("/account/suspend_for_deletion", {"password": TEST_PASSWORD})

    assert _error(response, 429) == "RATE_LIMITED"
    beneficiary.refresh_from_db()
    assert beneficiary.is_active


# --- The OpenAPI document declares every status these routes return ----------------------------------


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/signup", "post", {"201", "400", "409", "422", "429"}),
        ("/cities", "get", {"200", "400", "422"}),
        ("/validate_email", "post", {"200", "400", "409", "410", "422"}),
        ("/resend_email_validation", "post", {"204", "422", "429"}),
        ("/request_password_reset", "post", {"204", "422", "429"}),
        ("/reset_password", "post", {"204", "400", "422"}),
        ("/change_password", "post", {"200", "400", "401", "422", "429"}),
        ("/account/suspend_for_deletion", "post", {"200", "400", "401", "403", "422", "429"}),
        ("/me", "get", {"200", "401"}),
    ],
)
def test_the_openapi_document_declares_the_statuses(anonymous, path, method, statuses):
    document = anonymous.get("/openapi.json").json()

    operation = document["paths"][f"/api/native/v1{path}"][method]
    assert set(operation["responses"]) == statuses


# --- Control characters never reach the database (PostgreSQL refuses NUL in text) ---------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/signin", {"identifier": "lea\x00@example.com", "password": PASSWORD}),
        ("/resend_email_validation", {"email": "lea\x00@example.com"}),
        ("/request_password_reset", {"email": "lea\x00@example.com"}),
    ],
)
def test_a_nul_character_in_an_address_is_422(anonymous, path, body):
    response = anonymous.post(path, body)

    assert _error(response, 422) == "INVALID_INPUT"
    assert response.json()["errors"][0]["message"] == "Ce champ contient des caractères non autorisés."
    assert response.json()["errors"][0]["type"] == "forbidden_characters"


def test_a_nul_character_in_the_city_is_422_with_the_field(anonymous):
    response = anonymous.post("/signup", signup_body(postalCode="98000", city="Mon\x00aco"))

    assert _error(response, 422) == "INVALID_INPUT"
    assert response.json()["errors"][0]["loc"] == ["body", "payload", "city"]
