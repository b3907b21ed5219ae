"""Outbox: an email is written in the caller's transaction and delivered after commit, with retries.

- `notify_*` are called inside the transaction that causes the email (a booking, a cancellation):
  the OutboxEmail rows commit or roll back with it, so no email is lost and none is sent for a
  change that did not happen.
- After commit, delivery is scheduled: with a broker, the Celery task `deliver_email` is enqueued;
  without one (or when the broker is down), it is delivered in-process or left PENDING for
  `runjobs` (`deliver_due_emails`, every minute). Nothing here ever makes the caller fail.
- Whoever sends (the worker, the in-process fallback, runjobs) first *claims* the email with one
  conditional UPDATE that increments `attempts` and pushes `next_attempt_at` forward by a lease.
  Only one concurrent claimer matches the row, so a worker and runjobs never both send it; no row
  lock is held while talking to the mail server. A sender that dies mid-send leaves the email to be
  claimed again when the lease ends (at-least-once; the stored Message-ID lets receivers dedupe).
- A failure retries with exponential backoff (1, 2, 4 ... minutes, capped at one hour) and gives up
  (FAILED) after settings.EMAIL_MAX_ATTEMPTS attempts.
- A sensitive email (one carrying a sign-in link) keeps its bodies only while it may still be sent:
  once SENT or FAILED they are replaced by a placeholder, so the outbox never keeps a usable link.
"""

import datetime as dt
import logging
import smtplib
from email.mime.image import MIMEImage
from email.utils import make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q

from passculture.core.bookings.constants import CancellationReason
from passculture.core.common import request_id, rows
from passculture.core.common.quiet_hours import next_allowed
from passculture.core.common.scrubbing import scrub_text
from passculture.core.common.time import now as utcnow

from . import builders, deferred, push
from .builders import EmailContent
from .models import REDACTED_BODY, EmailStatus, OutboxEmail

logger = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=15)  # far above EMAIL_TIMEOUT: a live sender never loses its claim
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=1)
BATCH_SIZE = 200
# The web server stamps next_attempt_at with its clock and the worker compares with its own, a few
# milliseconds later: a worker clock slightly behind must not leave a fresh email to runjobs. Far below
# CLAIM_LEASE, so a claimed email is never taken early by someone else.
CLOCK_SKEW_TOLERANCE = dt.timedelta(seconds=30)
# Enqueuing happens after the commit, in the request: a dead broker must cost little, runjobs catches up.
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

SENT, RETRIED, FAILED, SKIPPED = "sent", "retried", "failed", "skipped"
REQUEST_ID_HEADER = "X-Request-ID"


# --- Queueing (inside the caller's transaction) ------------------------------------------------


def _message_id() -> str:
    # Our own domain: Django would otherwise resolve the host's FQDN, and a retried email keeps its id.
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "passculture.local"
    return make_msgid(domain=domain)


def queue_email(
    *,
    kind: str,
    to: list[str],
    subject: str,
    text_body: str,
    html_body: str = "",
    reply_to: list[str] | None = None,
    headers: dict | None = None,
    attachments: list | None = None,
    related=None,
    sensitive: bool = False,
    quiet_in: str | None = None,
) -> OutboxEmail:
    """Writes the email in the current transaction; delivery is scheduled for after the commit.

    `quiet_in`: the recipient's timezone for an email that does not answer something they just did; one
    queued during quiet hours there (22:00 to 08:00) waits until 08:00 local (`core.common.quiet_hours`).
    """
    queued_at = utcnow()
    due_at = next_allowed(queued_at, quiet_in) if quiet_in else queued_at
    email = OutboxEmail.objects.create(
        kind=kind,
        to=list(to),
        reply_to=list(reply_to or []),
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject[:255],
        text_body=text_body,
        html_body=html_body,
        # The request (or task, or job) that queued it: support can follow an email back to its cause.
        headers={"Message-ID": _message_id(), **_request_id_header(), **(headers or {})},
        attachments=[
            a.as_json() if isinstance(a, builders.InlineImage | builders.QrCodeImage) else a
            for a in attachments or []
        ],
        next_attempt_at=due_at,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        is_sensitive=sensitive,
    )
    delay = (due_at - queued_at).total_seconds()
    transaction.on_commit(partial(_deliver_after_commit, email.pk, delay=delay), robust=True)
    return email


def _request_id_header() -> dict:
    current = request_id.current()
    return {REQUEST_ID_HEADER: current} if current else {}


def queue_built(
    content: EmailContent | None, *, related=None, quiet_in: str | None = None
) -> OutboxEmail | None:
    if content is None:
        return None
    return queue_email(
        kind=content.kind,
        to=content.to,
        subject=content.subject,
        text_body=content.text,
        html_body=content.html,
        reply_to=content.reply_to,
        headers=dict(content.headers),
        attachments=list(content.attachments),
        related=related,
        sensitive=content.sensitive,
        quiet_in=quiet_in,
    )


FORGOTTEN_BODY = "(contenu effacé : la personne concernée a supprimé son compte)"


def forget_address(address: str, replacement: str) -> int:
    """Erases an address from the outbox (recipients, Reply-To) and the bodies of those emails, which
    hold the person's name, phone, bookings: for an account being anonymised. Returns the rows changed."""
    address = (address or "").strip().lower()
    if not address:
        return 0
    changed = 0
    # icontains narrows in SQL (JSON lists cannot be searched portably); the exact match is made here.
    candidates = OutboxEmail.objects.select_for_update().filter(
        Q(to__icontains=address) | Q(reply_to__icontains=address)
    )
    for email in candidates:
        to = [replacement if str(a).strip().lower() == address else a for a in email.to]
        reply_to = [replacement if str(a).strip().lower() == address else a for a in email.reply_to]
        if to == email.to and reply_to == email.reply_to:
            continue
        email.to, email.reply_to = to, reply_to
        email.subject, email.text_body, email.html_body = FORGOTTEN_BODY[:255], FORGOTTEN_BODY, ""
        email.attachments = []
        email.save(update_fields=["to", "reply_to", "subject", "text_body", "html_body", "attachments"])
        changed += 1
    return changed


def notify_booking_confirmed(
    booking, *, has_push_device: bool = True, writes: rows.Writes | None = None
) -> None:
    """To the venue (if it has a booking email) and to the beneficiary: built after the commit, by the
    sender (decision 0039), so that the booking's row locks are not held while rendering. Quiet hours
    (decision 0033): the beneficiary's confirmation answers what they just did; the venue's waits for
    08:00 at the venue. `has_push_device` False: the booking read that the person has no device."""
    deferred.queue(deferred.booking_confirmed(booking), writes=writes)
    push.push_booking_confirmed(booking, has_device=has_push_device)


def notify_booking_cancelled(booking, *, message: str = "") -> None:
    """Both sides are told who cancelled and why (booking.cancellation_reason, and the offerer's
    `message` when it wrote one). Whoever cancelled is answered at once; the other side (and both, when
    a job or staff cancelled) not during quiet hours at the venue (decision 0033)."""
    reason = booking.cancellation_reason or CancellationReason.OFFERER
    tz = booking.venue.timezone
    to_pro = builders.booking_cancelled_to_pro(booking, message=message)
    queue_built(to_pro, related=booking, quiet_in=None if reason == CancellationReason.OFFERER else tz)
    to_beneficiary = builders.booking_cancelled_to_beneficiary(booking, message=message)
    queue_built(
        to_beneficiary, related=booking, quiet_in=None if reason == CancellationReason.BENEFICIARY else tz
    )
    if reason == CancellationReason.OFFERER:  # not the person's own cancellation
        push.push_booking_cancelled_by_offerer(booking)


def notify_showtime_moved(booking, *, old_start) -> None:
    content = builders.showtime_moved_to_beneficiary(booking, old_start=old_start)
    queue_built(content, related=booking, quiet_in=booking.venue.timezone)
    push.push_showtime_moved(booking, old_start=old_start)


def notify_booking_expiry_reminder(booking) -> None:
    content = builders.booking_expiry_reminder_to_beneficiary(booking)
    queue_built(content, related=booking, quiet_in=booking.venue.timezone)


# --- After commit --------------------------------------------------------------------------------


def _deliver_after_commit(email_id: int, *, delay: float = 0.0) -> None:
    """Never raises: the change that caused the email is committed, whatever happens to the email.
    An email deferred past quiet hours (`delay` > 0) is left to runjobs' `deliver_due_emails`: a broker
    message held for hours would be redelivered by the broker's visibility timeout."""
    if delay <= 0:
        _deliver_all_after_commit([email_id])


def _deliver_all_after_commit(email_ids: list[int]) -> None:
    """Emails due now, queued by one change (a booking's two confirmations): one broker message for all
    of them (decision 0040), each email then claimed, sent and retried on its own. Never raises."""
    if not email_ids:
        return
    if settings.CELERY_BROKER_URL:
        try:
            from .tasks import deliver_email as deliver_email_task
            from .tasks import deliver_email_batch

            if len(email_ids) == 1:
                deliver_email_task.apply_async((email_ids[0],), retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
            else:
                deliver_email_batch.apply_async(
                    (list(email_ids),), retry=True, retry_policy=ENQUEUE_RETRY_POLICY
                )
        except Exception:
            logger.warning(
                "emails %s: broker unreachable, left pending for runjobs", email_ids, exc_info=True
            )
        return
    for email_id in email_ids:
        try:
            deliver_email(email_id)
        except Exception:
            logger.exception("email %s: in-process delivery crashed, left for runjobs", email_id)


# --- Delivery ------------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next try after `attempts` failed ones: 1, 2, 4 ... minutes, at most one hour."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def claim(email_id: int, at: dt.datetime, *, early: dt.timedelta = dt.timedelta(0)) -> bool:
    """Takes the right to send one due email; False if it is not due or someone else took it."""
    claimed = OutboxEmail.objects.filter(
        pk=email_id, status=EmailStatus.PENDING, next_attempt_at__lte=at + early
    ).update(attempts=F("attempts") + 1, next_attempt_at=at + CLAIM_LEASE)
    return claimed == 1


def build_message(email: OutboxEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for item in email.attachments:
        subtype = item["content_type"].partition("/")[2]
        image = MIMEImage(builders.attachment_bytes(item), _subtype=subtype or "png")
        image.add_header("Content-ID", f"<{item['content_id']}>")
        image.add_header("Content-Disposition", "inline", filename=item["filename"])
        message.attach(image)
    if email.attachments:
        # multipart/related lets the HTML part show the images through `cid:` references.
        message.mixed_subtype = "related"
    return message


def _is_connection_error(error: BaseException) -> bool:
    """The mail server is unreachable (not one message refused): the rest of a batch would fail too."""
    if isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, OSError)


def _deliver(
    email_id: int, at: dt.datetime | None, connection, *, early: dt.timedelta = dt.timedelta(0)
) -> tuple[str, BaseException | None]:
    at = at or utcnow()
    if not claim(email_id, at, early=early):
        return SKIPPED, None
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        deferred.build(email)  # a row queued without its message gets it now, once (decision 0039)
        if connection is not None:
            connection.open()  # reuses the batch's SMTP session when it is already open
        build_message(email, connection).send(fail_silently=False)
    except Exception as error:
        return _record_failure(email, error, at), error
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=at, last_error="", **_redaction(email)
    )
    # Never the addresses (personal data): the email's id and kind say which one it was.
    logger.info(
        "email %s (%s) sent",
        email.pk,
        email.kind,
        extra={"queued_by_request_id": (email.headers or {}).get(REQUEST_ID_HEADER, "")},
    )
    return SENT, None


def _redaction(email: OutboxEmail) -> dict:
    """The bodies to store once the email leaves the outbox: a placeholder if it carries a link."""
    if not email.hides_body:
        return {}
    return {"text_body": REDACTED_BODY, "html_body": ""}


def _record_failure(email: OutboxEmail, error: BaseException, at: dt.datetime) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=EmailStatus.FAILED, last_error=message, **_redaction(email)
        )
        logger.error(
            "email %s (%s) failed for good after %s attempts: %s",
            email.pk,
            email.kind,
            email.attempts,
            scrub_text(message),
        )
        return FAILED
    OutboxEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=at + backoff(email.attempts), last_error=message
    )
    logger.warning(
        "email %s (%s) attempt %s failed, will retry: %s",
        email.pk,
        email.kind,
        email.attempts,
        scrub_text(message),  # a refused recipient's error names the address
    )
    return RETRIED


def deliver_email(email_id: int, *, at: dt.datetime | None = None) -> str:
    """Sends one email if it is due and nobody else is sending it: sent / retried / failed / skipped."""
    outcome, _ = _deliver(email_id, at, None, early=CLOCK_SKEW_TOLERANCE)
    return outcome


def seconds_until_next_attempt(email_id: int, *, at: dt.datetime | None = None) -> float | None:
    """For the Celery task's own retry; None when the email no longer waits (sent, failed, gone)."""
    next_at = (
        OutboxEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return None
    return max((next_at - (at or utcnow())).total_seconds(), 0.0)


def deliver_due_emails(at: dt.datetime | None = None, *, limit: int = BATCH_SIZE) -> dict:
    """The runjobs job: sends every due PENDING email (oldest first), one SMTP session per run."""
    now = at or utcnow()
    due = (
        OutboxEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {SENT: 0, RETRIED: 0, FAILED: 0, SKIPPED: 0}
    email_ids = list(due)
    connection = get_connection(fail_silently=False)
    try:
        for position, email_id in enumerate(email_ids):
            outcome, error = _deliver(email_id, at, connection)
            counts[outcome] += 1
            if error is not None and _is_connection_error(error):
                # The others stay untouched (no attempt counted) until the next run.
                left = len(email_ids) - position - 1
                logger.warning("mail server unreachable, %s email(s) left for the next run", left)
                break
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("closing the mail connection failed", exc_info=True)
    return counts
