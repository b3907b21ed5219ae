"""POST /compte/notifications/appareil/ and .../retirer/: the account page's button registers or removes
this browser's push subscription (session, CSRF token, JSON)."""

import json

import pytest
from django.test import Client

from passculture.core.notifications.models import PushSubscription
from passculture.core.users.factories import ProFactory, UserFactory
from tests.push_service import LocalPushService, use_web_push

SUBSCRIBE = "/compte/notifications/appareil/"
UNSUBSCRIBE = "/compte/notifications/appareil/retirer/"
FCM = "https://fcm.googleapis.com/fcm/send/d1"

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription_json(settings):
    keys = use_web_push(settings)
    with LocalPushService() as service:
        data = service.subscribe("d1", keys.public_key).as_json()
    return {**data, "endpoint": FCM}


def _client(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def _post(client, url, data, **headers):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **headers)


def test_a_beneficiary_registers_this_browser_then_removes_it(beneficiary, subscription_json):
    client = _client(beneficiary)
    response = _post(
        client, SUBSCRIBE, subscription_json, HTTP_USER_AGENT="Mozilla/5.0 (Android 14) Chrome/131.0"
    )
    assert response.status_code == 201
    assert response.json()["device"] == "Chrome sur Android"
    assert PushSubscription.objects.get().user == beneficiary
    assert _post(client, SUBSCRIBE, subscription_json).status_code == 200
    assert _post(client, UNSUBSCRIBE, {"endpoint": FCM}).status_code == 204
    assert not PushSubscription.objects.exists()


def test_the_csrf_token_is_required(beneficiary, subscription_json):
    client = _client(beneficiary, enforce_csrf_checks=True)
    assert _post(client, SUBSCRIBE, subscription_json).status_code == 403
    assert not PushSubscription.objects.exists()


def test_one_person_cannot_remove_another_persons_device(beneficiary, subscription_json):
    assert _post(_client(beneficiary), SUBSCRIBE, subscription_json).status_code == 201
    response = _post(_client(UserFactory()), UNSUBSCRIBE, {"endpoint": FCM})
    assert (response.status_code, response.json()["code"]) == (404, "PUSH_SUBSCRIPTION_NOT_FOUND")
    assert PushSubscription.objects.filter(user=beneficiary).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"endpoint": "https://evil.example.org/x"}, "PUSH_ENDPOINT_NOT_ALLOWED"),
        ({"endpoint": 12}, "INVALID_PUSH_SUBSCRIPTION"),
        ({"keys": "nope"}, "INVALID_PUSH_SUBSCRIPTION"),
        ({"keys": {"p256dh": "x", "auth": "y"}}, "INVALID_PUSH_SUBSCRIPTION"),
        ({"padding": "x" * 5000}, "INVALID_PUSH_SUBSCRIPTION"),
    ],
)
def test_a_bad_subscription_is_refused_with_its_code(beneficiary, subscription_json, change, code):
    response = _post(_client(beneficiary), SUBSCRIBE, {**subscription_json, **change})
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["message"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(beneficiary, subscription_json, body):
    response = _post(_client(beneficiary), SUBSCRIBE, body)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_PUSH_SUBSCRIPTION")


def test_signed_out_or_not_a_beneficiary_is_refused(subscription_json):
    anonymous = _post(Client(), SUBSCRIBE, subscription_json)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "UNAUTHENTICATED")
    pro = _post(_client(ProFactory()), SUBSCRIBE, subscription_json)
    assert (pro.status_code, pro.json()["code"]) == (403, "NOT_A_BENEFICIARY")
    assert _client(UserFactory()).get(SUBSCRIBE).status_code == 405


def test_without_vapid_keys_nothing_is_registered(settings, beneficiary, subscription_json):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    response = _post(_client(beneficiary), SUBSCRIBE, subscription_json)
    assert (response.status_code, response.json()["code"]) == (503, "PUSH_NOT_CONFIGURED")


def test_the_account_page_shows_the_toggle_with_the_server_key(settings, beneficiary, subscription_json):
    page = _client(beneficiary).get("/compte/").content.decode()
    assert 'id="push-toggle"' in page
    assert f'data-push-key="{settings.VAPID_PUBLIC_KEY}"' in page
    assert "Notifications sur cet appareil" in page


def test_without_keys_the_account_page_says_notifications_are_unavailable(settings, beneficiary):
    page = _client(beneficiary).get("/compte/").content.decode()
    assert "Les notifications ne sont pas disponibles pour le moment." in page
    assert 'id="push-button"' not in page
