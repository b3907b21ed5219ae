"""The production path: booking -> commit -> Celery task on Redis -> a real worker sends the email."""

import signal
import threading
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from passculture.core.bookings import services as bookings
from passculture.core.notifications import services, tasks
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from tests.conftest import utc
from tests.helpers import redis_answers

from .conftest import celery_broker

# A booking's email to the venue waits out its quiet hours: these tests run at noon (conftest).
pytestmark = pytest.mark.usefixtures("daytime_at_the_venues")

NOW = utc(2026, 12, 1, 9, 0)

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 13
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
WAIT_SECONDS = 60  # generous: a deadline against hangs, not a performance assertion


def _delete_queue_keys(queue: str) -> None:
    """Leaves the shared Redis database as found: the queue and kombu's binding sets for it."""
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))  # the name holds a fresh UUID
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def _hard_deadline(seconds: int):
    """Interrupts the test (instead of hanging CI) if the worker never starts or never stops."""

    def interrupt(signum, frame):
        raise TimeoutError(f"the Celery worker test did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_deliver_email_task_sends_a_pending_email(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    email = OutboxEmail.objects.filter(related_id=str(booking.pk), kind="booking_confirmed_beneficiary").get()
    assert tasks.deliver_email.apply(args=(email.pk,)).get() == "sent"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [[beneficiary.email]]


def test_deliver_email_task_skips_an_email_already_sent(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    email = OutboxEmail.objects.filter(related_id=str(booking.pk)).first()
    services.deliver_email(email.pk)
    assert tasks.deliver_email.apply(args=(email.pk,)).get() == "skipped"
    assert len(mail.outbox) == 1


def test_the_batch_task_sends_each_email_of_a_booking(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    ids = sorted(OutboxEmail.objects.filter(related_id=str(booking.pk)).values_list("pk", flat=True))
    services.deliver_email(ids[0])  # sent meanwhile (runjobs): skipped, the other still sent
    assert tasks.deliver_email_batch.apply(args=(ids,)).get() == ["skipped", "sent"]
    assert set(OutboxEmail.objects.filter(pk__in=ids).values_list("status", flat=True)) == {EmailStatus.SENT}
    assert len(mail.outbox) == 2


def test_the_batch_task_retries_each_failed_email_on_its_own(beneficiary, stock, smtp_down):
    with time_machine.travel(NOW, tick=False):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
        ids = sorted(OutboxEmail.objects.filter(related_id=str(booking.pk)).values_list("pk", flat=True))
        with mock.patch.object(tasks.deliver_email, "apply_async") as enqueue:
            assert tasks.deliver_email_batch(ids) == ["retried", "retried"]
    assert [c.args[0] for c in enqueue.call_args_list] == [(ids[0],), (ids[1],)]
    assert {c.kwargs["countdown"] for c in enqueue.call_args_list} == {60}
    assert list(OutboxEmail.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == [1, 1]


@pytest.mark.redis
# serialized_rollback: the closing flush would otherwise also erase the credit policies seeded by migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_celery_worker_on_redis_delivers_the_booking_emails(settings, beneficiary, stock):
    if not redis_answers(REDIS_HOST, REDIS_PORT):
        pytest.skip(
            f"needs a Redis server at {REDIS_HOST}:{REDIS_PORT} (the production broker); start redis-server"
        )
    # A queue of our own: parallel test runs sharing this Redis database never take each other's tasks.
    queue = f"passculture-test-{uuid.uuid4().hex}"
    finished: list[str] = []
    all_done = threading.Event()

    def on_task_done(sender=None, retval=None, **kwargs):
        # A booking's two emails travel in one message (decision 0040): one batch task sends both.
        if sender is not None and sender.name in (tasks.deliver_email.name, tasks.deliver_email_batch.name):
            finished.extend(retval if isinstance(retval, list) else [retval])
            if len(finished) >= 2:
                all_done.set()
        # The worker thread's own database connection must not outlive the test (DROP DATABASE).
        connections.close_all()

    task_postrun.connect(on_task_done, weak=False)
    try:
        with (
            _hard_deadline(WAIT_SECONDS + 30),
            celery_broker(settings, REDIS_URL, queue=queue) as app,
            start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=15),
        ):
            try:
                booking = bookings.book_offer(beneficiary, stock.pk, 1)  # commits: enqueued after commit
                assert all_done.wait(timeout=WAIT_SECONDS), f"the worker finished only {finished}"
            finally:
                _delete_queue_keys(queue)
    finally:
        task_postrun.disconnect(on_task_done)

    assert sorted(finished) == ["sent", "sent"]
    rows = OutboxEmail.objects.filter(related_id=str(booking.pk))
    assert {row.status for row in rows} == {EmailStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [beneficiary.email, stock.offer.venue.booking_email]
    )


def test_the_worker_retries_on_the_outbox_backoff(beneficiary, stock, smtp_down):
    with time_machine.travel(NOW, tick=False):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
        email = OutboxEmail.objects.filter(related_id=str(booking.pk)).first()
        with (
            mock.patch.object(tasks.deliver_email, "retry", side_effect=Retry) as retry,
            pytest.raises(Retry),
        ):
            tasks.deliver_email(email.pk)
    assert retry.call_args.kwargs["countdown"] == 60
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.PENDING, 1)
