"""Web push (issue 16 point 3, decision 0032): the devices where a person accepted notifications, and the
messages queued for them.

- A subscription is what the browser's `PushManager.subscribe` returns: an endpoint URL at a push service
  and two keys. The endpoint must be https at a known push service (the server POSTs to it: any other
  URL would let anyone make the server call an address of their choice); http on loopback only when
  settings.WEB_PUSH_ALLOW_LOOPBACK (a local push service in tests and demos).
- `queue_push` writes one OutboxPush per subscription of the person, in the caller's transaction;
  delivery (push_delivery) happens after the commit, with retries, like the email outbox.
- Messages about something the person just did (a booking) go at once; the others wait for the end of
  quiet hours (22:00 to 08:00) in the timezone given as `quiet_in`.
"""

import datetime as dt
import functools
import ipaddress
import re
from functools import partial
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import connection, connections, transaction
from django.urls import reverse

from passculture.core.common import rows
from passculture.core.common.exceptions import InvalidInput, NotFound, ServiceUnavailable
from passculture.core.common.money import format_euros
from passculture.core.common.quiet_hours import next_allowed
from passculture.core.common.rows import quoted_column
from passculture.core.common.text import has_forbidden_characters
from passculture.core.common.time import format_local, format_local_day
from passculture.core.common.time import now as utcnow
from passculture.core.users.notification_preferences import Topic, wants

from .models import (
    AUTH_LENGTH,
    P256DH_LENGTH,
    PUSH_ENDPOINT_MAX_LENGTH,
    EmailStatus,
    OutboxPush,
    PushSubscription,
)
from .push_keys import b64url_decode

# A person reinstalling the app many times: the oldest devices give way, the table stays bounded.
MAX_SUBSCRIPTIONS_PER_USER = 10
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 400
URL_MAX_LENGTH = 300
LOOPBACK_NAMES = {"localhost"}
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class InvalidPushSubscription(InvalidInput):
    code = "INVALID_PUSH_SUBSCRIPTION"
    message = "Cet appareil a envoyé un abonnement aux notifications invalide : recharge la page et réessaie."


class PushEndpointNotAllowed(InvalidInput):
    code = "PUSH_ENDPOINT_NOT_ALLOWED"
    message = "Ce service de notifications n'est pas accepté : utilise un navigateur à jour."


class PushSubscriptionNotFound(NotFound):
    code = "PUSH_SUBSCRIPTION_NOT_FOUND"
    message = "Cet appareil n'est pas abonné aux notifications."


class PushNotConfigured(ServiceUnavailable):
    code = "PUSH_NOT_CONFIGURED"
    message = "Les notifications ne sont pas disponibles pour le moment : réessaie plus tard."


# --- Validation ----------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_allowed_host(host: str) -> bool:
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.WEB_PUSH_ALLOWED_HOSTS)


def check_endpoint(endpoint: str) -> str:
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > PUSH_ENDPOINT_MAX_LENGTH:
        raise InvalidPushSubscription()
    if has_forbidden_characters(endpoint) or any(c.isspace() for c in endpoint):
        raise InvalidPushSubscription()
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as error:
        raise InvalidPushSubscription() from error
    if not host or parts.username or parts.password or parts.fragment:
        raise InvalidPushSubscription()
    loopback = settings.WEB_PUSH_ALLOW_LOOPBACK and _is_loopback(host)
    if parts.scheme == "https" and (_is_allowed_host(host) or loopback):
        return endpoint
    if parts.scheme == "http" and loopback:
        return endpoint
    if parts.scheme not in ("http", "https"):
        raise InvalidPushSubscription()
    raise PushEndpointNotAllowed()


def check_key(value: str, *, length: int) -> str:
    """base64url of the right length (padding accepted, stored without): `length` characters unpadded."""
    if not isinstance(value, str) or len(value) > length + 2 or not _BASE64URL.match(value):
        raise InvalidPushSubscription()
    value = value.rstrip("=")
    if len(value) != length:
        raise InvalidPushSubscription()
    return value


def check_p256dh(value: str) -> str:
    value = check_key(value, length=P256DH_LENGTH)
    try:
        # A point on the curve, not 65 random bytes: encryption to it would fail at every send.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(value))
    except ValueError as error:
        raise InvalidPushSubscription() from error
    return value


_BROWSERS = (
    ("Edg", "Edge"),
    ("SamsungBrowser", "Samsung Internet"),
    ("FxiOS", "Firefox"),
    ("Firefox", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """'Chrome sur Android': enough to tell one's devices apart, nothing more of the header is kept."""
    user_agent = (user_agent or "")[:512]
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} sur {system}"
    return browser or system


# --- Subscriptions -------------------------------------------------------------------------------------


def subscriptions_of(user) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at", "-id"))


@transaction.atomic
def subscribe(
    user, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> tuple[PushSubscription, bool]:
    """Registers this device for `user`; returns (subscription, created); PushNotConfigured without VAPID
    keys. The endpoint identifies one
    browser profile: already known, it is updated (its keys may have changed) and now belongs to whoever
    is signed in on that browser."""
    endpoint = check_endpoint(endpoint)
    p256dh = check_p256dh(p256dh)
    auth = check_key(auth, length=AUTH_LENGTH)
    if not is_enabled():
        # Checked after the input: a bad request is the caller's to fix whatever the server's state.
        raise PushNotConfigured()
    label = device_label(user_agent)
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": label}
    )
    kept = (
        PushSubscription.objects.filter(user=user).order_by("-created_at", "-id").values_list("id", flat=True)
    )
    old = list(kept[MAX_SUBSCRIPTIONS_PER_USER:])
    if old:
        PushSubscription.objects.filter(pk__in=old).delete()
    return subscription, created


def unsubscribe(user, *, endpoint: str) -> None:
    """Removes this device of `user`'s; one of somebody else's is as unknown as one that never existed."""
    if not isinstance(endpoint, str) or len(endpoint) > PUSH_ENDPOINT_MAX_LENGTH:
        raise InvalidPushSubscription()
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    if not deleted:
        raise PushSubscriptionNotFound()


def unsubscribe_by_id(user, subscription_id: int) -> None:
    deleted, _ = PushSubscription.objects.filter(user=user, pk=subscription_id).delete()
    if not deleted:
        raise PushSubscriptionNotFound()


FORGOTTEN_PUSH = "(contenu effacé : la personne concernée a supprimé son compte)"


def forget_devices(user) -> int:
    """For an account being anonymised: its devices go (an endpoint identifies a browser) and the
    texts of its pushes are erased (they name films, cinemas, dates). Returns the devices removed."""
    pushes = OutboxPush.objects.filter(user=user)
    pushes.filter(status=EmailStatus.PENDING).update(status=EmailStatus.FAILED, last_error="compte supprimé")
    pushes.update(title=FORGOTTEN_PUSH[:TITLE_MAX_LENGTH], body=FORGOTTEN_PUSH)
    deleted, _ = PushSubscription.objects.filter(user=user).delete()
    return deleted


def is_enabled() -> bool:
    from .push_keys import vapid_keys

    return vapid_keys() is not None


# --- Queueing (inside the caller's transaction) ----------------------------------------------------------


def _check_url(url: str) -> str:
    # A path of this site: the service worker opens it on a click, never another origin.
    if not url.startswith("/") or url.startswith("//") or len(url) > URL_MAX_LENGTH:
        raise ValueError(f"a push opens a path of the app, not {url!r}")
    return url


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def subscription_ids(user) -> list[int]:
    """The ids of the person's devices, in one prebuilt statement (every booking asks, decision 0040)."""
    with rows.hot_cursor(connection) as cursor:
        cursor.execute(_subscription_ids_sql(connection.alias), [user.pk])
        return [subscription_id for (subscription_id,) in cursor.fetchall()]


@functools.cache
def _subscription_ids_sql(using: str) -> str:
    quote = connections[using].ops.quote_name
    table, pk = quote(PushSubscription._meta.db_table), quote(PushSubscription._meta.pk.column)
    user = quoted_column(connections[using], PushSubscription, "user")
    # Names come from the model, quoted; the value is a parameter.
    return f"SELECT {pk} FROM {table} WHERE {user} = %s ORDER BY {pk}"  # noqa: S608


def has_device_sql(connection, user_id) -> tuple[str, list]:
    """The SQL condition "the person has a device", for a read that asks it with other things (the
    booking's first statement, decision 0040); `user_id`: the parameter standing for the person's id."""
    table = connection.ops.quote_name(PushSubscription._meta.db_table)
    user = quoted_column(connection, PushSubscription, "user")
    # Names come from the model, quoted; the value is a parameter.
    return f"EXISTS (SELECT 1 FROM {table} WHERE {user} = %s)", [user_id]  # noqa: S608


def queue_push(
    user,
    *,
    kind: str,
    title: str,
    body: str,
    url: str,
    topic: str | None = None,
    quiet_in: str | None = None,
    related=None,
    subscriptions: list[int] | None = None,
) -> list[OutboxPush]:
    """Queues a notification to every device of `user`, in the current transaction; sent after commit.

    `topic` (a notification_preferences.Topic): nothing is queued when the person turned it off.
    `quiet_in`: an IANA timezone for a message that does not answer something the person just did;
    queued between 22:00 and 08:00 there, it waits until 08:00. `url`: a path of the app, opened when the
    notification is touched. `related`: a model instance recorded with the message (and its tag).
    `subscriptions`: `subscription_ids(user)` when the caller already read them.
    Returns the rows queued (none when the person has no device or does not want the topic)."""
    _check_url(url)
    if not user.is_active or (topic and not wants(user, topic)):
        return []
    if subscriptions is None:
        subscriptions = subscription_ids(user)
    if not subscriptions:
        return []
    queued_at = utcnow()
    due_at = next_allowed(queued_at, quiet_in) if quiet_in else queued_at
    related_type = related._meta.label_lower if related is not None else ""
    related_id = str(related.pk) if related is not None else ""
    tag = f"{kind}-{related_id}" if related_id else kind
    pushes = OutboxPush.objects.bulk_create(
        [
            OutboxPush(
                subscription_id=subscription_id,
                user=user,
                kind=kind,
                topic=topic or "",
                title=_shorten(title, TITLE_MAX_LENGTH),
                body=_shorten(body, BODY_MAX_LENGTH),
                url=url,
                tag=tag[:64],
                next_attempt_at=due_at,
                related_type=related_type,
                related_id=related_id,
            )
            for subscription_id in subscriptions
        ]
    )
    from .push_delivery import deliver_after_commit

    delay = (due_at - queued_at).total_seconds()
    transaction.on_commit(partial(deliver_after_commit, [p.pk for p in pushes], delay=delay), robust=True)
    return pushes


# --- The messages ----------------------------------------------------------------------------------------


def _booking_url(booking) -> str:
    return reverse("app:booking", args=[booking.pk])


def _where(booking) -> str:
    return booking.venue.display_name


def push_booking_confirmed(booking, *, has_device: bool = True) -> list[OutboxPush]:
    """Sent at once: the person just booked. Nothing is written when the person has no device (most
    bookings): asked first, before the message is written. `has_device` False: the booking read that
    the person had none (in its first statement), not asked again."""
    subscriptions = subscription_ids(booking.user) if has_device else []
    if not subscriptions:
        return []
    begins = booking.stock.beginning_datetime
    when = f", {format_local(begins, booking.venue.timezone, with_weekday=True)}" if begins else ""
    return queue_push(
        booking.user,
        kind="booking_confirmed",
        title="Réservation confirmée",
        body=f"{booking.offer.name}{when}, {_where(booking)}. Ta contremarque : {booking.token}.",
        url=_booking_url(booking),
        related=booking,
        subscriptions=subscriptions,
    )


def push_show_reminder(booking) -> list[OutboxPush]:
    begins = booking.stock.beginning_datetime
    when = format_local(begins, booking.venue.timezone, with_weekday=True)
    return queue_push(
        booking.user,
        kind="show_reminder",
        title=f"Rappel : {booking.offer.name}",
        body=f"Ta séance est {when}, {_where(booking)}. Ta contremarque : {booking.token}.",
        url=_booking_url(booking),
        topic=Topic.SHOW_REMINDERS,
        quiet_in=booking.venue.timezone,
        related=booking,
    )


def push_showtime_moved(booking, *, old_start: dt.datetime) -> list[OutboxPush]:
    tz = booking.venue.timezone
    new_start = booking.stock.beginning_datetime
    return queue_push(
        booking.user,
        kind="showtime_moved",
        title="Ta séance change d'horaire",
        body=f"{booking.offer.name}, {_where(booking)} : {format_local(old_start, tz, with_weekday=True)} "
        f"devient {format_local(new_start, tz, with_weekday=True)}. Tu peux annuler sans frais.",
        url=_booking_url(booking),
        quiet_in=tz,
        related=booking,
    )


def push_booking_cancelled_by_offerer(booking) -> list[OutboxPush]:
    begins = booking.stock.beginning_datetime
    when = f" du {format_local(begins, booking.venue.timezone, with_weekday=True)}" if begins else ""
    return queue_push(
        booking.user,
        kind="booking_cancelled",
        title="Réservation annulée par le cinéma",
        body=f"{_where(booking)} a annulé ta réservation pour {booking.offer.name}{when}."
        + (" Ton crédit t'a été rendu." if booking.total_amount_cents else ""),
        url=_booking_url(booking),
        quiet_in=booking.venue.timezone,
        related=booking,
    )


def push_credit_granted(user, deposit, *, tz_name: str) -> list[OutboxPush]:
    """The credit is granted (identity approved, or the 18-year-old credit of the 2025 reform): decided by
    staff or a job, not by the person just now, so not in their quiet hours."""
    return queue_push(
        user,
        kind="credit_granted",
        title="Ton crédit pass Culture est là",
        body=f"{format_euros(deposit.amount_cents)} à dépenser au cinéma, "
        f"jusqu'au {format_local_day(deposit.expires_at, tz_name)}.",
        url=reverse("app:credit"),
        quiet_in=tz_name,
        related=deposit,
    )


def push_credit_expiry(
    user, *, remaining_cents: int, expires_at: dt.datetime, days_left: int, tz_name: str, related=None
) -> list[OutboxPush]:
    """The credit expiry reminder (90, 30, 7 days before), beside its email, if the person wants it."""
    when = "demain" if days_left <= 1 else f"dans {days_left} jours"
    return queue_push(
        user,
        kind="credit_expiry_reminder",
        title=f"Ton crédit expire {when}",
        body=f"Il te reste {format_euros(remaining_cents)} à dépenser jusqu'au "
        f"{format_local_day(expires_at, tz_name)}. Trouve une séance près de chez toi.",
        url=reverse("app:credit"),
        topic=Topic.CREDIT_REMINDERS,
        quiet_in=tz_name,
        related=related,
    )
