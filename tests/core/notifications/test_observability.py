"""The outbox and operations: an email keeps the id of the request that queued it, its delivery is
logged without any address, and the backlog is measured by due time (decision 0036)."""

import datetime as dt
import logging

import pytest

from passculture.core.common import request_id
from passculture.core.notifications import selectors, services
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def queue(**fields) -> OutboxEmail:
    return services.queue_email(
        kind="test", to=["lea.martin@example.com"], subject="Objet", text_body="Texte", **fields
    )


def test_an_email_keeps_the_id_of_the_request_that_queued_it():
    with request_id.bound("req-queued-000001"):
        email = queue()
    assert email.headers["X-Request-ID"] == "req-queued-000001"
    assert "X-Request-ID" not in queue().headers


def test_a_delivery_is_logged_with_the_queuing_request_but_never_the_address(caplog, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.INFO)
    with request_id.bound("req-queued-000002"):
        email = queue()
    assert services.deliver_email(email.pk) == services.SENT
    [line] = [record for record in caplog.records if record.name == services.logger.name]
    assert line.getMessage() == f"email {email.pk} (test) sent"
    assert line.queued_by_request_id == "req-queued-000002"
    assert "lea.martin@example.com" not in caplog.text


def test_the_backlog_counts_due_emails_and_how_late_the_oldest_is():
    queue()
    OutboxEmail.objects.update(next_attempt_at=NOW - dt.timedelta(minutes=7))
    services.queue_email(
        kind="later", to=["a@example.org"], subject="s", text_body="t", quiet_in="Europe/Paris"
    )
    OutboxEmail.objects.filter(kind="later").update(next_attempt_at=NOW + dt.timedelta(hours=9))
    OutboxEmail.objects.create(
        kind="x", to=[], subject="s", text_body="t", next_attempt_at=NOW, status=EmailStatus.FAILED
    )
    backlog = selectors.outbox_backlog(NOW)
    assert (backlog["pending"], backlog["due"], backlog["failed"]) == (2, 1, 1)
    assert backlog["oldest_due_seconds"] == 7 * 60


def test_a_refused_recipient_is_not_named_in_the_retry_log(caplog, monkeypatch):
    import smtplib

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"lea.martin@example.com": (550, b"unknown user")})

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    caplog.set_level(logging.INFO)
    email = queue()
    assert services.deliver_email(email.pk) == services.RETRIED
    assert "attempt 1 failed" in caplog.text
    assert "lea.martin@example.com" not in caplog.text
