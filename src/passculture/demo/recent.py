"""The last four weeks of the demo pro's cinemas: young people who booked recently, so that the pro home
page has figures and charts to show (bookings per day, most booked films) on the day the demo is loaded.

Everything goes through the core services with their `at=` arguments, like the history (history.py):
credit granted 40 days ago, shows of the past weeks booked a few days before and validated at the
counter, shows to come booked in the last three days (a few cancelled by the young person within the
48 h they have). A separate seeded random generator: the rest of the demo stays what it was.
"""

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.conf import settings

from passculture.core.bookings import services as booking_services
from passculture.core.common.time import add_years, local_to_utc, to_local
from passculture.core.credit import services as credit_services
from passculture.core.offerers.selectors import user_can_act_for_offerer
from passculture.core.offers.constants import Category
from passculture.core.offers.models import Stock
from passculture.core.users.constants import Role

from . import data

if TYPE_CHECKING:
    from .history import HistoryBuilder
    from .loader import _Cinema

RECENT_BENEFICIARY_COUNT = 20
RECENT_DAYS = 28
GRANTED_BEFORE = dt.timedelta(days=40)
FUTURE_SHARE = 0.3  # bookings of shows to come (made in the last three days), the rest were seen
CANCELLED_SHARE = 0.15  # of the bookings of shows to come


def recent_email(number: int) -> str:
    return data.demo_email(f"jeune.recent.{number}")


class RecentBookingsBuilder:
    def __init__(self, history: "HistoryBuilder") -> None:
        self.history = history
        self.loader = history.loader
        self.at = history.at
        self.rng = random.Random(data.SEED + 11)

    def _cinemas(self) -> list["_Cinema"]:
        pro = self.loader.users[data.PRO_EMAIL]
        return [
            cinema
            for cinema in self.loader.cinemas.values()
            if cinema.offerer.is_validated and user_can_act_for_offerer(pro, cinema.offerer.pk)
        ]

    def _beneficiary(self, number: int, home: "_Cinema"):
        granted_at = self.at - GRANTED_BEFORE
        first, last = data.HISTORY_NAMES[(number * 7) % len(data.HISTORY_NAMES)]
        granted_day = to_local(granted_at, settings.TIME_ZONE).date()
        user = self.loader._user(
            recent_email(number), Role.BENEFICIARY, first, last,
            birth_date=add_years(granted_day, -18) - dt.timedelta(days=self.rng.randint(5, 200)),
            phone_number=f"+336120003{number:02d}", postal_code=home.data.postal_code, city=home.data.city,
        )  # fmt: skip
        credit_services.grant_deposit(user, at=granted_at, source="démo")
        return user, granted_at

    def _seen(self, user, cinema: "_Cinema", offer, days_ago: int, granted_at: dt.datetime) -> None:
        hour, minute = self.rng.choice(data.SHOWTIME_SLOTS)
        local_day = to_local(self.at, cinema.venue.timezone).date() - dt.timedelta(days=days_ago)
        start = local_to_utc(dt.datetime.combine(local_day, dt.time(hour, minute)), cinema.venue.timezone)
        stock = self.history._stock(cinema, offer, start, hour)
        booked_at = start - dt.timedelta(days=self.rng.randint(0, 3), hours=self.rng.randint(1, 8))
        booking = booking_services.book_offer(user, stock.pk, 1, at=max(booked_at, granted_at))
        booking_services.validate_countermark(
            cinema.counter, booking.token, at=start - dt.timedelta(minutes=self.rng.randint(5, 40))
        )

    def _to_come(self, user, offer) -> None:
        booked_at = self.at - dt.timedelta(days=self.rng.randint(0, 2), hours=self.rng.randint(1, 12))
        stocks = list(
            Stock.objects.filter(
                offer=offer, is_deleted=False, beginning_datetime__gt=self.at + dt.timedelta(days=3)
            ).order_by("beginning_datetime", "pk")[:20]
        )
        stocks = [s for s in stocks if s.quantity is None or s.quantity - s.booked_quantity >= 2]
        if not stocks:
            return
        quantity = 2 if offer.is_duo and self.rng.random() < 0.3 else 1
        booking = booking_services.book_offer(user, self.rng.choice(stocks).pk, quantity, at=booked_at)
        if self.rng.random() < CANCELLED_SHARE:
            booking_services.cancel_booking_by_beneficiary(
                user, booking.pk, at=booked_at + dt.timedelta(hours=self.rng.randint(1, 20))
            )

    def build(self) -> None:
        cinemas = self._cinemas()
        if not cinemas:
            return
        for number in range(1, RECENT_BENEFICIARY_COUNT + 1):
            home = cinemas[number % len(cinemas)]
            user, granted_at = self._beneficiary(number, home)
            seen: set[int] = set()  # one booking per offer and person
            for days_ago in sorted(
                self.rng.sample(range(3, RECENT_DAYS), self.rng.randint(2, 5)), reverse=True
            ):
                # Each structure of the pro gets its share, however many cinemas it has.
                offerer_id = self.rng.choice(sorted({c.offerer.pk for c in cinemas}))
                cinema = self.rng.choice([c for c in cinemas if c.offerer.pk == offerer_id])
                offers = [o for o in cinema.offers if o.category == Category.SHOWTIME and o.pk not in seen]
                if not offers:
                    continue
                offer = self.rng.choice(offers)
                seen.add(offer.pk)
                if self.rng.random() < FUTURE_SHARE:
                    self._to_come(user, offer)
                else:
                    self._seen(user, cinema, offer, days_ago, granted_at)
