"""Reminders before a credit expires (90, 30, 7 days): which one is due, and the job that sends each
once per deposit and threshold, in the person's daytime, with films near them (decision 0033)."""

import datetime as dt

import pytest
import time_machine

from passculture.core.common.money import format_euros
from passculture.core.credit import reminders
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import CreditPolicy, CreditReminder
from passculture.core.jobs.schedule import get_job
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.core.bookings.test_concurrency import run_concurrently

NOW = utc(2026, 12, 7, 10, 0)  # 11:00 in Paris, 14:00 in La Réunion, 07:00 in Cayenne
DAY = dt.timedelta(days=1)


def _reminders():
    return OutboxEmail.objects.filter(kind="credit_expiry_reminder")


def _deposit(left_days: int, *, spent: int = 120_00, **user):
    """A 300 EUR credit ending `left_days` days after NOW (same time of day)."""
    person = UserFactory(first_name="Léa", email=user.pop("email", "lea@example.com"), **user)
    return DepositFactory(
        user=person,
        spent_cents=spent,
        granted_at=NOW - dt.timedelta(days=700),
        expires_at=NOW + left_days * DAY,
    )


# --- The rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "due"),
    [
        (120, None),
        (91, None),
        (90, 90),
        (31, 90),
        (30, 30),
        (20, 30),
        (8, 30),
        (7, 7),
        (1, 7),
        (0, 7),
        (-1, None),
    ],
)
def test_the_most_urgent_threshold_reached_is_due(left, due):
    assert reminders.due_threshold(left) == due


def test_days_are_counted_on_the_person_calendar():
    expires = utc(2027, 1, 6, 23, 30)  # 00:30 on the 7th in Paris, 20:30 on the 6th in Cayenne
    assert reminders.days_left(expires, NOW, "Europe/Paris") == 31
    assert reminders.days_left(expires, NOW, "America/Cayenne") == 30
    assert reminders.days_left(expires, NOW, "Indian/Reunion") == 31


# --- The job --------------------------------------------------------------------------------------


def test_the_job_sends_the_30_day_reminder_once_even_run_twice(db):
    deposit = _deposit(30)
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 1}
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 0}
    assert reminders.send_credit_reminders(at=NOW + DAY) == {"sent": 0}
    (email,) = _reminders()
    assert email.to == ["lea@example.com"]
    assert email.related_id == str(deposit.pk)
    assert f"Il vous reste {format_euros(180_00)}" in email.text_body
    (claim,) = CreditReminder.objects.all()
    assert (claim.deposit_id, claim.days_before, claim.remaining_cents) == (deposit.pk, 30, 180_00)


def test_each_threshold_is_sent_in_turn(db):
    deposit = _deposit(95)
    expires = deposit.expires_at
    sent = []
    for left in range(95, -1, -1):
        at = expires - left * DAY
        sent.append(reminders.send_credit_reminders(at=at)["sent"])
        reminders.send_credit_reminders(at=at + dt.timedelta(hours=1))  # a second run the same day
    assert sum(sent) == 3
    assert sorted(CreditReminder.objects.values_list("days_before", flat=True)) == [7, 30, 90]


def test_a_job_that_missed_the_day_catches_up_with_the_most_urgent_only(db):
    deposit = _deposit(20)
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 1}
    assert list(CreditReminder.objects.values_list("days_before", flat=True)) == [30]
    # The 90-day one is never sent afterwards, the 7-day one is.
    assert reminders.send_credit_reminders(at=NOW + 2 * DAY) == {"sent": 0}
    assert reminders.send_credit_reminders(at=deposit.expires_at - 5 * DAY) == {"sent": 1}
    assert sorted(CreditReminder.objects.values_list("days_before", flat=True)) == [7, 30]


def test_nothing_before_90_days(db):
    _deposit(91)
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 0}


def test_nothing_when_the_credit_is_spent_expired_or_unwanted(db):
    _deposit(30, spent=300_00, email="spent@example.com")
    gone = _deposit(30, email="expired@example.com")
    gone.expires_at = NOW - dt.timedelta(minutes=1)
    gone.save()
    _deposit(30, email="nope@example.com", wants_credit_reminders=False)
    _deposit(30, email="left@example.com", is_active=False)
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 0}
    assert not _reminders().exists()
    assert not CreditReminder.objects.exists()


@pytest.mark.parametrize(
    ("postal_code", "quiet_at", "day_at"),
    [
        ("75011", utc(2026, 12, 7, 22, 30), utc(2026, 12, 8, 7, 0)),  # 23:30 / 08:00 in Paris
        ("97400", utc(2026, 12, 7, 19, 30), utc(2026, 12, 8, 4, 0)),  # 23:30 / 08:00 in La Réunion
        ("97300", utc(2026, 12, 8, 2, 30), utc(2026, 12, 8, 11, 0)),  # 23:30 / 08:00 in Cayenne
    ],
)
def test_nothing_during_the_person_quiet_hours(db, postal_code, quiet_at, day_at):
    _deposit(30, postal_code=postal_code, city="")
    assert reminders.send_credit_reminders(at=quiet_at) == {"sent": 0}
    assert reminders.send_credit_reminders(at=day_at - dt.timedelta(minutes=1)) == {"sent": 0}
    with time_machine.travel(day_at, tick=False):
        assert reminders.send_credit_reminders(at=day_at) == {"sent": 1}
    (email,) = _reminders()
    assert email.next_attempt_at == day_at


def test_two_credits_ending_together_make_one_email_with_their_total(db):
    first = _deposit(30, spent=50_00)
    policy = CreditPolicy.objects.create(
        code="TEST_17", label="Test 17 ans", age=17, valid_from=dt.date(2025, 1, 1), amount_cents=50_00,
        expires_at_age=21,
    )  # fmt: skip
    DepositFactory(
        user=first.user, policy=policy, amount_cents=50_00, spent_cents=0, granted_at=first.granted_at,
        expires_at=first.expires_at,
    )  # fmt: skip
    assert reminders.send_credit_reminders(at=NOW) == {"sent": 1}
    (email,) = _reminders()
    assert f"Il vous reste {format_euros(300_00)}" in email.text_body  # 250 + 50
    assert CreditReminder.objects.count() == 2
    assert reminders.send_credit_reminders(at=NOW + DAY) == {"sent": 0}


def test_the_reminder_names_films_showing_near_the_person_this_week(db, settings):
    settings.PUBLIC_BASE_URL = "https://pass.example.org"
    near = VenueFactory(name="Ciné Voltaire", latitude="48.858000", longitude="2.379000")
    far = VenueFactory(
        name="Ciné Bellecour", postal_code="69002", city="Lyon", latitude="45.757", longitude="4.832"
    )
    titles = ["Le Grand Bleu", "Amélie", "La Haine", "Playtime"]
    stocks = [
        StockFactory(offer__venue=near, offer__name=title, beginning_datetime=NOW + (i + 1) * DAY)
        for i, title in enumerate(titles)
    ]
    StockFactory(offer__venue=far, offer__name="Loin d'ici", beginning_datetime=NOW + DAY)
    StockFactory(offer__venue=near, offer__name="Trop tard", beginning_datetime=NOW + 20 * DAY)
    _deposit(30)
    with time_machine.travel(NOW, tick=False):
        reminders.send_credit_reminders(at=NOW)
    (email,) = _reminders()
    shown = [title for title in titles if title in email.text_body]
    assert shown == titles[:3]  # at most three, soonest first at the one cinema
    assert "Loin d'ici" not in email.text_body and "Trop tard" not in email.text_body
    assert f"https://pass.example.org/offres/{stocks[0].offer.pk}/" in email.text_body
    assert "Ciné Voltaire" in email.html_body


def test_the_job_is_in_the_schedule():
    job = get_job("credit_reminders")
    assert job.load() is reminders.send_credit_reminders
    assert job.every <= dt.timedelta(hours=1)


# --- Two runs at once, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_send_each_reminder_once():
    for n in range(5):
        _deposit(30, email=f"young{n}@example.com")
    outcomes = run_concurrently([lambda: reminders.send_credit_reminders(at=NOW)] * 2)
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert sum(o.value["sent"] for o in outcomes) == 5
    assert _reminders().count() == 5
    assert CreditReminder.objects.count() == 5
