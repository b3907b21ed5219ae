"""The reimbursement side of the demo: venues' bank details and months of shows seen, priced.

Everything goes through the core services (bank details saved by the pro then accepted by staff,
credit granted, shows booked and validated at the counter or by the 48 h job, then pricing), placed
in the past with their `at=` arguments, so that `passculture payments generate` on the demo yields a
non-empty batch and the pro ledger has a year to show. Volumes stay realistic and small (a few
hundred bookings, a few thousand euros): no venue comes near the 20,000 EUR threshold, which would
take ~2,700 bookings on one venue (the benchmark covers the thresholds, not the demo).

A separate seeded random generator: the choices the rest of the demo makes stay what they were.
"""

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.conf import settings

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import AUTO_VALIDATION_DELAY
from passculture.core.common.time import add_years, local_to_utc, to_local
from passculture.core.credit import services as credit_services
from passculture.core.finance import pricing
from passculture.core.finance import services as finance_services
from passculture.core.finance.models import BankAccount
from passculture.core.offerers.selectors import user_can_act_for_offerer
from passculture.core.offers import services as offer_services
from passculture.core.offers.constants import Category, Version
from passculture.core.offers.models import Offer, Stock
from passculture.core.users.constants import Role

from . import data
from .recent import RecentBookingsBuilder

if TYPE_CHECKING:
    from .loader import DemoLoader, _Cinema

# Past showtimes are created as published this long before they started (the window of the showtimes a
# cinema may publish is checked at that moment).
PUBLISHED_BEFORE = dt.timedelta(days=7)
# The credit is granted a little before the first show of the history.
GRANT_LEAD = dt.timedelta(days=20)
# Staff accepted the venues' bank details before the history starts: every batch can pay them.
BANK_DETAILS_LEAD = dt.timedelta(days=40)
COUNTER_VALIDATION_SHARE = 0.8  # the others are validated by the 48 h job
HOME_CINEMA_SHARE = 0.7  # how often a young person goes to "their" cinema rather than another one


def french_iban(bank_code: str, branch_code: str, account_number: str) -> str:
    """A French IBAN with a correct RIB key and IBAN checksum (fictional account numbers)."""
    rib_key = 97 - (89 * int(bank_code) + 15 * int(branch_code) + 3 * int(account_number)) % 97
    bban = f"{bank_code}{branch_code}{account_number}{rib_key:02d}"
    # ISO 13616: BBAN + country code + "00", letters as numbers (F=15, R=27).
    check = 98 - int(f"{bban}152700") % 97
    return f"FR{check:02d}{bban}"


def _hour_ceiling(moment: dt.datetime) -> dt.datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + dt.timedelta(hours=1)


class HistoryBuilder:
    def __init__(self, loader: "DemoLoader") -> None:
        self.loader = loader
        self.at = loader.at
        self.rng = random.Random(data.SEED + 7)
        self.stocks: dict[tuple[int, dt.datetime], Stock] = {}

    def build(self) -> dict:
        self.create_bank_accounts()
        self.create_used_bookings()
        # The last four weeks of the demo pro's cinemas: the pro home page's figures and charts.
        RecentBookingsBuilder(self).build()
        # Last: prices every used booking of the demo, the older ones included.
        return pricing.price_bookings(at=self.at)

    # --- Bank details --------------------------------------------------------------------------

    def create_bank_accounts(self) -> None:
        """Accepted details for every venue of a validated offerer but one; the venue of the offerer
        waiting for validation has submitted its details, which wait in the back office queue."""
        admin = self.loader.users[data.ADMIN_EMAIL]
        pro = self.loader.users[data.PRO_EMAIL]
        decided_at = self.at - dt.timedelta(days=data.HISTORY_DAYS) - BANK_DETAILS_LEAD
        for index, (key, cinema) in enumerate(self.loader.cinemas.items(), start=1):
            if key == data.VENUE_WITHOUT_BANK_ACCOUNT:
                continue
            bank_code, bic = data.DEMO_BANKS[index % len(data.DEMO_BANKS)]
            iban = french_iban(bank_code, f"{index:05d}", f"{self.rng.randrange(10**10):011d}")
            # The demo pro types the details of their own venues; the others come in as "the system".
            actor = pro if user_can_act_for_offerer(pro, cinema.offerer.pk) else None
            account = finance_services.save_bank_account(
                actor, cinema.venue, iban=iban, bic=bic, holder=cinema.offerer.name, submit=True
            )
            if not cinema.offerer.is_validated:
                continue
            finance_services.accept_bank_account(admin, account.pk)
            # The services date their decisions "now"; the demo's were taken months ago, before the
            # first cut-off of the history (a batch pays venues whose details were accepted by then).
            BankAccount.objects.filter(pk=account.pk).update(
                submitted_at=decided_at - dt.timedelta(days=2), decided_at=decided_at
            )

    # --- Beneficiaries and their shows ------------------------------------------------------------

    def _showing(self) -> list["_Cinema"]:
        return [cinema for cinema in self.loader.cinemas.values() if cinema.offerer.is_validated]

    def _create_beneficiary(self, number: int, home: "_Cinema", granted_at: dt.datetime):
        first, last = data.HISTORY_NAMES[(number - 1) % len(data.HISTORY_NAMES)]
        granted_day = to_local(granted_at, settings.TIME_ZONE).date()
        user = self.loader._user(
            data.history_email(number), Role.BENEFICIARY, first, last,
            # 18 on the day the credit was granted.
            birth_date=add_years(granted_day, -18) - dt.timedelta(days=self.rng.randint(5, 200)),
            phone_number=f"+336120002{number:02d}", postal_code=home.data.postal_code, city=home.data.city,
        )  # fmt: skip
        deposit = credit_services.grant_deposit(user, at=granted_at, source="démo")
        return user, deposit

    def _stock(self, cinema: "_Cinema", offer: Offer, start: dt.datetime, hour: int) -> Stock:
        """One past showtime per offer and start, shared by everyone who went to it."""
        key = (offer.pk, start)
        if key not in self.stocks:
            language = (offer.languages or ["fr"])[0]
            version = Version.VF if language == "fr" else self.rng.choice((Version.VO, Version.VF))
            self.stocks[key] = offer_services.create_stock(
                offer=offer,
                price_cents=cinema.data.base_price_cents + (100 if hour >= 20 else 0),
                quantity=None,
                beginning=start,
                version=version,
                at=start - PUBLISHED_BEFORE,
            )
        return self.stocks[key]

    def create_used_bookings(self) -> None:
        showing = self._showing()
        granted_at = self.at - dt.timedelta(days=data.HISTORY_DAYS) - GRANT_LEAD
        left_at_counter: list[dt.datetime] = []  # starts of the shows not validated at the counter
        for number in range(1, data.HISTORY_BENEFICIARY_COUNT + 1):
            home = showing[number % len(showing)]
            user, deposit = self._create_beneficiary(number, home, granted_at)
            budget = int(deposit.amount_cents * data.HISTORY_SPEND_SHARE)
            spent = 0
            seen: set[int] = set()  # one booking per offer and person (ALREADY_BOOKED otherwise)
            days_ago = sorted(
                self.rng.sample(range(3, data.HISTORY_DAYS), self.rng.randint(8, 16)), reverse=True
            )
            for days in days_ago:
                cinema = home if self.rng.random() < HOME_CINEMA_SHARE else self.rng.choice(showing)
                offers = [
                    offer
                    for offer in cinema.offers
                    if offer.category == Category.SHOWTIME and offer.pk not in seen
                ]
                if not offers:
                    continue
                offer = self.rng.choice(offers)
                seen.add(offer.pk)
                hour, minute = self.rng.choice(data.SHOWTIME_SLOTS)
                local_day = to_local(self.at, cinema.venue.timezone).date() - dt.timedelta(days=days)
                start = local_to_utc(
                    dt.datetime.combine(local_day, dt.time(hour, minute)), cinema.venue.timezone
                )
                stock = self._stock(cinema, offer, start, hour)
                quantity = 2 if offer.is_duo and self.rng.random() < 0.3 else 1
                if spent + stock.price_cents * quantity > budget:
                    quantity = 1
                if spent + stock.price_cents > budget:
                    break
                booked_at = start - dt.timedelta(
                    days=self.rng.randint(0, 4),
                    hours=self.rng.randint(1, 10),
                    minutes=self.rng.randint(0, 59),
                )
                booking = booking_services.book_offer(user, stock.pk, quantity, at=max(booked_at, granted_at))
                spent += stock.price_cents * quantity
                if self.rng.random() < COUNTER_VALIDATION_SHARE:
                    booking_services.validate_countermark(
                        cinema.counter,
                        booking.token,
                        at=start - dt.timedelta(minutes=self.rng.randint(5, 40)),
                    )
                else:
                    left_at_counter.append(start)
        self._run_auto_validation(left_at_counter)

    def _run_auto_validation(self, starts: list[dt.datetime]) -> None:
        """Replays the auto-validation job (hourly in runjobs) at the runs that validated the
        bookings of these shows, oldest first: each becomes USED at the first run after its show
        + 48 h, as it would have. A run validates every booking due then, as the real job did."""
        runs = sorted({_hour_ceiling(start + AUTO_VALIDATION_DELAY) for start in starts})
        for run in runs:
            booking_services.auto_validate_bookings(at=run)
