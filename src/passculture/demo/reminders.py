"""Reminders waiting in the demo.

- Decision 0031: jeune.depense booked, two days ago, a showtime tomorrow at 20:30 in Paris, so the
  `show_reminders` job sends its reminder from 10:00 today (at once when the demo is loaded later in the
  day).
- Decision 0033: jeune.fin's credit, granted nearly two years ago, ends in 25 days; its 30-day reminder
  (amount left, films near Paris 11e) is queued in the outbox, sent at once or at 08:00 when the demo is
  loaded at night.

No random draw: the rest of the demo stays what it was."""

import datetime as dt
from typing import TYPE_CHECKING

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.quiet_hours import next_allowed
from passculture.core.common.time import add_years, local_to_utc, to_local
from passculture.core.credit import reminders as credit_reminders
from passculture.core.credit import services as credit_services
from passculture.core.credit.models import Deposit
from passculture.core.offers import services as offer_services
from passculture.core.users.constants import Role

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


CREDIT_ENDS_IN = dt.timedelta(days=25)
CREDIT_GRANTED_BEFORE = dt.timedelta(days=705)


def create_waiting_credit_reminder(loader: "DemoLoader") -> Deposit:
    granted_at = loader.at - CREDIT_GRANTED_BEFORE
    user = loader._user(
        data.YOUNG_ENDING_EMAIL, Role.BENEFICIARY, "Farah", "Finlandais",
        birth_date=add_years(to_local(granted_at, "Europe/Paris").date(), -18) - dt.timedelta(days=90),
        phone_number="+33612000005", postal_code="75011", city="Paris",
    )  # fmt: skip
    deposit = credit_services.grant_deposit(user, at=granted_at, source="démo")
    # Whatever policy was in force then (2021: two years; 2025: the 21st birthday), it ends in 25 days.
    Deposit.objects.filter(pk=deposit.pk).update(expires_at=loader.at + CREDIT_ENDS_IN, spent_cents=0)
    # The job's own run, in the daytime in Paris (the outbox defers the email if the demo loads at night).
    credit_reminders.send_credit_reminders(at=next_allowed(loader.at, "Europe/Paris"))
    deposit.refresh_from_db()
    return deposit
