"""Every login that takes a password (the app, the pro portal, the native API, the back office) has the
same brute-force limits, French message, 429 with Retry-After and audit entry: they all go through
core.users.throttling.authenticate_throttled. (The ticketing API's HTTP Basic also does, behind its own
limit of failed authentications per address: tests/interfaces/api/public/v2/test_auth.py.)"""

import datetime as dt
import json

import pytest
from django.test import Client

from passculture.core.common.models import AuditLog
from passculture.core.users.constants import Role
from passculture.core.users.factories import TEST_PASSWORD, ProFactory, UserFactory
from passculture.core.users.throttling import SIGNIN_BLOCKED

pytestmark = pytest.mark.django_db

WRONG = "Pas-le-bon-mot-de-passe"
BLOCKED = "Trop de tentatives de connexion : réessayez dans 1 minute."


def _app(client, email, password):
    return client.post("/connexion/", {"email": email, "password": password})


def _pro(client, email, password):
    return client.post("/pro/connexion/", {"username": email, "password": password})


def _native(client, email, password):
    body = {"identifier": email, "password": password}
    return client.post("/api/native/v1/signin", json.dumps(body), content_type="application/json")


def _backoffice(client, email, password):
    return client.post("/backoffice/login/", {"username": email, "password": password})


LOGINS = {
    "app": (_app, lambda: UserFactory()),
    "pro": (_pro, lambda: ProFactory()),
    "native": (_native, lambda: UserFactory()),
    "backoffice": (_backoffice, lambda: UserFactory(role=Role.STAFF, is_staff=True, birth_date=None)),
}


def _message(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["message"]
    return response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize("name", LOGINS)
def test_every_login_blocks_the_right_password_after_ten_failures_the_same_way(name, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    attempt, make_account = LOGINS[name]
    account = make_account()
    client = Client()
    for _ in range(10):
        assert attempt(client, account.email, WRONG).status_code in (200, 400, 401)

    refused = attempt(client, account.email, TEST_PASSWORD)
    attempt(client, account.email, TEST_PASSWORD)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert BLOCKED in _message(refused)
    entries = list(AuditLog.objects.filter(action=SIGNIN_BLOCKED))
    assert [(entry.target_id, entry.actor_label, entry.data["counter"]) for entry in entries] == [
        (str(account.pk), "127.0.0.1", "pair")
    ]


@pytest.fixture
def redis_down(_fresh_rate_limits, settings):
    """The limits' Redis does not answer (nothing listens on port 1); put back before the autouse fixture
    that clears the store tears down."""
    before = settings.RATE_LIMIT_REDIS_URL
    settings.RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:1/0"
    yield
    settings.RATE_LIMIT_REDIS_URL = before


@pytest.mark.parametrize("name", LOGINS)
def test_every_login_answers_503_when_the_limits_store_does_not_answer(name, redis_down):
    """Redis down (CACHE_URL): no password is checked uncounted, and the answer says to come back."""
    attempt, make_account = LOGINS[name]
    account = make_account()

    response = attempt(Client(), account.email, TEST_PASSWORD)

    assert response.status_code == 503
    assert "momentanément indisponible" in _message(response)
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["code"] == "SERVICE_UNAVAILABLE"
