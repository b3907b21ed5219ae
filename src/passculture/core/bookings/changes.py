"""The cinema changes a booked showtime (decision 0030).

Whatever the channel (the pro portal's update_stock, the Allociné sync, the public API's PATCH dates or
cinema_sessions push), once the stock row holds its new start the caller calls `showtime_moved` in the
same transaction, with the start the stock had before. Each confirmed booking then gets back a right to
cancel (rules.moved_showtime_cancellation_limit, rule B-MOVE) and its beneficiary is emailed the old and
the new time through the outbox. A move of less than a minute changes nothing and sends nothing, so a
job or a push run twice (the second run sees no move) never emails twice.
"""

import datetime as dt

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.notifications import services as notifications

from . import rules
from .constants import BookingStatus
from .models import Booking


def showtime_moved(stock, *, old_start: dt.datetime | None, at: dt.datetime | None = None) -> int:
    """`stock`: already saved with its new start (and locked, or written by the caller's bulk update in
    this transaction). Returns how many bookings were told."""
    new_start = stock.beginning_datetime
    if new_start is None or old_start is None or not rules.is_real_move(old_start, new_start):
        return 0
    at = at or utcnow()
    bookings = list(
        lock(Booking.objects.select_related("offer", "venue", "user", "stock"))
        .filter(stock_id=stock.pk, status=BookingStatus.CONFIRMED)
        .order_by("id")
    )
    for booking in bookings:
        booking.cancellation_limit_datetime = rules.moved_showtime_cancellation_limit(
            booked_at=booking.booked_at,
            new_start=new_start,
            notice_at=at,
            previous_limit=booking.cancellation_limit_datetime,
        )
        # The reminder before the show (reminders.py) is due again, for the new start.
        booking.reminder_sent_at = None
    Booking.objects.bulk_update(bookings, ["cancellation_limit_datetime", "reminder_sent_at"])
    for booking in bookings:
        notifications.notify_showtime_moved(booking, old_start=old_start)
    if bookings:
        log_action(
            "bookings.showtime_moved",
            target=stock,
            data={
                "old_start": old_start.isoformat(),
                "new_start": new_start.isoformat(),
                "told": len(bookings),
            },
        )
    return len(bookings)
