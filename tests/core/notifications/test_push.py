"""Subscriptions (what a browser may register), VAPID keys, the key command."""

import json
import stat

import pytest
from django.core.management import call_command

from passculture.core.notifications import push
from passculture.core.notifications.models import PushSubscription
from passculture.core.notifications.push_keys import (
    b64url_decode,
    check_key_pair,
    generate_key_pair,
    vapid_keys,
)
from passculture.core.users.factories import UserFactory
from tests.push_service import LocalPushService, use_web_push

FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91bH"


@pytest.fixture
def keys(settings):
    vapid = use_web_push(settings)
    settings.WEB_PUSH_ALLOW_LOOPBACK = False
    with LocalPushService() as service:
        data = service.subscribe("x", vapid.public_key).as_json()
    return data["keys"]


def _subscribe(user, keys, endpoint=FCM, **overrides):
    values = {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"], **overrides}
    return push.subscribe(user, **values)


@pytest.mark.django_db
def test_a_subscription_at_a_known_push_service_is_kept(keys):
    user = UserFactory()
    subscription, created = _subscribe(
        user,
        keys,
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
    )
    assert created
    assert (subscription.user, subscription.endpoint, subscription.user_agent) == (
        user,
        FCM,
        "Chrome sur Android",
    )
    # The same browser again: updated, not duplicated.
    again, created = _subscribe(user, keys)
    assert (again.pk, created) == (subscription.pk, False)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGm",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
@pytest.mark.django_db
def test_the_major_push_services_are_accepted(keys, endpoint):
    assert _subscribe(UserFactory(), keys, endpoint)[0].endpoint == endpoint


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [
        ("http://fcm.googleapis.com/fcm/send/x", "PUSH_ENDPOINT_NOT_ALLOWED"),
        ("https://evil.example.org/push", "PUSH_ENDPOINT_NOT_ALLOWED"),
        ("https://fcm.googleapis.com.evil.org/x", "PUSH_ENDPOINT_NOT_ALLOWED"),
        ("https://127.0.0.1:9/push", "PUSH_ENDPOINT_NOT_ALLOWED"),
        ("http://127.0.0.1:9/push", "PUSH_ENDPOINT_NOT_ALLOWED"),
        ("https://user:pw@fcm.googleapis.com/x", "INVALID_PUSH_SUBSCRIPTION"),
        ("ftp://fcm.googleapis.com/x", "INVALID_PUSH_SUBSCRIPTION"),
        ("https://fcm.googleapis.com/" + "a" * 1024, "INVALID_PUSH_SUBSCRIPTION"),
        ("https://fcm.googleapis.com/a b", "INVALID_PUSH_SUBSCRIPTION"),
        ("", "INVALID_PUSH_SUBSCRIPTION"),
    ],
)
@pytest.mark.django_db
def test_an_endpoint_must_be_https_at_a_known_push_service(keys, endpoint, code):
    with pytest.raises(push.InvalidInput) as refused:
        _subscribe(UserFactory(), keys, endpoint)
    assert refused.value.code == code
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_http_on_loopback_only_when_the_setting_allows_it(settings, keys):
    settings.WEB_PUSH_ALLOW_LOOPBACK = True
    for endpoint in (
        "http://127.0.0.1:8123/push/a",
        "http://localhost:8123/push/b",
        "http://[::1]:8123/push/c",
    ):
        assert _subscribe(UserFactory(), keys, endpoint)[0].endpoint == endpoint
    with pytest.raises(push.PushEndpointNotAllowed):
        _subscribe(UserFactory(), keys, "http://10.0.0.1/push")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("p256dh", "A" * 87),  # 65 bytes, not a point of the curve
        ("p256dh", "BA"),
        ("p256dh", "B" + "!" * 86),
        ("auth", "A" * 21),
        ("auth", "A" * 23),
        ("auth", "A" * 5000),
        ("auth", None),
    ],
)
@pytest.mark.django_db
def test_keys_must_be_base64url_of_the_right_length(keys, field, value):
    with pytest.raises(push.InvalidPushSubscription):
        _subscribe(UserFactory(), keys, **{field: value})


@pytest.mark.django_db
def test_without_vapid_keys_a_valid_subscription_is_not_kept_and_a_bad_one_is_still_refused(settings, keys):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    with pytest.raises(push.PushNotConfigured):
        _subscribe(UserFactory(), keys)
    with pytest.raises(push.InvalidPushSubscription):
        _subscribe(UserFactory(), keys, auth="x")
    assert not PushSubscription.objects.exists()


@pytest.mark.django_db
def test_padded_keys_are_stored_unpadded(keys):
    subscription, _ = _subscribe(UserFactory(), keys, p256dh=keys["p256dh"] + "=", auth=keys["auth"] + "==")
    assert (subscription.p256dh, subscription.auth) == (keys["p256dh"], keys["auth"])


@pytest.mark.django_db
def test_a_person_keeps_at_most_ten_devices_the_oldest_go(keys):
    user = UserFactory()
    for n in range(push.MAX_SUBSCRIPTIONS_PER_USER + 2):
        _subscribe(user, keys, f"{FCM}{n}")
    endpoints = set(PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True))
    assert endpoints == {f"{FCM}{n}" for n in range(2, push.MAX_SUBSCRIPTIONS_PER_USER + 2)}


@pytest.mark.django_db
def test_one_person_cannot_remove_another_persons_device(keys):
    owner, other = UserFactory(), UserFactory()
    subscription, _ = _subscribe(owner, keys)
    with pytest.raises(push.PushSubscriptionNotFound):
        push.unsubscribe(other, endpoint=FCM)
    with pytest.raises(push.PushSubscriptionNotFound):
        push.unsubscribe_by_id(other, subscription.pk)
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
    push.unsubscribe(owner, endpoint=FCM)
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari sur iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox sur Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge sur Windows",
        ),
        ("", ""),
        ("curl/8.0", ""),
    ],
)
def test_the_device_label_keeps_only_browser_and_system(user_agent, label):
    assert push.device_label(user_agent) == label


# --- VAPID keys ---------------------------------------------------------------------------------------------


def test_a_generated_key_pair_matches_and_has_the_browser_format():
    keys = check_key_pair(generate_key_pair())
    public = b64url_decode(keys.public_key)
    assert (len(public), public[0], len(b64url_decode(keys.private_key))) == (65, 4, 32)
    with pytest.raises(ValueError):
        check_key_pair(type(keys)(public_key=generate_key_pair().public_key, private_key=keys.private_key))


def test_settings_keys_come_first(settings):
    keys = generate_key_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    assert vapid_keys() == keys


def test_in_development_a_key_file_is_generated_once_readable_by_its_owner(settings, tmp_path):
    settings.DEBUG = True
    settings.VAPID_KEY_FILE = tmp_path / "var" / "vapid_keys.json"
    first = vapid_keys()
    assert first is not None and check_key_pair(first)
    assert vapid_keys() == first
    assert stat.S_IMODE(settings.VAPID_KEY_FILE.stat().st_mode) == 0o600


def test_in_production_no_key_means_no_web_push(settings, tmp_path):
    settings.DEBUG = False
    settings.VAPID_KEY_FILE = tmp_path / "vapid_keys.json"
    assert vapid_keys() is None
    assert not push.is_enabled()
    assert not settings.VAPID_KEY_FILE.exists()


def test_the_command_prints_a_matching_pair(capsys):
    call_command("generate_vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    check_key_pair(type(generate_key_pair())(lines["VAPID_PUBLIC_KEY"], lines["VAPID_PRIVATE_KEY"]))


def test_the_command_writes_a_key_file_and_never_overwrites_it(tmp_path):
    path = tmp_path / "keys.json"
    call_command("generate_vapid_keys", file=path)
    data = json.loads(path.read_text())
    check_key_pair(type(generate_key_pair())(data["public_key"], data["private_key"]))
    with pytest.raises(Exception, match="existe déjà"):
        call_command("generate_vapid_keys", file=path)
    assert json.loads(path.read_text()) == data


def test_the_system_check_refuses_keys_that_do_not_match(settings):
    from passculture.core.notifications.checks import vapid_keys_match

    keys, other = generate_key_pair(), generate_key_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    assert vapid_keys_match() == []
    settings.VAPID_PUBLIC_KEY = other.public_key
    assert [e.id for e in vapid_keys_match()] == ["notifications.E002"]
    settings.VAPID_PRIVATE_KEY = "not base64!"
    assert [e.id for e in vapid_keys_match()] == ["notifications.E002"]
    settings.VAPID_PRIVATE_KEY = ""
    assert [e.id for e in vapid_keys_match()] == ["notifications.E001"]
    settings.VAPID_PUBLIC_KEY, settings.VAPID_SUBJECT = "", "support@passculture.local"
    assert [e.id for e in vapid_keys_match()] == ["notifications.E003"]
