"""Notifications on this device, in Chromium: the account page's button, and the service worker showing a
push as a notification.

Headless Chromium here has no push service (no network, no FCM): `pushManager.subscribe` cannot succeed.
So, and only for that call, an init script stands in for the browser's PushManager: it returns a
subscription whose keys this test generated (LocalPushService.subscribe), at an endpoint of the local push
service. Everything else is real: the page's script, the permission, the CSRF-protected request that
stores the subscription, the server's encrypted and VAPID-signed push to the local service (which
decrypts it), and the service worker receiving that payload through the DevTools protocol
(ServiceWorker.deliverPushMessage) and showing it."""

import json

import pytest

from passculture.core.credit.factories import DepositFactory
from passculture.core.notifications import push
from passculture.core.notifications.models import EmailStatus, OutboxPush, PushSubscription
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot
from tests.push_service import LocalPushService, use_web_push

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}

# Stands in for the browser's push service link (see the module's docstring). The subscription survives a
# reload (localStorage) and records the applicationServerKey it was asked for.
FAKE_PUSH_MANAGER = """
(() => {
  const SUBSCRIPTION = %s;
  const STORE = "test-push-subscription";
  function make(key) {
    return {
      endpoint: SUBSCRIPTION.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: key },
      toJSON() { return { endpoint: SUBSCRIPTION.endpoint, expirationTime: null, keys: SUBSCRIPTION.keys }; },
      unsubscribe() {
        localStorage.removeItem(STORE);
        console.info("test: push subscription unsubscribed");
        return Promise.resolve(true);
      },
    };
  }
  function keyOf(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer;
  }
  PushManager.prototype.subscribe = function (options) {
    const key = new Uint8Array(options.applicationServerKey);
    localStorage.setItem(STORE, btoa(String.fromCharCode(...key)));
    return Promise.resolve(make(key.buffer));
  };
  PushManager.prototype.getSubscription = function () {
    const stored = localStorage.getItem(STORE);
    return Promise.resolve(stored ? make(keyOf(stored)) : null);
  };
})();
"""


@pytest.fixture
def web_push(settings):
    keys = use_web_push(settings)
    with LocalPushService() as service:
        service.vapid_keys = keys
        yield service


@pytest.fixture
def beneficiary(transactional_db):
    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


def _account_page(page, live_server, client, user):
    page.set_viewport_size(PHONE)
    log_in(page, client, user, live_server.url)
    page.goto(f"{live_server.url}/compte/")
    page.locator("#push-toggle").scroll_into_view_if_needed()


def test_turning_notifications_on_and_off_on_this_device(live_server, page, client, beneficiary, web_push):
    subscriber = web_push.subscribe("phone", web_push.vapid_keys.public_key)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscriber.as_json()))
    _account_page(page, live_server, client, beneficiary)
    button = page.get_by_role("button", name="Activer sur cet appareil")
    button.wait_for()
    assert page.locator("#push-status").inner_text() == "Les notifications sont désactivées sur cet appareil."
    assert_accessible(page, "app-accounts-push-off")
    screenshot(page, "app-accounts-push-off")

    button.click()
    page.get_by_text("Les notifications sont activées sur cet appareil.").wait_for()
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint) == (beneficiary, subscriber.endpoint)
    assert (stored.p256dh, stored.auth) == (
        subscriber.as_json()["keys"]["p256dh"],
        subscriber.as_json()["keys"]["auth"],
    )
    # The page subscribed with the server's own key.
    asked = page.evaluate("() => localStorage.getItem('test-push-subscription')")
    assert asked.rstrip("=").replace("+", "-").replace("/", "_") == web_push.vapid_keys.public_key
    assert_accessible(page, "app-accounts-push-on")
    screenshot(page, "app-accounts-push-on")

    # The server's push reaches the local push service, which decrypts it with this device's keys.
    push.queue_push(
        beneficiary, kind="test", title="Réservation confirmée", body="Dune, ce soir.", url="/reservations/"
    )
    assert web_push.messages_for("phone")[0]["title"] == "Réservation confirmée"
    assert OutboxPush.objects.get().status == EmailStatus.SENT

    # Read back after a reload, then turned off: the server forgets the device.
    page.reload()
    page.get_by_role("button", name="Désactiver sur cet appareil").click()
    page.get_by_text("Les notifications sont désactivées sur cet appareil.").wait_for()
    assert not PushSubscription.objects.exists()
    assert page.evaluate("() => localStorage.getItem('test-push-subscription')") is None

    # Logging out unsubscribes this browser: the next person on a shared phone gets nothing of hers. (The
    # logout's Clear-Site-Data also drops the worker with its subscription, where browsers support it.)
    page.get_by_role("button", name="Activer sur cet appareil").click()
    page.get_by_text("Les notifications sont activées sur cet appareil.").wait_for()
    said = []
    page.on("console", lambda message: said.append(message.text))
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    assert "test: push subscription unsubscribed" in said


def test_the_service_worker_shows_a_push_as_a_notification(live_server, page, client, beneficiary, web_push):
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    _account_page(page, live_server, client, beneficiary)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r for r in event["registrations"] if not r["isDeleted"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    scope = f"{live_server.url}/"
    for _ in range(50):  # the events arrive through Playwright's loop: let it run until they are in
        if any(r["scopeURL"] == scope for r in registrations):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"] == scope)

    # The payload exactly as the local push service decrypted it from the server's message.
    subscriber = web_push.subscribe("phone", web_push.vapid_keys.public_key)
    data = subscriber.as_json()
    push.subscribe(
        beneficiary, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"]
    )
    push.queue_push(
        beneficiary,
        kind="booking_confirmed",
        title="Réservation confirmée",
        body="Dune : deuxième partie, samedi 12 décembre 2026 à 20h30. Ta contremarque : ABC234.",
        url="/reservations/",
    )
    [payload] = web_push.messages_for("phone")

    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    shown = []
    for _ in range(50):  # showNotification runs in the worker: poll the registration until it is there
        shown = page.evaluate(
            """() => navigator.serviceWorker.ready
                .then((registration) => registration.getNotifications())
                .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag, data: n.data})))"""
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [
        {
            "title": "Réservation confirmée",
            "body": "Dune : deuxième partie, samedi 12 décembre 2026 à 20h30. Ta contremarque : ABC234.",
            "tag": payload["tag"],
            "data": {"url": "/reservations/"},
        }
    ]


def test_without_the_push_api_the_page_says_so(live_server, page, client, beneficiary, web_push):
    page.context.add_init_script("delete window.PushManager;")
    _account_page(page, live_server, client, beneficiary)
    page.get_by_text("Ce navigateur ne peut pas recevoir de notifications.", exact=False).wait_for()
    assert not page.locator("#push-button").is_visible()
    assert_accessible(page, "app-accounts-push-unsupported")
    screenshot(page, "app-accounts-push-unsupported")


def test_notifications_refused_by_the_person_say_how_to_allow_them(
    live_server, page, client, beneficiary, web_push
):
    _account_page(page, live_server, client, beneficiary)
    page.get_by_role("button", name="Activer sur cet appareil").click()
    # Headless Chromium answers a permission request nobody can see with "denied".
    page.get_by_text("Tu as bloqué les notifications pour ce site.", exact=False).wait_for()
    assert page.locator("#push-status").inner_text() == (
        "Tu as bloqué les notifications pour ce site. Pour les recevoir, autorise-les dans les réglages de ton "
        "navigateur, puis recharge la page."
    )
    assert not page.locator("#push-button").is_visible()
    assert not PushSubscription.objects.exists()
    assert_accessible(page, "app-accounts-push-refused")
    screenshot(page, "app-accounts-push-refused")
