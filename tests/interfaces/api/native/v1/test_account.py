import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users import tokens
from passculture.core.users.constants import Role
from passculture.core.users.factories import TEST_PASSWORD, UserFactory

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def signin(client, email, password=TEST_PASSWORD):
    return client.post("/signin", {"identifier": email, "password": password})


# --- signin -------------------------------------------------------------------------------------


def test_signin_returns_an_access_and_a_refresh_token(anonymous, beneficiary):
    response = signin(anonymous, beneficiary.email)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"accessToken", "refreshToken"}
    assert ApiClient(token=body["accessToken"]).get("/me").json()["id"] == beneficiary.pk


def test_signin_identifier_is_case_insensitive(anonymous, beneficiary):
    assert signin(anonymous, f"  {beneficiary.email.upper()} ").status_code == 200


def test_signin_with_a_wrong_password_is_401_invalid_credentials(anonymous, beneficiary):
    response = signin(anonymous, beneficiary.email, "Wrong-password-2026")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"


def test_signin_with_an_unknown_email_is_the_same_401(anonymous, db):
    response = signin(anonymous, "nobody@example.com")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_CREDENTIALS"


def test_signin_with_an_unconfirmed_email_is_403(anonymous, db):
    user = UserFactory(is_email_validated=False)

    response = signin(anonymous, user.email)

    assert response.status_code == 403
    assert response.json()["code"] == "EMAIL_NOT_VALIDATED"


def test_signin_of_a_deactivated_account_is_401_account_inactive(anonymous, db):
    user = UserFactory(is_active=False)

    response = signin(anonymous, user.email)

    assert response.status_code == 401
    assert response.json()["code"] == "ACCOUNT_INACTIVE"


def test_signin_without_password_is_422_invalid_input(anonymous, beneficiary):
    response = anonymous.post("/signin", {"identifier": beneficiary.email})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_INPUT"
    assert body["errors"][0]["loc"][-1] == "password"
    assert body["errors"][0]["message"] == "Ce champ est obligatoire."


def test_signin_is_refused_with_429_after_ten_failures_even_with_the_right_password(anonymous, beneficiary):
    for _ in range(10):
        assert signin(anonymous, beneficiary.email, "Wrong-password-2026").status_code == 401

    response = signin(anonymous, beneficiary.email)

    assert response.status_code == 429
    assert response.json()["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0


def test_signin_rate_limit_is_per_client_ip(beneficiary):
    attacker = ApiClient(remote_addr="198.51.100.1")
    for _ in range(10):
        signin(attacker, beneficiary.email, "Wrong-password-2026")

    assert signin(ApiClient(remote_addr="198.51.100.2"), beneficiary.email).status_code == 200


def test_signin_rate_limit_lifts_after_a_minute(anonymous, beneficiary):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(10):
            signin(anonymous, beneficiary.email, "Wrong-password-2026")
        assert signin(anonymous, beneficiary.email).status_code == 429

        traveller.shift(dt.timedelta(seconds=61))

        assert signin(anonymous, beneficiary.email).status_code == 200


@pytest.mark.parametrize("role", [Role.PRO, Role.STAFF])
def test_signin_of_a_pro_or_staff_account_is_403_not_a_beneficiary_without_tokens(anonymous, role):
    account = UserFactory(role=role, is_staff=role == Role.STAFF)

    response = signin(anonymous, account.email)

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "NOT_A_BENEFICIARY"
    assert "accessToken" not in body and "refreshToken" not in body


def test_signin_refuses_a_pro_like_the_web_app_does(anonymous, client, pro):
    api = signin(anonymous, pro.email)
    web = client.post("/connexion/", {"email": pro.email, "password": TEST_PASSWORD})

    assert (api.status_code, api.json()["code"]) == (web.status_code, web.context["error"].code)
    assert api.json()["message"] == web.context["error"].message


def test_signin_of_a_pro_with_a_wrong_password_tells_nothing_about_the_account(anonymous, pro):
    assert signin(anonymous, pro.email, "Wrong-password-2026").json()["code"] == "INVALID_CREDENTIALS"


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_with_a_refresh_token_returns_a_new_access_token(anonymous, beneficiary):
    refresh = signin(anonymous, beneficiary.email).json()["refreshToken"]

    response = anonymous.post("/refresh_access_token", token=refresh)

    assert response.status_code == 200
    assert set(response.json()) == {"accessToken"}
    assert ApiClient(token=response.json()["accessToken"]).get("/me").status_code == 200


def test_refresh_with_an_access_token_is_refused(anonymous, beneficiary):
    access = signin(anonymous, beneficiary.email).json()["accessToken"]

    response = anonymous.post("/refresh_access_token", token=access)

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


def test_refresh_without_a_token_is_401_unauthenticated(anonymous):
    response = anonymous.post("/refresh_access_token")

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


def test_an_expired_refresh_token_is_refused(anonymous, beneficiary):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        refresh = tokens.issue_refresh_token(beneficiary)
        traveller.shift(dt.timedelta(seconds=settings.REFRESH_TOKEN_LIFETIME_SECONDS + 1))

        response = anonymous.post("/refresh_access_token", token=refresh)

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_EXPIRED"


# --- authentication of the other routes ----------------------------------------------------------


def test_a_route_without_token_is_401_unauthenticated(anonymous):
    response = anonymous.get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_expired_access_token_is_401_token_expired(beneficiary):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = ApiClient(token=tokens.issue_access_token(beneficiary))
        assert client.get("/me").status_code == 200

        traveller.shift(dt.timedelta(seconds=settings.ACCESS_TOKEN_LIFETIME_SECONDS + 1))

        response = client.get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_EXPIRED"


def test_a_refresh_token_does_not_authenticate_other_routes(beneficiary):
    response = ApiClient(token=tokens.issue_refresh_token(beneficiary)).get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


def test_a_forged_token_is_401_invalid_token(beneficiary):
    response = ApiClient(token=tokens.issue_access_token(beneficiary) + "x").get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


def test_the_token_of_a_deactivated_user_is_refused(beneficiary, client_of):
    beneficiary.is_active = False
    beneficiary.save(update_fields=["is_active"])

    response = client_of.get("/me")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


# --- me -----------------------------------------------------------------------------------------


def test_me_returns_identity_and_credit_in_camel_case(beneficiary, client_of):
    response = client_of.get("/me")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id",
        "email",
        "firstName",
        "lastName",
        "birthDate",
        "phoneNumber",
        "postalCode",
        "city",
        "isBeneficiary",
        "eligibility",
        "credit",
    }
    assert body["email"] == beneficiary.email
    assert body["lastName"] == beneficiary.last_name
    assert body["birthDate"] == beneficiary.birth_date.isoformat()
    assert body["isBeneficiary"] is True
    credit = body["credit"]
    expires_at = dt.datetime.fromisoformat(credit.pop("expirationDate"))
    assert credit == {
        "initial": 300_00,
        "remaining": 300_00,
        "digitalCapRemaining": 100_00,
        "isExpired": False,
        "freeOffersOnly": False,
    }
    # JSON datetimes carry milliseconds.
    assert abs(expires_at - beneficiary.deposits.get().expires_at) < dt.timedelta(milliseconds=1)


def test_me_remaining_credit_is_reduced_by_bookings(beneficiary, client_of):
    stock = StockFactory(price_cents=12_50)
    book_offer(beneficiary, stock.pk, 1)

    credit = client_of.get("/me").json()["credit"]

    assert credit["remaining"] == 300_00 - 12_50
    assert credit["initial"] == 300_00


def test_me_credit_is_null_before_the_deposit_is_granted(db, as_user):
    body = as_user(UserFactory()).get("/me").json()

    assert body["credit"] is None


def test_me_remaining_credit_is_zero_once_the_deposit_expired(db, as_user):
    user = UserFactory()
    DepositFactory(user=user, granted_at=timezone.now() - dt.timedelta(days=800))

    credit = as_user(user).get("/me").json()["credit"]

    assert credit["remaining"] == 0
    assert credit["isExpired"] is True


def test_me_of_a_pro_says_not_a_beneficiary(pro, as_user):
    body = as_user(pro).get("/me").json()

    assert body["isBeneficiary"] is False
    assert body["credit"] is None


# --- me: eligibility explained ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "status", "eligible_from", "last_day"),
    [
        (dt.date(2008, 6, 2), "NOT_YET", "2026-06-02", "2027-06-01"),  # 18 tomorrow
        (dt.date(2008, 6, 1), "ELIGIBLE", "2026-06-01", "2027-05-31"),  # 18 today
        (dt.date(2007, 6, 2), "ELIGIBLE", "2025-06-02", "2026-06-01"),  # 19 tomorrow
        (dt.date(2007, 6, 1), "NO_LONGER", "2025-06-01", "2026-05-31"),  # 19 today
    ],
)
def test_me_explains_the_eligibility_on_a_frozen_day(
    db, as_user, birth_date, status, eligible_from, last_day
):
    user = UserFactory(birth_date=birth_date)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        eligibility = as_user(user).get("/me").json()["eligibility"]

    assert eligibility["status"] == status
    assert (eligibility["eligibleFrom"], eligibility["lastEligibleDay"]) == (eligible_from, last_day)
    assert eligibility["nextStep"] == ("IDENTITY_CHECK" if status == "ELIGIBLE" else None)


def test_me_under_18_says_pas_encore_with_the_date(db, as_user):
    user = UserFactory(birth_date=dt.date(2009, 3, 1))
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        message = as_user(user).get("/me").json()["eligibility"]["message"]

    assert message.startswith("Pas encore")
    assert "1er mars 2027" in message


def test_me_of_an_eligible_beneficiary_with_a_credit_has_no_next_step(beneficiary, client_of):
    eligibility = client_of.get("/me").json()["eligibility"]

    assert eligibility["status"] == "ELIGIBLE"
    assert eligibility["nextStep"] is None
