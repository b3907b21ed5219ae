"""Pushes about the credit: granted (identity approved), and about to expire (the reminder job), decrypted
by a local push service; quiet hours in the person's timezone; the job run twice pushes once."""

import datetime as dt

import pytest
import time_machine

from passculture.core.credit import reminders
from passculture.core.credit.factories import DepositFactory
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.services import approve_identity_check
from passculture.core.notifications import push, push_delivery
from passculture.core.notifications.models import OutboxPush
from passculture.core.users.factories import StaffFactory, UserFactory
from passculture.core.users.notification_preferences import Topic, set_preference
from tests.conftest import utc
from tests.push_service import LocalPushService, use_web_push

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 7, 10, 0)  # 11:00 in Paris, 14:00 in La Réunion


@pytest.fixture
def push_service(settings):
    keys = use_web_push(settings)
    with LocalPushService() as service:
        service.key = keys.public_key
        yield service


def _device(push_service, user):
    data = push_service.subscribe(f"u{user.pk}", push_service.key).as_json()
    push.subscribe(user, endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"])
    return f"u{user.pk}"


def _expiring(left_days: int, **user_fields):
    user = UserFactory(first_name="Léa", **user_fields)
    return DepositFactory(
        user=user,
        spent_cents=120_00,
        granted_at=NOW - dt.timedelta(days=700),
        expires_at=NOW + dt.timedelta(days=left_days),
    )


def test_the_credit_reminder_job_pushes_with_its_email_once(push_service, django_capture_on_commit_callbacks):
    deposit = _expiring(30, postal_code="97400", city="Saint-Denis")  # La Réunion
    name = _device(push_service, deposit.user)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_credit_reminders(at=NOW) == {"sent": 1}
        assert reminders.send_credit_reminders(at=NOW) == {"sent": 0}
    [received] = push_service.messages_for(name)
    assert received == {
        "title": "Ton crédit expire dans 30 jours",
        # 300 € granted, 120 € spent.
        "body": "Il te reste 180 € à dépenser jusqu'au 6 janvier 2027. Trouve une séance près de chez toi.",
        "url": "/credit/",
        "tag": f"credit_expiry_reminder-{deposit.pk}",
    }


def test_no_credit_push_when_the_person_turned_credit_reminders_off(push_service):
    deposit = _expiring(30)
    _device(push_service, deposit.user)
    set_preference(deposit.user, Topic.CREDIT_REMINDERS, False)
    with time_machine.travel(NOW, tick=False):
        reminders.send_credit_reminders(at=NOW)
    assert not OutboxPush.objects.exists()


@pytest.mark.parametrize(
    ("approved_at", "sent_at"),
    [
        (utc(2026, 12, 7, 10, 0), utc(2026, 12, 7, 10, 0)),  # 11:00 in Paris: at once
        (utc(2026, 12, 7, 22, 30), utc(2026, 12, 8, 7, 0)),  # 23:30 in Paris: 08:00 the next morning
    ],
)
def test_an_approved_identity_pushes_the_credit_outside_quiet_hours(
    approved_at, sent_at, push_service, django_capture_on_commit_callbacks
):
    user = UserFactory(birth_date=dt.date(2008, 1, 10), postal_code="75011", city="Paris")
    check = IdentityCheckFactory(user=user)
    name = _device(push_service, user)
    with time_machine.travel(approved_at, tick=False) as traveller:
        with django_capture_on_commit_callbacks(execute=True):
            approved = approve_identity_check(check, StaffFactory())
        if sent_at > approved_at:
            assert not push_service.messages
            traveller.move_to(sent_at)
            assert push_delivery.deliver_due_pushes()["sent"] == 1
    [received] = push_service.messages_for(name)
    assert received["title"] == "Ton crédit pass Culture est là"
    assert approved.deposit.amount_cents == 300_00
    assert received["body"] == "300 € à dépenser au cinéma, jusqu'au 7 décembre 2028."
    assert OutboxPush.objects.get().sent_at == sent_at
