"""A booking as an iCalendar file (RFC 5545), for "Ajouter à mon agenda": built with `icalendar`.

Times carry the venue's timezone (TZID with its VTIMEZONE definition): a calendar shows 20h30 at a
cinema in La Réunion as 20h30 there, and converts it for a phone set to Paris. The UID is the same on
every download, so adding the file twice updates the event instead of duplicating it.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Alarm, Calendar, Event, vGeo

from passculture.core.bookings.constants import BookingStatus
from passculture.core.common.time import shift, to_local

from .presenters import quantity_label

PRODUCT_ID = "-//pass Culture cinéma//Réservations//FR"
# Without a known duration, the event is given two hours (a feature film and its trailers).
DEFAULT_DURATION = dt.timedelta(hours=2)
# A reminder before leaving home: long enough to get to the cinema.
REMINDER_BEFORE = dt.timedelta(hours=1)


def uid_of(booking) -> str:
    host = urlsplit(settings.PUBLIC_BASE_URL).hostname or "passculture.local"
    return f"reservation-{booking.pk}@{host}"


def event_times(
    start: dt.datetime, duration_minutes: int | None, tz_name: str
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end in the venue's timezone (aware datetimes: the same instants as the stored UTC)."""
    duration = dt.timedelta(minutes=duration_minutes) if duration_minutes else DEFAULT_DURATION
    return to_local(start, tz_name), to_local(shift(start, duration), tz_name)


def _description(booking, ticket_url: str) -> str:
    lines = [
        f"Contremarque : {booking.token}",
        f"Places : {quantity_label(booking.quantity)}",
    ]
    if booking.stock.version:
        lines.append(f"Version : {booking.stock.get_version_display()}")
    lines.append("Montre le QR code ou la contremarque à l'entrée du cinéma.")
    lines.append(f"Ton billet : {ticket_url}")
    return "\n".join(lines)


def booking_calendar(booking, *, ticket_url: str, at: dt.datetime) -> bytes:
    """`booking` comes with its stock, offer and venue joined; its stock is a showtime (has a start)."""
    stock, offer, venue = booking.stock, booking.offer, booking.venue
    if stock.beginning_datetime is None:
        raise ValueError("Only a showtime has a date to put in a calendar.")
    start, end = event_times(stock.beginning_datetime, offer.duration_minutes, venue.timezone)

    event = Event()
    event.add("uid", uid_of(booking))
    event.add("dtstamp", at.astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    # The film title alone: "au"/"à la"/"aux" before a cinema's name cannot be guessed.
    event.add("summary", offer.name)
    event.add("location", f"{venue.display_name}, {venue.full_address}")
    if venue.latitude is not None and venue.longitude is not None:
        event.add("geo", vGeo((float(venue.latitude), float(venue.longitude))))
    event.add("description", _description(booking, ticket_url))
    event.add("url", ticket_url)
    cancelled = booking.status == BookingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Each change of state is a new version of the same event for calendars that compare them.
    event.add("sequence", 1 if cancelled else 0)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{offer.name} : la séance commence dans 1 h")
        alarm.add("trigger", -REMINDER_BEFORE)
        event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # The VTIMEZONE of the venue's zone, so that every calendar reads TZID=Indian/Reunion the same way.
    calendar.add_missing_timezones()
    return calendar.to_ical()
