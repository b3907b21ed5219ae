"""A reminder waiting in the demo (decision 0031): jeune.depense booked, two days ago, a showtime tomorrow
at 20:30 in Paris, so the `show_reminders` job sends its reminder from 10:00 today (at once when the demo
is loaded later in the day). No random draw: the rest of the demo stays what it was."""

import datetime as dt
from typing import TYPE_CHECKING

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.time import local_to_utc, to_local
from passculture.core.offers import services as offer_services

from . import data

if TYPE_CHECKING:
    from .loader import DemoLoader

REMINDER_CINEMA = "paris-st-michel"
SHOW_TIME = dt.time(20, 30)
BOOKED_BEFORE = dt.timedelta(days=2)
PUBLISHED_BEFORE = dt.timedelta(days=10)


def create_waiting_reminder(loader: "DemoLoader") -> Booking:
    user = loader.users[data.YOUNG_SPENT_EMAIL]
    cinema = loader.cinemas[REMINDER_CINEMA]
    venue = cinema.venue
    tomorrow = to_local(loader.at, venue.timezone).date() + dt.timedelta(days=1)
    start = local_to_utc(dt.datetime.combine(tomorrow, SHOW_TIME), venue.timezone)
    booked = set(
        Booking.objects.filter(user=user)
        .exclude(status=BookingStatus.CANCELLED)
        .values_list("offer_id", flat=True)
    )
    offer = next(
        o
        for o in sorted(cinema.offers, key=lambda o: o.pk)
        if o.pk not in booked and o.stocks.filter(beginning_datetime__gt=loader.at).exists()
    )
    stock = offer_services.create_stock(
        offer=offer,
        price_cents=cinema.data.base_price_cents,
        quantity=None,
        beginning=start,
        version=offer.stocks.values_list("version", flat=True).first() or "",
        at=loader.at - PUBLISHED_BEFORE,
    )
    return booking_services.book_offer(user, stock.pk, 1, at=loader.at - BOOKED_BEFORE)
