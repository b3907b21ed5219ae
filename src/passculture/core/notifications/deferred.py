"""Emails built after the commit, from the ids they are about (decision 0039).

The transaction that causes such an email writes a small outbox row: its kind, its recipients, the id of
the object it is about (`related_type`/`related_id`) and its Message-ID; its bodies stay empty. Whoever
delivers it (the Celery worker, the in-process delivery after the commit, runjobs) builds the subject,
the bodies and the attachments at the first attempt, with the builder registered for its kind, and stores
them in the row before sending: a retry sends exactly the same message, and the back office shows it.

Rendering an email costs more than the rest of a booking; done here, it no longer runs while the
booking's row locks are held.

- The recipients are chosen when the row is queued (what the person did, and to whom it was promised);
  an account erased meanwhile (`forget_address`) replaces them and the bodies: such a row is sent as
  written, never built.
- The message describes the object as it is at the first attempt. A booking cancelled meanwhile still
  gets its confirmation (it was made; the cancellation email, queued after it, follows); a showtime moved
  meanwhile shows its new time (the "moved" email tells the rest).
- A row whose object is gone, or whose builder fails, counts as a failed attempt and is retried like a
  mail server error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from passculture.core.common import rows
from passculture.core.common.quiet_hours import next_allowed
from passculture.core.common.time import now as utcnow

from . import builders
from .builders import EmailContent
from .models import OutboxEmail

# What the back office shows as the subject of a row not built yet.
PENDING_SUBJECT = "(rédigé au premier envoi)"


class RelatedObjectGone(Exception):
    """The object an email is about no longer exists: nothing to build the email from."""


@dataclass(frozen=True)
class Recipe:
    # related_id -> the object the builder reads (None when it is gone).
    load: Callable[[str], Any]
    # (object, row) -> the message; the row gives what was decided at queueing time (the recipients).
    build: Callable[[Any, OutboxEmail], EmailContent | None]


_recipes: dict[str, Recipe] = {}


def register(kind: str, *, load: Callable[[str], Any], build: Callable[[Any, OutboxEmail], Any]) -> None:
    _recipes[kind] = Recipe(load=load, build=build)


def is_registered(kind: str) -> bool:
    return kind in _recipes


def is_unbuilt(email: OutboxEmail) -> bool:
    """A row queued by `queue` and not built yet (an erased account's row has bodies: it is not built)."""
    return email.kind in _recipes and not email.text_body


@dataclass(frozen=True)
class Deferred:
    """One email to queue: its kind (a registered one), recipients and the object it is about."""

    kind: str
    to: list[str]
    related: Any
    reply_to: list[str] | None = None
    # The recipient's timezone when the email does not answer what they just did (quiet hours).
    quiet_in: str | None = None


def queue(
    emails: list[Deferred], *, quiet_in: str | None = None, writes: rows.Writes | None = None
) -> list[OutboxEmail]:
    """Writes the rows in the current transaction (one INSERT for all of them); each is delivered after
    the commit like a row of `services.queue_email`, with the same quiet-hours deferral (each email's
    own `quiet_in`, else this one). `writes`: the INSERT is added there, for the caller to send before
    the commit with its other writes."""
    from . import services  # services imports this module to build the rows it delivers

    queued_at = utcnow()
    queued: list[OutboxEmail] = []
    delays = []
    for email in emails:
        zone = email.quiet_in or quiet_in
        due_at = next_allowed(queued_at, zone) if zone else queued_at
        if email.kind not in _recipes:
            raise ValueError(f"no deferred builder registered for {email.kind!r}")
        if not email.to:
            continue
        queued.append(
            OutboxEmail(
                kind=email.kind,
                to=list(email.to),
                reply_to=list(email.reply_to or []),
                from_email=settings.DEFAULT_FROM_EMAIL,
                subject=PENDING_SUBJECT,
                text_body="",
                headers={"Message-ID": services._message_id()},
                next_attempt_at=due_at,
                related_type=email.related._meta.label_lower,
                related_id=str(email.related.pk),
            )
        )
        delays.append((due_at - queued_at).total_seconds())
    if writes is not None:
        writes.insert(queued)
    else:
        rows.insert(connection, queued)
    # One hook, and one broker message, for the rows due now; those deferred past quiet hours are left
    # to runjobs (as in `services._deliver_after_commit`). Their keys are read at the commit: `writes`
    # sets them before it.
    due_now = [row for row, delay in zip(queued, delays, strict=True) if delay <= 0]
    if due_now:
        transaction.on_commit(partial(_deliver_due, due_now), robust=True)
    return queued


def _deliver_due(emails: list[OutboxEmail]) -> None:
    from . import services

    services._deliver_all_after_commit([email.pk for email in emails if email.pk is not None])


def build(email: OutboxEmail) -> None:
    """Called by the sender once it holds the claim on `email`: builds the message of an unbuilt row and
    stores it (subject, bodies, attachments). Raises when it cannot: the attempt fails and is retried."""
    if not is_unbuilt(email):
        return
    recipe = _recipes[email.kind]
    related = recipe.load(email.related_id)
    if related is None:
        raise RelatedObjectGone(f"{email.related_type} {email.related_id}")
    content = recipe.build(related, email)
    if content is None:
        raise RelatedObjectGone(f"{email.kind}: nothing to send for {email.related_type} {email.related_id}")
    values = {
        "subject": content.subject[:255],
        "text_body": content.text,
        "html_body": content.html,
        "attachments": [item.as_json() for item in content.attachments],
        "is_sensitive": content.sensitive,
    }
    # Only an unbuilt row: an account erased meanwhile keeps its placeholder bodies.
    if OutboxEmail.objects.filter(pk=email.pk, text_body="").update(**values):
        for field, value in values.items():
            setattr(email, field, value)
    else:
        email.refresh_from_db()


# --- The booking confirmation --------------------------------------------------------------------


def _booking(related_id: str):
    from passculture.core.bookings.selectors import booking_for_email

    return booking_for_email(int(related_id))


def _confirmed_to_pro(booking, email: OutboxEmail) -> EmailContent | None:
    return builders.booking_confirmed_to_pro(booking, recipient=email.to[0] if email.to else "")


def _confirmed_to_beneficiary(booking, email: OutboxEmail) -> EmailContent:
    return builders.booking_confirmed_to_beneficiary(booking)


BOOKING_CONFIRMED_PRO = "booking_confirmed_pro"
BOOKING_CONFIRMED_BENEFICIARY = "booking_confirmed_beneficiary"

register(BOOKING_CONFIRMED_PRO, load=_booking, build=_confirmed_to_pro)
register(BOOKING_CONFIRMED_BENEFICIARY, load=_booking, build=_confirmed_to_beneficiary)


def booking_confirmed(booking) -> list[Deferred]:
    """To the venue (if it has a booking email) and to the beneficiary: recipients read from rows already
    in memory, nothing rendered."""
    pro = builders.pro_recipient(booking)
    return [
        Deferred(
            BOOKING_CONFIRMED_PRO,
            [pro] if pro else [],
            booking,
            reply_to=[booking.user.email],
            quiet_in=booking.venue.timezone,
        ),
        Deferred(BOOKING_CONFIRMED_BENEFICIARY, [booking.user.email], booking),
    ]
