"""Web push end to end against a local push service that speaks the protocol and decrypts (RFC 8291):
what the device receives, removal on 404/410, retries on 5xx, quiet hours, jobs run twice."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings

from passculture.core.bookings import changes
from passculture.core.bookings import services as bookings
from passculture.core.bookings.reminders import send_show_reminders
from passculture.core.notifications import push, push_delivery, tasks
from passculture.core.notifications.models import EmailStatus, OutboxPush, PushSubscription
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import TEST_PASSWORD
from passculture.core.users.notification_preferences import Topic, set_preference
from passculture.core.users.services import anonymise_deleted_accounts, request_account_deletion
from tests.conftest import utc
from tests.push_service import LocalPushService, use_web_push

NOW = utc(2026, 12, 1, 9, 0)  # 10:00 in Paris, 13:00 in La Réunion


@pytest.fixture
def vapid(settings):
    return use_web_push(settings)


@pytest.fixture
def push_service(vapid):
    with LocalPushService() as service:
        yield service


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _device(push_service, user, name="phone"):
    subscriber = push_service.subscribe(name, settings.VAPID_PUBLIC_KEY)
    data = subscriber.as_json()
    push.subscribe(user, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"])
    return subscriber


def _pushes(**filters):
    return list(OutboxPush.objects.filter(**filters).order_by("id"))


def test_a_booking_pushes_its_confirmation_at_once_decrypted_by_the_device(
    beneficiary, venue, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    stock = StockFactory(
        offer__venue=venue, offer__name="Le Voyage de Chihiro", beginning_datetime=utc(2026, 12, 6, 9, 0)
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
    [received] = push_service.messages
    assert not push_service.rejections
    assert received.data == {
        "title": "Réservation confirmée",
        "body": f"Le Voyage de Chihiro, dimanche 6 décembre 2026 à 10h00, {booking.venue.display_name}. "
        f"Ta contremarque : {booking.token}.",
        "url": f"/reservations/{booking.pk}/",
        "tag": f"booking_confirmed-{booking.pk}",
    }
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == "mailto:support@passculture.local"
    assert received.ttl == 12 * 3600
    [row] = _pushes(kind="booking_confirmed")
    assert row.status == EmailStatus.SENT
    assert PushSubscription.objects.get().last_success_at == NOW


def test_every_device_of_the_person_gets_the_message(
    beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary, "phone")
    _device(push_service, beneficiary, "laptop")
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_offer(beneficiary, stock.pk, 1)
    assert len(push_service.messages_for("phone")) == len(push_service.messages_for("laptop")) == 1


def test_no_device_no_push_queued(beneficiary, stock, vapid, clock):
    bookings.book_offer(beneficiary, stock.pk, 1)
    assert not OutboxPush.objects.exists()


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_forgot_is_deleted(
    status, beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    push_service.answer("phone", status)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_offer(beneficiary, stock.pk, 1)
    assert not PushSubscription.objects.exists()
    [row] = _pushes()
    assert row.status == EmailStatus.FAILED
    assert str(status) in row.last_error
    assert not push_service.messages


def test_a_server_error_is_retried_after_its_backoff_then_delivered(
    beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    push_service.answer("phone", 500, 503)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_offer(beneficiary, stock.pk, 1)
    [row] = _pushes()
    assert (row.status, row.attempts, row.next_attempt_at) == (
        EmailStatus.PENDING,
        1,
        NOW + dt.timedelta(minutes=1),
    )
    # Not due yet: the job leaves it.
    assert push_delivery.deliver_due_pushes(NOW + dt.timedelta(seconds=59))["retried"] == 0
    clock.move_to(NOW + dt.timedelta(minutes=1))
    assert push_delivery.deliver_due_pushes()["retried"] == 1
    row.refresh_from_db()
    assert row.next_attempt_at == NOW + dt.timedelta(minutes=1 + 2)
    clock.move_to(row.next_attempt_at)
    assert push_delivery.deliver_due_pushes()["sent"] == 1
    assert [status for _, status in push_service.requests] == [500, 503, 201]
    assert len(push_service.messages) == 1
    assert PushSubscription.objects.exists()


def test_a_push_gives_up_after_the_maximum_attempts(
    settings, beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    settings.WEB_PUSH_MAX_ATTEMPTS = 2
    _device(push_service, beneficiary)
    push_service.answer("phone", 500, 500, 500)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_offer(beneficiary, stock.pk, 1)
    clock.move_to(NOW + dt.timedelta(minutes=1))
    assert push_delivery.deliver_due_pushes()["failed"] == 1
    assert _pushes()[0].status == EmailStatus.FAILED
    clock.move_to(NOW + dt.timedelta(hours=2))
    assert push_delivery.deliver_due_pushes() == {
        "sent": 0,
        "retried": 0,
        "failed": 0,
        "gone": 0,
        "skipped": 0,
    }


def test_a_refused_request_fails_at_once(
    beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    push_service.answer("phone", 400)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_offer(beneficiary, stock.pk, 1)
    assert _pushes()[0].status == EmailStatus.FAILED
    assert PushSubscription.objects.exists()


def test_the_delivery_job_run_twice_sends_once(beneficiary, stock, push_service, clock):
    _device(push_service, beneficiary)
    bookings.book_offer(beneficiary, stock.pk, 1)  # on_commit not run: left to the job
    assert push_delivery.deliver_due_pushes()["sent"] == 1
    assert push_delivery.deliver_due_pushes()["sent"] == 0
    assert len(push_service.messages) == 1


def test_a_claimed_push_is_not_sent_by_a_second_sender(beneficiary, stock, push_service, clock):
    _device(push_service, beneficiary)
    bookings.book_offer(beneficiary, stock.pk, 1)
    [row] = _pushes()
    assert push_delivery.claim(row.pk, NOW)
    assert push_delivery.deliver_push(row.pk) == push_delivery.SKIPPED
    assert not push_service.messages


# --- Quiet hours --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "moved_at", "sent_at"),
    [
        # 23:30 in Paris: waits for 08:00 Paris (07:00 UTC).
        ("Europe/Paris", utc(2026, 12, 1, 22, 30), utc(2026, 12, 2, 7, 0)),
        # 21:59 in Paris: before quiet hours, at once.
        ("Europe/Paris", utc(2026, 12, 1, 20, 59), utc(2026, 12, 1, 20, 59)),
        # 02:00 in La Réunion (UTC+4) is 22:00 UTC the day before: waits for 08:00 there (04:00 UTC).
        ("Indian/Reunion", utc(2026, 12, 1, 22, 0), utc(2026, 12, 2, 4, 0)),
        # 10:00 in Paris is 13:00 in La Réunion: at once there.
        ("Indian/Reunion", utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 9, 0)),
    ],
)
def test_a_moved_showtime_push_waits_for_the_end_of_quiet_hours_in_the_venue_timezone(
    tz_name, moved_at, sent_at, beneficiary, push_service, django_capture_on_commit_callbacks
):
    venue = VenueFactory(timezone=tz_name)
    with time_machine.travel(utc(2026, 11, 20, 9, 0), tick=False):
        stock = StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 12, 10, 16, 0))
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
    _device(push_service, beneficiary)
    with time_machine.travel(moved_at, tick=False) as traveller:
        old_start = stock.beginning_datetime
        stock.beginning_datetime = utc(2026, 12, 11, 16, 0)
        stock.save()
        with django_capture_on_commit_callbacks(execute=True):
            changes.showtime_moved(stock, old_start=old_start)
        if sent_at > moved_at:
            [row] = _pushes(kind="showtime_moved")
            assert row.next_attempt_at == sent_at
            assert not push_service.messages
            traveller.move_to(sent_at - dt.timedelta(seconds=1))
            assert push_delivery.deliver_due_pushes()["sent"] == 0
            traveller.move_to(sent_at)
            assert push_delivery.deliver_due_pushes()["sent"] == 1
    [row] = _pushes(kind="showtime_moved")
    assert (row.status, row.sent_at) == (EmailStatus.SENT, sent_at)
    [received] = push_service.messages
    assert received.data["title"] == "Ta séance change d'horaire"
    assert received.data["url"] == f"/reservations/{booking.pk}/"
    assert "Tu peux annuler sans frais." in received.data["body"]


def test_a_booking_pushes_at_once_even_in_quiet_hours(
    beneficiary, stock, push_service, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    with (
        time_machine.travel(utc(2026, 12, 1, 23, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        bookings.book_offer(beneficiary, stock.pk, 1)
    assert len(push_service.messages) == 1


def test_a_cancellation_by_the_cinema_is_pushed_not_the_persons_own(
    beneficiary, pro, stock, push_service, clock, django_capture_on_commit_callbacks
):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    _device(push_service, beneficiary)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.cancel_booking_by_offerer(bookings.CounterActor.for_user(pro), booking.pk)
    [received] = push_service.messages
    assert received.data["title"] == "Réservation annulée par le cinéma"
    assert received.data["body"].endswith("Ton crédit t'a été rendu.")
    other = bookings.book_offer(beneficiary, StockFactory(offer__venue=stock.offer.venue).pk, 1)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.cancel_booking_by_beneficiary(beneficiary, other.pk)
    assert len(push_service.messages) == 1


# --- Show reminders -----------------------------------------------------------------------------------------


def test_the_show_reminder_job_pushes_with_the_email_once(
    beneficiary, push_service, django_capture_on_commit_callbacks
):
    venue = VenueFactory(timezone="Indian/Reunion")
    with time_machine.travel(utc(2026, 11, 20, 9, 0), tick=False):
        stock = StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 12, 10, 16, 0))  # 20:00 local
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
    _device(push_service, beneficiary)
    # Due at 10:00 local the day before: 06:00 UTC.
    with time_machine.travel(utc(2026, 12, 9, 6, 0), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert send_show_reminders() == {"sent": 1}
            assert send_show_reminders() == {"sent": 0}
        assert push_delivery.deliver_due_pushes()["sent"] == 0
    [received] = push_service.messages
    assert received.data["title"] == f"Rappel : {stock.offer.name}"
    assert received.data["body"].startswith("Ta séance est jeudi 10 décembre 2026 à 20h00")
    assert booking.token in received.data["body"]


def test_no_reminder_push_when_the_person_turned_reminders_off(beneficiary, stock, push_service):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    _device(push_service, beneficiary)
    OutboxPush.objects.all().delete()
    set_preference(beneficiary, Topic.SHOW_REMINDERS, False)
    assert push.push_show_reminder(booking) == []
    set_preference(beneficiary, Topic.SHOW_REMINDERS, True)
    assert len(push.push_show_reminder(booking)) == 1


# --- queue_push, the entry point for other messages (credit about to expire) -------------------------------


def test_queue_push_defers_in_quiet_hours_and_honours_the_topic(
    beneficiary, push_service, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    late = utc(2026, 12, 1, 21, 30)  # 22:30 in Paris
    with time_machine.travel(late, tick=False), django_capture_on_commit_callbacks(execute=True):
        [row] = push.queue_push(
            beneficiary,
            kind="credit_expiry",
            title="Ton crédit expire bientôt",
            body="Il te reste 120,00 € jusqu'au 31 décembre.",
            url="/credit/",
            topic=Topic.CREDIT_REMINDERS,
            quiet_in="Europe/Paris",
        )
    assert row.next_attempt_at == utc(2026, 12, 2, 7, 0)
    assert not push_service.messages
    set_preference(beneficiary, Topic.CREDIT_REMINDERS, False)
    assert (
        push.queue_push(beneficiary, kind="x", title="t", body="b", url="/", topic=Topic.CREDIT_REMINDERS)
        == []
    )


def test_queue_push_only_opens_paths_of_the_app(beneficiary, vapid):
    for url in ("https://example.org/", "//example.org/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            push.queue_push(beneficiary, kind="x", title="t", body="b", url=url)


# --- With a broker ------------------------------------------------------------------------------------------


def test_the_worker_task_retries_on_the_outbox_backoff(beneficiary, stock, push_service, clock):
    _device(push_service, beneficiary)
    push_service.answer("phone", 502)
    bookings.book_offer(beneficiary, stock.pk, 1)
    [row] = _pushes()
    with mock.patch.object(tasks.deliver_push, "retry", side_effect=Retry) as retry, pytest.raises(Retry):
        tasks.deliver_push(row.pk)
    assert retry.call_args.kwargs["countdown"] == 60
    assert tasks.deliver_push(row.pk) == push_delivery.SKIPPED  # not due yet
    clock.move_to(NOW + dt.timedelta(minutes=1))
    assert tasks.deliver_push(row.pk) == push_delivery.SENT
    assert len(push_service.messages) == 1


def test_with_a_broker_the_push_is_queued_as_a_task_after_commit(
    settings, beneficiary, stock, push_service, clock, django_capture_on_commit_callbacks
):
    _device(push_service, beneficiary)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with (
        mock.patch.object(tasks.deliver_push, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        bookings.book_offer(beneficiary, stock.pk, 1)
    [row] = _pushes()
    assert apply_async.call_args.args == ((row.pk,),)
    assert not push_service.messages


def test_an_anonymised_account_loses_its_devices_and_the_texts_of_its_pushes(
    beneficiary, stock, push_service, clock
):
    _device(push_service, beneficiary)
    bookings.book_offer(beneficiary, stock.pk, 1)
    assert push_delivery.deliver_due_pushes()["sent"] == 1
    push.queue_push(beneficiary, kind="later", title="Ton crédit", body="Il te reste 12 €.", url="/")
    request_account_deletion(beneficiary, TEST_PASSWORD)
    clock.move_to(NOW + dt.timedelta(days=31))
    anonymise_deleted_accounts()
    assert not PushSubscription.objects.exists()
    rows = _pushes()
    assert [(r.status, r.body) for r in rows] == [
        (EmailStatus.SENT, push.FORGOTTEN_PUSH),
        (EmailStatus.FAILED, push.FORGOTTEN_PUSH),
    ]
    assert push_delivery.deliver_due_pushes()["sent"] == 0
