"""The reminder before the show: when it is due (pure rule), and the job that sends it once."""

import datetime as dt

import pytest

from passculture.core.bookings import reminders
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.core.bookings.test_concurrency import run_concurrently

PARIS, REUNION, CAYENNE = "Europe/Paris", "Indian/Reunion", "America/Cayenne"
# A show on Saturday 12 December 2026 at 20:30 in Paris (UTC+1).
SHOW = utc(2026, 12, 12, 19, 30)


def due(begins, booked, tz=PARIS):
    return reminders.reminder_due_at(begins, booked, tz)


# --- The rule -------------------------------------------------------------------------------------


def test_booked_early_the_reminder_is_due_at_10h_local_the_day_before():
    assert due(SHOW, utc(2026, 12, 1, 9, 0)) == utc(2026, 12, 11, 9, 0)  # 10:00 in Paris


def test_booked_exactly_at_10h_the_day_before_still_gets_the_day_before_reminder():
    assert due(SHOW, utc(2026, 12, 11, 9, 0)) == utc(2026, 12, 11, 9, 0)


def test_booked_after_10h_the_day_before_the_reminder_is_3h_before_the_show():
    assert due(SHOW, utc(2026, 12, 11, 9, 1)) == SHOW - dt.timedelta(hours=3)  # 17:30 in Paris


def test_booked_within_3h_of_the_show_there_is_no_reminder():
    assert due(SHOW, SHOW - dt.timedelta(hours=3)) is None
    assert due(SHOW, SHOW - dt.timedelta(minutes=30)) is None
    assert due(SHOW, SHOW - dt.timedelta(hours=3, seconds=1)) == SHOW - dt.timedelta(hours=3)


def test_a_3h_before_time_in_quiet_hours_moves_to_8h_when_still_before_the_show():
    morning = utc(2026, 12, 12, 9, 30)  # 10:30 in Paris: 3 h before is 07:30, quiet
    assert due(morning, utc(2026, 12, 11, 12, 0)) == utc(2026, 12, 12, 7, 0)  # 08:00 in Paris


def test_a_3h_before_time_in_quiet_hours_is_skipped_when_8h_is_after_the_show():
    late = utc(2026, 12, 12, 0, 30)  # 01:30 in Paris: 3 h before is 22:30, next 08:00 is after the show
    assert due(late, utc(2026, 12, 11, 12, 0)) is None


def test_quiet_hours_are_22h_to_8h_local():
    assert not reminders.is_quiet(utc(2026, 12, 11, 20, 59), PARIS)  # 21:59
    assert reminders.is_quiet(utc(2026, 12, 11, 21, 0), PARIS)  # 22:00
    assert reminders.is_quiet(utc(2026, 12, 12, 6, 59), PARIS)  # 07:59
    assert not reminders.is_quiet(utc(2026, 12, 12, 7, 0), PARIS)  # 08:00


def test_overseas_la_reunion_uses_10h_reunion_time():
    show = utc(2026, 12, 12, 16, 30)  # 20:30 in La Réunion (UTC+4)
    assert due(show, utc(2026, 12, 1, 9, 0), REUNION) == utc(2026, 12, 11, 6, 0)  # 10:00 there


def test_overseas_cayenne_uses_10h_guiana_time():
    show = utc(2026, 12, 12, 23, 30)  # 20:30 in Cayenne (UTC-3)
    assert due(show, utc(2026, 12, 1, 9, 0), CAYENNE) == utc(2026, 12, 11, 13, 0)  # 10:00 there


def test_the_show_day_is_the_venue_local_day():
    # 01:00 on the 13th in La Réunion is still the 12th in UTC: the day before is the 12th, at 10:00.
    show = utc(2026, 12, 12, 21, 0)
    assert due(show, utc(2026, 12, 1, 9, 0), REUNION) == utc(2026, 12, 12, 6, 0)


def test_sendable_only_between_due_time_and_show_and_outside_quiet_hours():
    booked = utc(2026, 12, 1, 9, 0)
    assert not reminders.is_reminder_sendable(utc(2026, 12, 11, 8, 59), SHOW, booked, PARIS)
    assert reminders.is_reminder_sendable(utc(2026, 12, 11, 9, 0), SHOW, booked, PARIS)
    assert reminders.is_reminder_sendable(utc(2026, 12, 11, 20, 59), SHOW, booked, PARIS)
    assert not reminders.is_reminder_sendable(utc(2026, 12, 11, 21, 0), SHOW, booked, PARIS)  # 22:00
    assert reminders.is_reminder_sendable(utc(2026, 12, 12, 7, 0), SHOW, booked, PARIS)  # 08:00
    assert not reminders.is_reminder_sendable(SHOW, SHOW, booked, PARIS)


# --- The job --------------------------------------------------------------------------------------


def _reminders():
    return OutboxEmail.objects.filter(kind="show_reminder")


@pytest.fixture
def booking(db):
    user = UserFactory(email="lea@example.com", first_name="Léa")
    return BookingFactory(
        user=user, stock=StockFactory(beginning_datetime=SHOW), booked_at=utc(2026, 12, 1, 9)
    )


def test_the_job_sends_nothing_before_the_due_time(booking):
    assert reminders.send_show_reminders(at=utc(2026, 12, 11, 8, 59)) == {"sent": 0}
    assert not _reminders().exists()


def test_the_job_sends_the_reminder_once_to_the_beneficiary(booking):
    at = utc(2026, 12, 11, 9, 0)
    assert reminders.send_show_reminders(at=at) == {"sent": 1}
    assert reminders.send_show_reminders(at=at) == {"sent": 0}
    assert reminders.send_show_reminders(at=at + dt.timedelta(hours=2)) == {"sent": 0}
    (email,) = _reminders()
    assert email.to == ["lea@example.com"]
    assert email.related_id == str(booking.pk)
    booking.refresh_from_db()
    assert booking.reminder_sent_at == at


def test_the_job_waits_for_8h_when_it_runs_in_quiet_hours(db):
    morning = utc(2026, 12, 12, 9, 30)  # 10:30 in Paris
    BookingFactory(stock=StockFactory(beginning_datetime=morning), booked_at=utc(2026, 12, 11, 12, 0))
    assert reminders.send_show_reminders(at=utc(2026, 12, 12, 6, 45)) == {"sent": 0}  # 07:45
    assert reminders.send_show_reminders(at=utc(2026, 12, 12, 7, 0)) == {"sent": 1}  # 08:00


def test_a_late_booking_is_reminded_3h_before(db):
    BookingFactory(stock=StockFactory(beginning_datetime=SHOW), booked_at=utc(2026, 12, 12, 10, 0))
    assert reminders.send_show_reminders(at=SHOW - dt.timedelta(hours=3, minutes=1)) == {"sent": 0}
    assert reminders.send_show_reminders(at=SHOW - dt.timedelta(hours=3)) == {"sent": 1}


@pytest.mark.parametrize(
    ("tz", "show", "due_at"),
    [
        (REUNION, utc(2026, 12, 12, 16, 30), utc(2026, 12, 11, 6, 0)),
        (CAYENNE, utc(2026, 12, 12, 23, 30), utc(2026, 12, 11, 13, 0)),
    ],
)
def test_overseas_venues_are_reminded_at_their_own_10h(db, tz, show, due_at):
    stock = StockFactory(beginning_datetime=show, offer__venue=VenueFactory(timezone=tz))
    BookingFactory(stock=stock, booked_at=utc(2026, 12, 1, 9, 0))
    assert reminders.send_show_reminders(at=due_at - dt.timedelta(minutes=1)) == {"sent": 0}
    assert reminders.send_show_reminders(at=due_at) == {"sent": 1}


def test_nobody_is_reminded_who_turned_reminders_off(booking):
    booking.user.wants_show_reminders = False
    booking.user.save()
    assert reminders.send_show_reminders(at=utc(2026, 12, 11, 9, 0)) == {"sent": 0}


def test_cancelled_used_or_deleted_showtime_bookings_are_not_reminded(db):
    booked = utc(2026, 12, 1, 9, 0)
    BookingFactory(
        stock=StockFactory(beginning_datetime=SHOW),
        booked_at=booked,
        status=BookingStatus.CANCELLED,
        cancelled_at=booked,
        cancellation_reason=CancellationReason.BENEFICIARY,
    )
    BookingFactory(
        stock=StockFactory(beginning_datetime=SHOW),
        booked_at=booked,
        status=BookingStatus.USED,
        used_at=booked,
    )
    BookingFactory(stock=StockFactory(beginning_datetime=SHOW, is_deleted=True), booked_at=booked)
    assert reminders.send_show_reminders(at=utc(2026, 12, 11, 9, 0)) == {"sent": 0}


def test_things_without_a_show_are_not_reminded(db):
    from passculture.core.offers.factories import ThingStockFactory

    BookingFactory(stock=ThingStockFactory(), booked_at=utc(2026, 12, 1, 9, 0))
    assert reminders.send_show_reminders(at=utc(2026, 12, 11, 9, 0)) == {"sent": 0}


def test_the_job_is_in_the_schedule():
    from passculture.core.jobs.schedule import get_job

    assert get_job("show_reminders").load() is reminders.send_show_reminders


# --- Two runs at once, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_send_the_reminder_once():
    stocks = [StockFactory(beginning_datetime=SHOW) for _ in range(5)]
    for stock in stocks:
        BookingFactory(stock=stock, booked_at=utc(2026, 12, 1, 9, 0))
    at = utc(2026, 12, 11, 9, 0)
    outcomes = run_concurrently([lambda: reminders.send_show_reminders(at=at)] * 2)
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert sum(o.value["sent"] for o in outcomes) == 5
    assert _reminders().count() == 5
