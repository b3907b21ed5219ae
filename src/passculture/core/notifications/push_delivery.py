"""Delivery of the push outbox (decision 0032), the same way as the email outbox (services.py):

- whoever sends (the Celery worker, the in-process fallback, runjobs' `deliver_pushes`) first claims
  the row with one conditional UPDATE (attempts + 1, next_attempt_at pushed by a lease): one sender
  per push, no row lock held while talking to the push service;
- the payload is encrypted for the subscription (RFC 8291, aes128gcm) and signed with our VAPID key
  (RFC 8292) by pywebpush;
- 2xx: sent. 404 or 410: the push service forgot this subscription (unsubscribed, app uninstalled):
  the subscription is deleted and its waiting pushes fail. 408, 429, 5xx or no answer: retried with
  backoff (1, 2, 4 ... minutes, at most one hour, a longer Retry-After honoured) and given up after
  settings.WEB_PUSH_MAX_ATTEMPTS. Another 4xx (our request is wrong): failed at once.
"""

import datetime as dt
import json
import logging

from django.conf import settings
from django.db.models import F

from passculture.core.common.time import now as utcnow

from .models import EmailStatus, OutboxPush, PushSubscription
from .push_keys import vapid_keys

logger = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=5)  # far above WEB_PUSH_TIMEOUT
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
CLOCK_SKEW_TOLERANCE = dt.timedelta(seconds=30)
BATCH_SIZE = 200
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
GONE_STATUSES = (404, 410)
RETRY_STATUSES = (408, 425, 429)

SENT, RETRIED, FAILED, SKIPPED, GONE = "sent", "retried", "failed", "skipped", "gone"


class PushRefused(Exception):
    def __init__(self, status: int, retry_after: str | None = None):
        super().__init__(f"push service answered {status}")
        self.status = status
        self.retry_after = retry_after


def deliver_after_commit(push_ids: list[int], *, delay: float = 0.0) -> None:
    """Never raises: the change that caused the pushes is committed whatever happens to them. A push
    deferred past quiet hours is left to runjobs (a broker message held for hours would be redelivered)."""
    if delay > 0:
        return
    for push_id in push_ids:
        if settings.CELERY_BROKER_URL:
            try:
                from .tasks import deliver_push as deliver_push_task

                deliver_push_task.apply_async((push_id,), retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
            except Exception:
                logger.warning(
                    "push %s: broker unreachable, left pending for runjobs", push_id, exc_info=True
                )
            continue
        try:
            deliver_push(push_id)
        except Exception:
            logger.exception("push %s: in-process delivery crashed, left for runjobs", push_id)


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _retry_delay(attempts: int, retry_after: str | None) -> dt.timedelta:
    delay = backoff(attempts)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, min(dt.timedelta(seconds=int(retry_after.strip())), BACKOFF_MAX))
    return delay


def claim(push_id: int, at: dt.datetime, *, early: dt.timedelta = dt.timedelta(0)) -> bool:
    claimed = OutboxPush.objects.filter(
        pk=push_id, status=EmailStatus.PENDING, next_attempt_at__lte=at + early
    ).update(attempts=F("attempts") + 1, next_attempt_at=at + CLAIM_LEASE)
    return claimed == 1


def payload(push: OutboxPush) -> dict:
    """What the service worker receives (decrypted): it shows `title` and `body`, opens `url` on a touch;
    a newer message with the same `tag` replaces the older one on the device."""
    return {"title": push.title, "body": push.body, "url": push.url, "tag": push.tag}


def send(subscription: PushSubscription, data: dict) -> None:
    """Encrypts and POSTs one message; raises PushRefused (an HTTP status) or a network error."""
    from py_vapid import Vapid
    from pywebpush import WebPushException, webpush

    keys = vapid_keys()
    if keys is None:
        raise RuntimeError("VAPID keys are not configured")
    vapid = Vapid.from_raw(keys.private_key.encode("ascii"))  # it decodes the base64url itself
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(data, ensure_ascii=False),
            vapid_private_key=vapid,
            # A fresh dict each time: pywebpush fills in `aud` (the endpoint's origin) and `exp`.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=settings.WEB_PUSH_TTL,
            timeout=settings.WEB_PUSH_TIMEOUT,
            headers={"Urgency": "normal"},
        )
    except WebPushException as error:
        response = error.response
        if response is None:
            raise
        raise PushRefused(response.status_code, response.headers.get("Retry-After")) from None


def _fail(push: OutboxPush, message: str) -> str:
    OutboxPush.objects.filter(pk=push.pk).update(status=EmailStatus.FAILED, last_error=message[:2000])
    logger.error(
        "push %s (%s) failed for good after %s attempts: %s", push.pk, push.kind, push.attempts, message
    )
    return FAILED


def _forget_subscription(push: OutboxPush, subscription: PushSubscription, status: int) -> str:
    message = f"le service de notifications a répondu {status} : abonnement supprimé"
    OutboxPush.objects.filter(subscription=subscription, status=EmailStatus.PENDING).update(
        status=EmailStatus.FAILED, last_error=message
    )
    OutboxPush.objects.filter(pk=push.pk).update(status=EmailStatus.FAILED, last_error=message)
    PushSubscription.objects.filter(pk=subscription.pk).delete()
    logger.info(
        "push %s (%s): subscription %s gone (%s), deleted", push.pk, push.kind, subscription.pk, status
    )
    return GONE


def _record_failure(push: OutboxPush, error: BaseException, at: dt.datetime) -> str:
    status = error.status if isinstance(error, PushRefused) else None
    message = f"{type(error).__name__}: {error}"
    retryable = status is None or status >= 500 or status in RETRY_STATUSES
    if not retryable or push.attempts >= settings.WEB_PUSH_MAX_ATTEMPTS:
        return _fail(push, message)
    retry_after = error.retry_after if isinstance(error, PushRefused) else None
    OutboxPush.objects.filter(pk=push.pk).update(
        next_attempt_at=at + _retry_delay(push.attempts, retry_after), last_error=message[:2000]
    )
    logger.warning(
        "push %s (%s) attempt %s failed, will retry: %s", push.pk, push.kind, push.attempts, message
    )
    return RETRIED


def _deliver(push_id: int, at: dt.datetime | None, *, early: dt.timedelta = dt.timedelta(0)) -> str:
    at = at or utcnow()
    if not claim(push_id, at, early=early):
        return SKIPPED
    push = OutboxPush.objects.select_related("subscription", "user").get(pk=push_id)
    subscription = push.subscription
    if subscription is None or not push.user.is_active:
        return _fail(push, "plus d'abonnement pour cet appareil")
    try:
        send(subscription, payload(push))
    except PushRefused as error:
        if error.status in GONE_STATUSES:
            return _forget_subscription(push, subscription, error.status)
        return _record_failure(push, error, at)
    except Exception as error:
        return _record_failure(push, error, at)
    OutboxPush.objects.filter(pk=push.pk).update(status=EmailStatus.SENT, sent_at=at, last_error="")
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=at)
    logger.info("push %s (%s) sent", push.pk, push.kind)
    return SENT


def deliver_push(push_id: int, *, at: dt.datetime | None = None) -> str:
    """Sends one push if it is due and nobody else is sending it: sent / retried / failed / gone / skipped."""
    return _deliver(push_id, at, early=CLOCK_SKEW_TOLERANCE)


def seconds_until_next_attempt(push_id: int, *, at: dt.datetime | None = None) -> float | None:
    next_at = (
        OutboxPush.objects.filter(pk=push_id, status=EmailStatus.PENDING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return None
    return max((next_at - (at or utcnow())).total_seconds(), 0.0)


def deliver_due_pushes(at: dt.datetime | None = None, *, limit: int = BATCH_SIZE) -> dict:
    """The runjobs job: sends every due PENDING push, oldest first."""
    now = at or utcnow()
    due = (
        OutboxPush.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {SENT: 0, RETRIED: 0, FAILED: 0, GONE: 0, SKIPPED: 0}
    for push_id in list(due):
        counts[_deliver(push_id, at)] += 1
    return counts
