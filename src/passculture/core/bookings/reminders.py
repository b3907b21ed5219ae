"""The reminder email before a booked show (issue 16 point 1, decision 0031).

Rule (`reminder_due_at`), all hours in the venue's timezone:
- booked before 10:00 the day before the show: the reminder is due at 10:00 the day before;
- booked later, but more than 3 h before the start: due 3 h before the start;
- booked within 3 h of the start: no reminder (the person just booked);
- never during quiet hours (22:00 to 08:00): a due time that falls in them moves to the next 08:00, and
  there is no reminder when that is not before the start.
`is_reminder_sendable` adds what the job checks at its own clock: due, not yet started, not quiet now.

The job `send_show_reminders` claims each booking with one conditional UPDATE of `reminder_sent_at`
in the transaction that queues the outbox email: run twice, or concurrently, it sends once.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from passculture.core.common.quiet_hours import is_quiet, next_allowed
from passculture.core.common.time import now as utcnow
from passculture.core.notifications import reminders as reminder_emails

from .constants import BookingStatus
from .models import Booking

DAY_BEFORE_HOUR = dt.time(10, 0)
LATE_BOOKING_LEAD = dt.timedelta(hours=3)
# The earliest a reminder can be due is 10:00 the day before a show starting at 23:59: under 38 h.
HORIZON = dt.timedelta(hours=40)


def reminder_due_at(begins_at: dt.datetime, booked_at: dt.datetime, tz_name: str) -> dt.datetime | None:
    """When the reminder of a show starting at `begins_at` (booked at `booked_at`) is due, in UTC; None
    when there is none. Pure: testable with any instants."""
    zone = ZoneInfo(tz_name)
    show_day = begins_at.astimezone(zone).date()
    day_before = dt.datetime.combine(show_day - dt.timedelta(days=1), DAY_BEFORE_HOUR, tzinfo=zone)
    if booked_at <= day_before:
        due = day_before.astimezone(dt.UTC)
    elif booked_at < begins_at - LATE_BOOKING_LEAD:
        due = begins_at - LATE_BOOKING_LEAD
    else:
        return None
    due = next_allowed(due, tz_name)
    return due if due < begins_at else None


def is_reminder_sendable(
    at: dt.datetime, begins_at: dt.datetime, booked_at: dt.datetime, tz_name: str
) -> bool:
    """True when the job running at `at` must send this reminder now."""
    due = reminder_due_at(begins_at, booked_at, tz_name)
    return due is not None and due <= at < begins_at and not is_quiet(at, tz_name)


def candidates(at: dt.datetime):
    """Confirmed bookings of showtimes still to come, not deleted, whose reminder is not sent and whose
    beneficiary wants reminders."""
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        used_at__isnull=True,
        stock__beginning_datetime__gt=at,
        stock__beginning_datetime__lte=at + HORIZON,
        stock__is_deleted=False,
        user__wants_show_reminders=True,
        user__is_active=True,
    )


def send_show_reminders(at: dt.datetime | None = None) -> dict:
    """The runjobs job (every 15 min): queues each due reminder once."""
    at = at or utcnow()
    sent = 0
    rows = candidates(at).values_list("id", "stock__beginning_datetime", "booked_at", "venue__timezone")
    for booking_id, begins_at, booked_at, tz_name in rows:
        if not is_reminder_sendable(at, begins_at, booked_at, tz_name):
            continue
        with transaction.atomic():
            # The claim, on the booking's own columns only (PostgreSQL re-checks them after waiting for a
            # concurrent run's row lock): that run, or a cancellation committed meanwhile, leaves no row.
            claimed = Booking.objects.filter(
                pk=booking_id,
                status=BookingStatus.CONFIRMED,
                reminder_sent_at__isnull=True,
                used_at__isnull=True,
            ).update(reminder_sent_at=at)
            if claimed != 1:
                continue
            booking = Booking.objects.select_related("stock", "offer", "venue", "user").get(pk=booking_id)
            reminder_emails.queue_show_reminder(booking)
            sent += 1
    return {"sent": sent}
