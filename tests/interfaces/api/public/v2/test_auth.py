"""Authentication of the ticketing API: keys, HTTP Basic, every refusal, rate limits, refusals logged."""

import base64
import datetime as dt

import pytest
from django.test import Client

from passculture.core.bookings.constants import BookingStatus, CounterChannel, CounterResult
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.offerers import api_keys
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.users.factories import TEST_PASSWORD

from .conftest import CLIENT_IP, ApiClient

pytestmark = pytest.mark.django_db


def refusal(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


# --- Missing or unusable credentials --------------------------------------------------------------


def test_no_authorization_header_is_401_unauthenticated(anonymous, scenario):
    response = anonymous.get("XK4F2M")

    assert refusal(response) == (401, "UNAUTHENTICATED")
    assert response["WWW-Authenticate"] == "Bearer"
    assert "camille" not in response.content.decode().lower()


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "Basic ???", "Digest username=x"])
def test_an_unknown_or_broken_scheme_is_401(scenario, header):
    response = Client().get("/api/v2/bookings/token/XK4F2M", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] in {"UNAUTHENTICATED", "INVALID_API_KEY"}


@pytest.mark.parametrize(
    "bad_key",
    [
        "cle-inventee",
        "dev_0123456789ab_" + "0" * 63,
        "dev_0123456789ag_" + "0" * 64,
        "dev-0123456789ab-" + "0" * 64,
        "_0123456789ab_" + "0" * 64,
    ],
)
def test_a_malformed_key_is_401_invalid_api_key(scenario, bad_key):
    assert refusal(ApiClient(key=bad_key).get("XK4F2M")) == (401, "INVALID_API_KEY")


def test_a_key_with_a_wrong_secret_is_401(key, scenario):
    env, prefix, secret = key.split("_")
    forged = f"{env}_{prefix}_{'0' * 64 if secret != '0' * 64 else '1' * 64}"

    assert refusal(ApiClient(key=forged).get("XK4F2M")) == (401, "INVALID_API_KEY")


def test_a_key_typed_in_capitals_is_the_same_key(key, scenario):
    assert ApiClient(key=key.upper()).get("XK4F2M").status_code == 200


def test_a_key_of_another_environment_is_refused_with_a_clear_message(key, scenario, settings):
    settings.ENVIRONMENT = "production"

    response = ApiClient(key=key).get("XK4F2M")

    assert refusal(response) == (401, "INVALID_API_KEY")
    assert "autre environnement" in response.json()["message"]


def test_a_revoked_key_is_401_api_key_revoked(created_key, key, pro, scenario):
    api_keys.revoke_api_key(created_key.key.pk, actor=pro)

    assert refusal(ApiClient(key=key).get("XK4F2M")) == (401, "API_KEY_REVOKED")


def test_a_key_of_a_rejected_offerer_is_refused(key, venue, scenario):
    venue.offerer.validation_status = ValidationStatus.REJECTED
    venue.offerer.save()

    assert refusal(ApiClient(key=key).get("XK4F2M")) == (401, "API_KEY_REVOKED")


# --- HTTP Basic ---------------------------------------------------------------------------------------


def test_basic_with_a_wrong_password_is_401(pro, scenario):
    assert refusal(ApiClient(basic=(pro.email, "wrong")).get("XK4F2M")) == (401, "INVALID_CREDENTIALS")


def test_basic_with_an_unknown_email_is_401(scenario):
    assert refusal(ApiClient(basic=("nobody@example.com", "x")).get("XK4F2M")) == (401, "INVALID_CREDENTIALS")


def test_basic_with_the_right_password_of_a_beneficiary_is_answered_like_a_wrong_password(
    beneficiary, scenario
):
    right = ApiClient(basic=(beneficiary.email, TEST_PASSWORD)).get("XK4F2M")
    wrong = ApiClient(basic=(beneficiary.email, "wrong")).get("XK4F2M")

    assert refusal(right) == (401, "INVALID_CREDENTIALS")
    assert right.json() == wrong.json()
    assert right["WWW-Authenticate"] == wrong["WWW-Authenticate"] == "Bearer"


def test_basic_with_the_right_password_of_a_beneficiary_counts_as_a_failed_authentication(
    beneficiary, pro, scenario
):
    for _ in range(10):
        ApiClient(basic=(beneficiary.email, TEST_PASSWORD)).get("XK4F2M")

    assert refusal(ApiClient(basic=(pro.email, TEST_PASSWORD)).get("XK4F2M")) == (429, "RATE_LIMITED")


def test_basic_of_a_deactivated_pro_is_401(pro, scenario):
    pro.is_active = False
    pro.save()

    assert refusal(ApiClient(basic=(pro.email, TEST_PASSWORD)).get("XK4F2M")) == (401, "ACCOUNT_INACTIVE")


def test_basic_of_a_pro_with_an_unconfirmed_email_is_403(pro, scenario):
    pro.is_email_validated = False
    pro.save()

    assert refusal(ApiClient(basic=(pro.email, TEST_PASSWORD)).get("XK4F2M")) == (403, "EMAIL_NOT_VALIDATED")


def test_basic_header_without_the_scheme_word_is_accepted(pro, scenario):
    raw = base64.b64encode(f"{pro.email}:{TEST_PASSWORD}".encode()).decode()

    response = Client().get("/api/v2/bookings/token/XK4F2M", HTTP_AUTHORIZATION=f"Basic {raw}")

    assert response.status_code == 200


# --- Rate limit on failed authentications ------------------------------------------------------------


def test_ten_failed_authentications_in_a_minute_block_the_address(key, scenario, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    liar = ApiClient(key="cle-inventee")
    for _ in range(10):
        assert liar.get("XK4F2M").status_code == 401

    blocked = liar.get("XK4F2M")
    with_a_good_key = ApiClient(key=key).patch("use", "XK4F2M")

    assert refusal(blocked) == (429, "RATE_LIMITED")
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert refusal(with_a_good_key) == (429, "RATE_LIMITED")
    assert Booking.objects.get(token="XK4F2M").status == BookingStatus.CONFIRMED
    # Another address is not blocked.
    assert ApiClient(key=key, ip="198.51.100.1").get("XK4F2M").status_code == 200

    time_machine.shift(dt.timedelta(seconds=61))
    assert ApiClient(key=key).get("XK4F2M").status_code == 200


def test_failed_basic_authentications_count_too(pro, key, scenario):
    for _ in range(10):
        ApiClient(basic=(pro.email, "wrong")).get("XK4F2M")

    assert refusal(ApiClient(basic=(pro.email, TEST_PASSWORD)).get("XK4F2M")) == (429, "RATE_LIMITED")


def test_successful_calls_do_not_count_as_failures(api, scenario):
    for _ in range(15):
        assert api.get("XK4F2M").status_code == 200


def test_unknown_countermarks_are_rate_limited_per_key(api, scenario, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    for _ in range(60):
        assert api.get("ZZZ222").status_code == 404

    response = api.get("XK4F2M")

    assert refusal(response) == (429, "RATE_LIMITED")
    assert int(response["Retry-After"]) > 60
    assert CounterAttempt.objects.filter(error_code="RATE_LIMITED").count() == 1


# --- Every refused authentication is in the scan log --------------------------------------------------


def test_refused_authentications_are_logged_without_booking(created_key, key, pro, scenario):
    CounterAttempt.objects.all().delete()
    prefix = created_key.key.prefix
    api_keys.revoke_api_key(created_key.key.pk, actor=pro)

    ApiClient().patch("use", "XK4F2M")
    ApiClient(key="cle-inventee").patch("keep", "XK4F2M")
    ApiClient(key=key).patch("cancel", "XK4F2M")
    ApiClient(basic=(pro.email, "wrong")).get("XK4F2M")

    rows = list(CounterAttempt.objects.order_by("id"))
    assert [(r.action, r.error_code, r.api_key_prefix) for r in rows] == [
        ("use", "UNAUTHENTICATED", ""),
        ("keep", "INVALID_API_KEY", ""),
        ("cancel", "API_KEY_REVOKED", prefix),
        ("check", "INVALID_CREDENTIALS", ""),
    ]
    for row in rows:
        assert (row.result, row.channel, row.ip_address, row.token) == (
            CounterResult.REFUSED,
            CounterChannel.API_V2,
            CLIENT_IP,
            "XK4F2M",
        )
        assert row.booking is None and row.actor is None
    # The typed password is nowhere in the log.
    assert not CounterAttempt.objects.filter(actor_label__contains="wrong").exists()


def test_the_rate_limited_call_is_logged(scenario):
    CounterAttempt.objects.all().delete()
    liar = ApiClient(key="cle-inventee")
    for _ in range(11):
        liar.get("XK4F2M")

    assert list(CounterAttempt.objects.order_by("id").values_list("error_code", flat=True)) == [
        *["INVALID_API_KEY"] * 10,
        "RATE_LIMITED",
    ]


def test_anonymous_refusals_stay_out_of_the_pro_counter_history(pro, venue, scenario):
    """They are tied to no offerer: guessing keys must not fill a cinema's history, nor tell anything."""
    from passculture.core.bookings.selectors import latest_counter_attempts

    ApiClient(key="cle-inventee").get("XK4F2M")

    shown = latest_counter_attempts(pro, {venue.offerer_id}, 50)
    assert "INVALID_API_KEY" not in [attempt.error_code for attempt in shown]
    assert CounterAttempt.objects.filter(error_code="INVALID_API_KEY").exists()
