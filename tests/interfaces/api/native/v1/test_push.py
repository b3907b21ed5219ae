"""GET, POST /me/push_subscriptions and DELETE /me/push_subscriptions/{id}."""

import pytest

from passculture.core.notifications.models import PushSubscription
from passculture.core.users.factories import UserFactory
from tests.push_service import LocalPushService, use_web_push

from .test_bookings import assert_error

pytestmark = pytest.mark.django_db
FCM = "https://fcm.googleapis.com/fcm/send/n1"


@pytest.fixture
def payload(settings):
    keys = use_web_push(settings)
    with LocalPushService() as service:
        data = service.subscribe("n1", keys.public_key).as_json()
    return {**data, "endpoint": FCM}


def test_the_app_registers_lists_and_removes_a_device(as_user, payload, settings):
    client = as_user(UserFactory())
    created = client.post("/me/push_subscriptions", payload)
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "device", "createdAt", "lastSuccessAt"}
    assert client.post("/me/push_subscriptions", payload).status_code == 200
    listed = client.get("/me/push_subscriptions").json()
    assert listed["vapidPublicKey"] == settings.VAPID_PUBLIC_KEY
    assert [s["id"] for s in listed["subscriptions"]] == [body["id"]]
    assert client.delete(f"/me/push_subscriptions/{body['id']}").status_code == 204
    assert not PushSubscription.objects.exists()


def test_removing_someone_elses_device_answers_404_and_keeps_it(as_user, payload):
    owner = as_user(UserFactory())
    subscription_id = owner.post("/me/push_subscriptions", payload).json()["id"]
    assert_error(
        as_user(UserFactory()).delete(f"/me/push_subscriptions/{subscription_id}"),
        404,
        "PUSH_SUBSCRIPTION_NOT_FOUND",
    )
    assert PushSubscription.objects.filter(pk=subscription_id).exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"endpoint": "https://evil.example.org/x"}, 400, "PUSH_ENDPOINT_NOT_ALLOWED"),
        ({"endpoint": "https://fcm.googleapis.com/" + "a" * 1100}, 422, "INVALID_INPUT"),
        ({"keys": {"p256dh": "B" * 87, "auth": "A" * 22}}, 400, "INVALID_PUSH_SUBSCRIPTION"),
        ({"keys": {"p256dh": "B" * 200, "auth": "A" * 22}}, 422, "INVALID_INPUT"),
        ({"keys": {"auth": "A" * 22}}, 422, "INVALID_INPUT"),
        ({"endpoint": 3}, 422, "INVALID_INPUT"),
    ],
)
def test_a_bad_subscription_is_refused_with_its_code(as_user, payload, change, status, code):
    assert_error(as_user(UserFactory()).post("/me/push_subscriptions", {**payload, **change}), status, code)
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_the_api_says_so(as_user, payload, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client = as_user(UserFactory())
    assert_error(client.post("/me/push_subscriptions", payload), 503, "PUSH_NOT_CONFIGURED")
    assert client.get("/me/push_subscriptions").json() == {"vapidPublicKey": "", "subscriptions": []}


def test_push_subscriptions_need_a_token(anonymous, payload):
    assert anonymous.get("/me/push_subscriptions").status_code == 401
    assert anonymous.post("/me/push_subscriptions", payload).status_code == 401
