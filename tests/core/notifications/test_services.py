import datetime as dt
import email
import email.policy
import threading
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction

from passculture.core.bookings import services as bookings
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.jobs.schedule import get_job
from passculture.core.jobs.services import run_job
from passculture.core.notifications import services
from passculture.core.notifications.models import REDACTED_BODY, EmailStatus, OutboxEmail
from passculture.core.offers.factories import ThingStockFactory
from tests.conftest import utc

from .conftest import celery_broker, use_smtp

# A booking's email to the venue waits out its quiet hours: these tests run at noon (conftest).
pytestmark = pytest.mark.usefixtures("daytime_at_the_venues")

NOW = utc(2026, 12, 1, 9, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _book(beneficiary, stock, capture, *, execute: bool):
    with capture(execute=execute):
        return bookings.book_offer(beneficiary, stock.pk, 1)


def _outbox(booking) -> dict[str, OutboxEmail]:
    return {e.kind: e for e in OutboxEmail.objects.filter(related_id=str(booking.pk))}


# --- Queueing ---------------------------------------------------------------------------------


def test_booking_queues_one_email_to_the_pro_and_one_to_the_beneficiary(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    outbox = _outbox(booking)
    assert set(outbox) == {"booking_confirmed_pro", "booking_confirmed_beneficiary"}
    pro, young = outbox["booking_confirmed_pro"], outbox["booking_confirmed_beneficiary"]
    assert pro.to == [stock.offer.venue.booking_email]
    assert pro.reply_to == [beneficiary.email]
    assert young.to == [beneficiary.email]
    assert all(e.status == EmailStatus.PENDING and e.attempts == 0 for e in outbox.values())
    assert all(e.related_type == "bookings.booking" for e in outbox.values())
    # Built by the sender, after the commit (decision 0039): the QR code is attached then.
    services.deliver_email(young.pk)
    young.refresh_from_db()
    assert [a["content_type"] for a in young.attachments] == ["image/png"]


def test_emails_roll_back_with_the_booking(beneficiary, stock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        bookings.book_offer(beneficiary, stock.pk, 1)
        raise RuntimeError("the caller's transaction fails after booking")
    assert not Booking.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert callbacks == []


def test_nothing_is_sent_before_the_commit(beneficiary, stock, no_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bookings.book_offer(beneficiary, stock.pk, 1)
    assert mail.outbox == []
    # One hook after the commit for both emails (decision 0040); it sends both.
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 2


def test_cancellation_queues_an_email_to_both_sides(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    OutboxEmail.objects.all().delete()
    bookings.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    outbox = _outbox(booking)
    assert set(outbox) == {"booking_cancelled_pro", "booking_cancelled_beneficiary"}
    assert "le bénéficiaire" in outbox["booking_cancelled_pro"].text_body


def test_expiry_job_queues_the_reminder_seven_days_before_expiry(beneficiary):
    stock = ThingStockFactory()
    with time_machine.travel(NOW, tick=False):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
    OutboxEmail.objects.all().delete()
    bookings.expire_bookings(at=NOW + dt.timedelta(days=23))
    reminder = OutboxEmail.objects.get()
    assert reminder.kind == "booking_expiry_reminder"
    assert reminder.to == [beneficiary.email]
    assert reminder.related_id == str(booking.pk)


# --- Delivery without a broker -------------------------------------------------------------------


def test_without_broker_emails_are_sent_right_after_commit(
    beneficiary, stock, no_broker, clock, django_capture_on_commit_callbacks
):
    booking = _book(beneficiary, stock, django_capture_on_commit_callbacks, execute=True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [beneficiary.email, stock.offer.venue.booking_email]
    )
    for row in _outbox(booking).values():
        assert row.status == EmailStatus.SENT
        assert row.sent_at == NOW
        assert row.attempts == 1


def test_booking_succeeds_when_the_mail_server_is_down(
    beneficiary, stock, no_broker, smtp_down, clock, django_capture_on_commit_callbacks
):
    booking = _book(beneficiary, stock, django_capture_on_commit_callbacks, execute=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    for row in _outbox(booking).values():
        assert row.status == EmailStatus.PENDING
        assert row.attempts == 1
        assert row.next_attempt_at == NOW + dt.timedelta(minutes=1)
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()


def test_a_failed_email_is_retried_after_its_backoff_and_delivered(
    settings, beneficiary, stock, no_broker, smtp_down, clock, django_capture_on_commit_callbacks, smtp_server
):
    _book(beneficiary, stock, django_capture_on_commit_callbacks, execute=True)
    use_smtp(settings, smtp_server.port)  # the mail server is back
    assert services.deliver_due_emails(at=NOW + dt.timedelta(seconds=59))["sent"] == 0
    result = services.deliver_due_emails(at=NOW + dt.timedelta(minutes=1))
    assert result == {"sent": 2, "retried": 0, "failed": 0, "skipped": 0}
    assert len(smtp_server.envelopes) == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {2}


def test_backoff_doubles_from_one_minute_up_to_one_hour():
    delays = [services.backoff(attempts) for attempts in range(1, 10)]
    assert delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_retries_follow_the_backoff(beneficiary, stock, smtp_down, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_beneficiary"]
    at, waits = NOW, []
    for _ in range(4):
        services.deliver_email(row.pk, at=at)
        row.refresh_from_db()
        waits.append(row.next_attempt_at - at)
        at = row.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_an_email_fails_for_good_after_the_maximum_attempts(settings, beneficiary, stock, smtp_down, clock):
    settings.EMAIL_MAX_ATTEMPTS = 3
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_beneficiary"]
    outcomes = []
    for _ in range(3):
        outcomes.append(services.deliver_email(row.pk, at=row.next_attempt_at))
        row.refresh_from_db()
    assert outcomes == ["retried", "retried", "failed"]
    assert row.status == EmailStatus.FAILED
    assert row.attempts == 3
    assert services.deliver_due_emails(at=NOW + dt.timedelta(days=1))["sent"] == 0


def test_a_mail_server_outage_stops_the_batch_without_counting_attempts_on_the_others(
    beneficiary, stock, smtp_down, clock
):
    bookings.book_offer(beneficiary, stock.pk, 1)
    result = services.deliver_due_emails()
    assert result == {"sent": 0, "retried": 1, "failed": 0, "skipped": 0}
    assert sorted(OutboxEmail.objects.values_list("attempts", flat=True)) == [0, 1]


def test_runjobs_delivers_the_due_emails(beneficiary, stock):
    bookings.book_offer(beneficiary, stock.pk, 1)
    outcome = run_job(get_job("deliver_emails"), force=True)
    assert outcome["status"] == "ok"
    assert outcome["sent"] == 2
    assert len(mail.outbox) == 2


# --- No double sending ---------------------------------------------------------------------------


def test_an_email_is_claimed_once(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_pro"]
    assert services.claim(row.pk, NOW) is True
    assert services.claim(row.pk, NOW) is False


def test_an_email_being_sent_elsewhere_is_skipped(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_pro"]
    services.claim(row.pk, NOW)  # a worker holds it
    assert services.deliver_email(row.pk) == "skipped"
    assert services.deliver_due_emails()["sent"] == 1  # only the other one
    assert [m.to for m in mail.outbox] == [[beneficiary.email]]


def test_a_claim_abandoned_by_a_crashed_sender_is_taken_again_after_the_lease(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_pro"]
    services.claim(row.pk, NOW)  # the sender dies here
    lease_end = NOW + services.CLAIM_LEASE
    early = lease_end - services.CLOCK_SKEW_TOLERANCE - dt.timedelta(seconds=1)
    assert services.deliver_email(row.pk, at=early) == "skipped"
    assert services.deliver_email(row.pk, at=lease_end) == "sent"
    row.refresh_from_db()
    assert row.attempts == 2


def test_a_worker_whose_clock_is_slightly_behind_still_sends_a_fresh_email(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)  # stamped with the web server's clock
    row = _outbox(booking)["booking_confirmed_pro"]
    assert services.deliver_email(row.pk, at=NOW - dt.timedelta(seconds=5)) == "sent"


@pytest.mark.postgres_only
# serialized_rollback: the closing flush would otherwise also erase the credit policies seeded by migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_senders_send_each_email_exactly_once():
    # Rows written directly: through a service, the after-commit delivery would send them at once.
    for number in range(20):
        OutboxEmail.objects.create(
            kind="test",
            to=[f"jeune{number}@example.com"],
            subject="Test",
            text_body="Bonjour",
            headers={"Message-ID": f"<test-{number}@passculture.local>"},
            next_attempt_at=utc(2026, 1, 1),
        )
    barrier = threading.Barrier(4)
    results, errors = [], []

    def sender():
        try:
            barrier.wait(timeout=10)
            results.append(services.deliver_due_emails())
        except Exception as error:  # surfaced below: a thread's exception would be lost otherwise
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r["sent"] for r in results) == 20
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == len(set(message_ids)) == 20


# --- Broker ------------------------------------------------------------------------------------


def test_booking_succeeds_and_emails_wait_for_runjobs_when_the_broker_is_down(
    settings, beneficiary, stock, closed_port, clock, django_capture_on_commit_callbacks
):
    with celery_broker(settings, f"redis://127.0.0.1:{closed_port}/0"):
        booking = _book(beneficiary, stock, django_capture_on_commit_callbacks, execute=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert mail.outbox == []
    assert [(e.status, e.attempts) for e in _outbox(booking).values()] == [(EmailStatus.PENDING, 0)] * 2
    assert services.deliver_due_emails()["sent"] == 2


# --- A real SMTP server ----------------------------------------------------------------------


def test_delivery_through_a_real_smtp_server(settings, beneficiary, stock, smtp_server):
    use_smtp(settings, smtp_server.port)
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    assert services.deliver_due_emails()["sent"] == 2
    received = {}
    for envelope in smtp_server.envelopes:
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        received[message["To"]] = (envelope, message)
    venue_email = stock.offer.venue.booking_email

    envelope, pro = received[venue_email]
    assert envelope.rcpt_tos == [venue_email]
    assert pro["Subject"] == f"Nouvelle réservation : {stock.offer.name} ({booking.token})"
    assert pro["Reply-To"] == beneficiary.email
    assert pro["From"] == settings.DEFAULT_FROM_EMAIL
    text = pro.get_body(("plain",)).get_content()
    html = pro.get_body(("html",)).get_content()
    assert beneficiary.phone_number in text
    assert beneficiary.email in html
    assert booking.token in text and booking.token in html

    _, young = received[beneficiary.email]
    assert young["Subject"] == f"Votre réservation est confirmée : {stock.offer.name}"
    assert young["Reply-To"] is None
    html_part = young.get_body(("html",))
    assert booking.token in young.get_body(("plain",)).get_content()
    [image] = [part for part in young.walk() if part.get_content_type() == "image/png"]
    content_id = image["Content-ID"].strip("<>")
    assert f"cid:{content_id}" in html_part.get_content()
    assert image.get_content().startswith(b"\x89PNG")
    assert young.get_content_type() == "multipart/related"


# --- Sensitive emails (sign-in links) --------------------------------------------------------------


def _password_reset_email() -> OutboxEmail:
    from passculture.core.notifications import account_builders

    content = account_builders.password_reset(
        email="pro@example.com",
        first_name="Claire",
        link="https://pro.example/reinitialiser/abc/secret-token/",
    )
    return services.queue_built(content)


def test_a_password_reset_email_is_flagged_sensitive(db):
    assert _password_reset_email().is_sensitive is True


def test_a_sensitive_email_is_sent_with_its_link_then_redacted_in_the_outbox(db, clock):
    row = _password_reset_email()

    assert services.deliver_email(row.pk) == "sent"

    assert "secret-token" in mail.outbox[0].body
    assert "secret-token" in mail.outbox[0].alternatives[0][0]
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT
    assert "secret-token" not in row.text_body + row.html_body
    assert row.text_body == REDACTED_BODY


def test_a_sensitive_email_keeps_its_link_while_it_may_still_be_retried(db, smtp_down, clock):
    row = _password_reset_email()

    assert services.deliver_email(row.pk) == "retried"

    row.refresh_from_db()
    assert "secret-token" in row.text_body


def test_a_sensitive_email_that_failed_for_good_is_redacted(settings, db, smtp_down, clock):
    settings.EMAIL_MAX_ATTEMPTS = 1
    row = _password_reset_email()

    assert services.deliver_email(row.pk) == "failed"

    row.refresh_from_db()
    assert "secret-token" not in row.text_body + row.html_body


def test_an_ordinary_email_keeps_its_bodies_once_sent(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    row = _outbox(booking)["booking_confirmed_beneficiary"]

    services.deliver_email(row.pk)

    row.refresh_from_db()
    assert (row.status, row.text_body) == (EmailStatus.SENT, mail.outbox[0].body)
    assert booking.token in row.text_body


# --- Quiet hours (issue 16 point 7) --------------------------------------------------------------


def _queue_quiet(tz_name):
    return services.queue_email(
        kind="test_quiet", to=["jeune@example.com"], subject="Un mot", text_body="Bonjour", quiet_in=tz_name
    )


@pytest.mark.django_db
def test_an_email_queued_in_quiet_hours_waits_until_08_00_local(
    no_broker, django_capture_on_commit_callbacks
):
    with time_machine.travel(utc(2026, 12, 11, 22, 30), tick=False):  # 23:30 in Paris
        with django_capture_on_commit_callbacks(execute=True):
            row = _queue_quiet("Europe/Paris")
        row.refresh_from_db()
        assert row.status == EmailStatus.PENDING and not mail.outbox
        assert row.next_attempt_at == utc(2026, 12, 12, 7, 0)
        assert services.deliver_due_emails()[services.SENT] == 0
    assert services.deliver_due_emails(at=utc(2026, 12, 12, 7, 0))[services.SENT] == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_quiet_hours_are_the_recipients_local_ones(no_broker, django_capture_on_commit_callbacks):
    # 19:30 UTC is 23:30 at La Réunion, 20:30 in Paris.
    at = utc(2026, 12, 11, 19, 30)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        reunion = _queue_quiet("Indian/Reunion")
        paris = _queue_quiet("Europe/Paris")
    reunion.refresh_from_db()
    paris.refresh_from_db()
    assert reunion.next_attempt_at == utc(2026, 12, 12, 4, 0) and reunion.status == EmailStatus.PENDING
    assert paris.status == EmailStatus.SENT


@pytest.mark.django_db
def test_a_deferred_email_is_not_enqueued_on_the_broker(settings, django_capture_on_commit_callbacks):
    settings.CELERY_BROKER_URL = "memory://"
    target = "passculture.core.notifications.tasks.deliver_email.apply_async"
    with mock.patch(target) as enqueue, time_machine.travel(utc(2026, 12, 11, 22, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _queue_quiet("Europe/Paris")
        enqueue.assert_not_called()
        with django_capture_on_commit_callbacks(execute=True):
            services.queue_email(
                kind="test_now", to=["jeune@example.com"], subject="Un mot", text_body="Bonjour"
            )
        enqueue.assert_called_once()
