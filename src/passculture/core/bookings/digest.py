"""The daily digest of bookings for venues that chose it (issue 16 point 6, decision 0035).

Rule, all hours in the venue's timezone: from 08:00, the venue's booking address gets one email listing
the bookings made and the bookings cancelled during the previous local day (00:00 to 24:00), grouped by
showtime. Nothing is sent for a day with neither. The job runs every 15 minutes and sends only between
08:00 and 22:00 local (quiet hours, core/common/quiet_hours.py); a day whose digest could not be sent
before the next local day began is not sent later (the bookings list keeps everything).

Exactly once: the venue's VenueBookingDigest row for that day (unique on venue and day) is inserted in
the transaction that queues the outbox email. A concurrent run's insert waits for that transaction on
PostgreSQL, then fails: it sends nothing. A day with nothing to tell keeps its row too, so later runs
skip the venue without reading its bookings again.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from passculture.core.common.quiet_hours import QUIET_UNTIL, is_quiet
from passculture.core.common.time import now as utcnow
from passculture.core.notifications import digest as digest_emails
from passculture.core.notifications.services import queue_built
from passculture.core.offerers import booking_notifications

from .constants import BookingStatus
from .models import Booking

SEND_FROM = QUIET_UNTIL  # 08:00 local: the first hour anything may be sent
# Venues that left the digest this long ago are owed nothing any more (the latest day owed is yesterday).
LEFT_DIGEST_LOOKBACK = dt.timedelta(days=3)


def digest_day(at: dt.datetime, tz_name: str) -> dt.date | None:
    """The local day whose digest is due at `at` in `tz_name`: yesterday, from 08:00 until 22:00; None
    outside those hours."""
    local = at.astimezone(ZoneInfo(tz_name))
    if local.time() < SEND_FROM or is_quiet(at, tz_name):
        return None
    return local.date() - dt.timedelta(days=1)


def day_bounds(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight, in UTC (23 or 25 hours on daylight-saving days)."""
    zone = ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def digest_rows(venue_id: int, start: dt.datetime, end: dt.datetime) -> tuple[list[dict], list[dict]]:
    """The venue's bookings made in [start, end), and those cancelled in it: two queries, plain rows."""
    fields = digest_emails.ROW_FIELDS
    booked = Booking.objects.filter(venue_id=venue_id, booked_at__gte=start, booked_at__lt=end)
    cancelled = Booking.objects.filter(
        venue_id=venue_id, status=BookingStatus.CANCELLED, cancelled_at__gte=start, cancelled_at__lt=end
    )
    return (
        list(booked.order_by("booked_at", "id").values(*fields)),
        list(cancelled.order_by("cancelled_at", "id").values(*fields)),
    )


def send_venue_digest(venue, day: dt.date, at: dt.datetime) -> str:
    """Claims and sends one venue's digest of `day`: "sent", "empty" (nothing that day) or "taken"."""
    start, end = day_bounds(day, venue.timezone)
    with transaction.atomic():
        row = booking_notifications.claim_digest(venue, day, at)
        if row is None:
            return "taken"
        booked, cancelled = digest_rows(venue.pk, start, end)
        content = digest_emails.booking_digest_to_pro(venue, day, booked, cancelled)
        email = queue_built(content, related=venue, quiet_in=venue.timezone)
        booking_notifications.record_digest(
            row, email=email, bookings=len(booked), cancellations=len(cancelled)
        )
    return "sent" if email is not None else "empty"


def send_booking_digests(at: dt.datetime | None = None) -> dict:
    """The runjobs job (every 15 minutes): each venue on the digest gets yesterday's once, from 08:00."""
    at = at or utcnow()
    counts = {"sent": 0, "empty": 0, "taken": 0}
    for tz_name in booking_notifications.timezones_of_digest_venues(at - LEFT_DIGEST_LOOKBACK):
        day = digest_day(at, tz_name)
        if day is None:
            continue
        start, _end = day_bounds(day, tz_name)
        for venue in booking_notifications.venues_owed_a_digest(tz_name, day, start):
            counts[send_venue_digest(venue, day, at)] += 1
    return counts
