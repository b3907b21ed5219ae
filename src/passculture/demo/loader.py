"""Loads the demo data through the core services, the way staff, pros and beneficiaries would.

Everything is deterministic for a given day (seeded random): showtimes are placed relative to
"now" in each venue's local time, so the demo always shows the next 14 days. Past showtimes are
created through the same services (they accept a start in the past) and booked "back then" with
`at=` so that bookings can be validated at the counter and, for some, reimbursed.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from stdnum import luhn

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor
from passculture.core.common.audit import log_action
from passculture.core.common.time import add_years, local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit import services as credit_services
from passculture.core.favourites.services import add_favourite
from passculture.core.films import services as film_services
from passculture.core.films.models import Film
from passculture.core.offerers import booking_notifications
from passculture.core.offerers import services as offerer_services
from passculture.core.offerers.constants import BookingNotification, MembershipRole
from passculture.core.offerers.models import Offerer, Venue
from passculture.core.offers import drafts
from passculture.core.offers import services as offer_services
from passculture.core.offers.constants import Category, PosterChoice, Version
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.scheduling import Schedule
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from passculture.core.providers.allocine.sync import sync_venue
from passculture.core.providers.allocine.theaters import import_theaters_csv
from passculture.core.users import services as user_services
from passculture.core.users.constants import Role

from . import allocine_feed, data
from .feedback import create_feedback
from .history import PUBLISHED_BEFORE, HistoryBuilder
from .identity import create_pending_identity_check
from .posters import render_poster
from .prices import add_price_categories
from .reminders import create_waiting_credit_reminder, create_waiting_reminder
from .ticketing import create_ticketing_provider

POSTER_DIR = "films/demo"
DAYS_AHEAD = 14
# Cinemas whose programme comes from the bundled Allociné feed: (cinema key, Allociné theatre id,
# internal id, duo offers).
ALLOCINE_CINEMAS = (
    ("paris-belleville", "P9D075", "9075", True),
    ("saint-denis-974", "P9D974", "9974", False),
)
ALLOCINE_PRICE_CENTS = 690
ALLOCINE_SEATS = 100


def demo_data_exists() -> bool:
    """The demo staff account is the marker: it is created first, in the same transaction as the rest."""
    return get_user_model().objects.filter(email=data.ADMIN_EMAIL).exists()


def any_user_exists() -> bool:
    return get_user_model().objects.exists()


def mark_booking_reimbursed_for_demo(booking: Booking, at: dt.datetime) -> Booking:
    """USED -> REIMBURSED without a payment batch.

    Payment batches (the only legitimate way to reimburse) are a later issue; until then the demo
    needs REIMBURSED bookings to show, and this is the one place that moves them there. It keeps the
    database invariants (a reimbursed booking has been used) and leaves an audit trail.
    """
    if booking.status != BookingStatus.USED:
        raise ValueError("Only a used booking can be reimbursed.")
    Booking.objects.filter(pk=booking.pk, status=BookingStatus.USED).update(
        status=BookingStatus.REIMBURSED, reimbursed_at=at
    )
    booking.refresh_from_db()
    log_action("booking.reimbursed", actor_label="demo", target=booking, data={"token": booking.token})
    return booking


@dataclass
class _Cinema:
    data: data.CinemaData
    venue: Venue
    offerer: Offerer
    counter: CounterActor
    offers: list[Offer] = field(default_factory=list)


class DemoLoader:
    def __init__(self, *, at: dt.datetime | None = None) -> None:
        self.at = at or utcnow()
        self.rng = random.Random(data.SEED)
        self.today = to_local(self.at, settings.TIME_ZONE).date()
        self.users: dict[str, object] = {}
        self.cinemas: dict[str, _Cinema] = {}
        self.films: dict[str, Film] = {}
        self._sirens: set[str] = set()
        self.pricing_result: dict = {}

    # --- Entry point ---------------------------------------------------------------------------

    def load(self) -> None:
        # One transaction: a failure halfway leaves nothing behind, so the marker check stays true.
        with transaction.atomic():
            self._create_accounts()
            create_pending_identity_check(self.at)
            self._create_offerers_and_venues()
            create_ticketing_provider(self.cinemas[data.TICKETING_PROVIDER["cinema"]].venue)
            self._create_films()
            self._create_offers_and_showtimes()
            self._create_cinema_card()
            self._create_free_screening()
            self._create_draft_offer()
            self._create_bookings()
            self._create_favourites()
            add_price_categories(self, self.users[data.YOUNG_SPENT_EMAIL])
            # Last, so that the seeded choices above stay what they were before the import existed.
            self.import_allocine_programmes()
            # Bank details, months of used bookings, then pricing of every used booking of the demo.
            self.pricing_result = HistoryBuilder(self).build()
            create_waiting_reminder(self)
            create_feedback(self)
            create_waiting_credit_reminder(self)

    # --- Accounts ------------------------------------------------------------------------------

    def _birth_date(self, years: int, extra_days: int) -> dt.date:
        return add_years(self.today, -years) - dt.timedelta(days=extra_days)

    def _user(self, email: str, role: Role, first: str, last: str, **fields):
        user = user_services.create_user(
            email=email,
            password=data.DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            is_email_validated=True,
            **fields,
        )
        self.users[email] = user
        return user

    def _create_accounts(self) -> None:
        self._user(data.ADMIN_EMAIL, Role.STAFF, "Alex", "Admin")
        self._user(data.PRO_EMAIL, Role.PRO, "Paula", "Programmatrice", phone_number="+33145000001")
        self._user(data.PRO_PENDING_EMAIL, Role.PRO, "Patrick", "Patience", phone_number="+33388000002")

        young = self._user(
            data.YOUNG_EMAIL, Role.BENEFICIARY, "Jeanne", "Durand", birth_date=self._birth_date(18, 75),
            phone_number="+33612000001", postal_code="75011", city="Paris",
        )  # fmt: skip
        credit_services.grant_deposit(young, at=self.at - dt.timedelta(days=3), source="démo")

        spent = self._user(
            data.YOUNG_SPENT_EMAIL, Role.BENEFICIARY, "Dylan", "Dépensier", birth_date=self._birth_date(18, 150),
            phone_number="+33612000002", postal_code="75020", city="Paris",
        )  # fmt: skip
        credit_services.grant_deposit(spent, at=self.at - dt.timedelta(days=45), source="démo")

        # Granted on a day they were 18, more than two years ago: the credit has expired since.
        granted_at = self.at - dt.timedelta(days=2 * 365 + 40)
        granted_day = to_local(granted_at, settings.TIME_ZONE).date()
        expired = self._user(
            data.YOUNG_EXPIRED_EMAIL, Role.BENEFICIARY, "Emma", "Expirée",
            birth_date=add_years(granted_day, -18) - dt.timedelta(days=60),
            phone_number="+33612000003", postal_code="69003", city="Lyon",
        )  # fmt: skip
        credit_services.grant_deposit(expired, at=granted_at, source="démo")

        self._user(
            data.YOUNG_17_EMAIL, Role.BENEFICIARY, "Sacha", "Dixsept", birth_date=self._birth_date(17, 50),
            phone_number="+33612000004", postal_code="44000", city="Nantes",
        )  # fmt: skip

        for index, (local, first, last, postal_code, city) in enumerate(data.EXTRA_BENEFICIARIES):
            user = self._user(
                data.demo_email(local), Role.BENEFICIARY, first, last,
                birth_date=self._birth_date(18, 40 + self.rng.randint(0, 250)),
                phone_number=f"+336120001{index:02d}", postal_code=postal_code, city=city,
            )  # fmt: skip
            credit_services.grant_deposit(user, at=self.at - dt.timedelta(days=35), source="démo")

    # --- Offerers and venues -------------------------------------------------------------------

    def _siren(self) -> str:
        while True:
            base = str(self.rng.randint(30_000_000, 99_999_999))
            siren = base + luhn.calc_check_digit(base)
            if siren not in self._sirens:
                self._sirens.add(siren)
                return siren

    @staticmethod
    def _siret(siren: str, nic: int) -> str:
        base = f"{siren}{nic:04d}"
        return base + luhn.calc_check_digit(base)

    def _create_offerers_and_venues(self) -> None:
        pro = self.users[data.PRO_EMAIL]
        pending_pro = self.users[data.PRO_PENDING_EMAIL]
        admin = self.users[data.ADMIN_EMAIL]
        for offerer_data in data.OFFERERS:
            creator = pro if offerer_data.key == "ecrans" else None
            if not offerer_data.validated:
                creator = pending_pro
            offerer = offerer_services.create_offerer(
                siren=self._siren(),
                name=offerer_data.name,
                address=offerer_data.address,
                postal_code=offerer_data.postal_code,
                city=offerer_data.city,
                creator=creator,
            )
            if offerer_data.validated:
                offerer_services.validate_offerer(offerer, actor=admin)
            if offerer_data.key == "nantes":
                # The demo pro also works for a second structure, as an editor.
                offerer_services.add_member(
                    offerer=offerer, user=pro, role=MembershipRole.EDITOR, validated=True, actor=admin
                )
            for nic, cinema in enumerate(offerer_data.cinemas, start=11):
                venue = offerer_services.create_venue(
                    offerer=offerer,
                    name=cinema.name,
                    address=cinema.address,
                    postal_code=cinema.postal_code,
                    city=cinema.city,
                    siret=self._siret(offerer.siren, nic),
                    booking_email=f"reservations.{cinema.key}@{data.DEMO_EMAIL_DOMAIN}",
                    latitude=cinema.latitude,
                    longitude=cinema.longitude,
                    withdrawal_details="Présentez votre contremarque ou son QR code à la caisse.",
                )
                if cinema.key in data.DIGEST_CINEMAS:
                    booking_notifications.set_booking_notifications(
                        venue,
                        actor=None,
                        booking_email=venue.booking_email,
                        mode=BookingNotification.DIGEST,
                    )
                    venue.refresh_from_db()
                counter = CounterActor(
                    offerer_ids={offerer.pk}, label=f"Caisse {cinema.name} (démo)", device="démo"
                )
                self.cinemas[cinema.key] = _Cinema(cinema, venue, offerer, counter)

    # --- Films ---------------------------------------------------------------------------------

    def _create_films(self) -> None:
        """One Film per demo film, with its generated poster, shared by every demo cinema showing it. A
        film also in the bundled Allociné programme gets that programme's visa and year, as a pro would
        type them: the import then finds it, and the cinemas of both kinds share it."""
        imported = {movie.title: movie for movie in allocine_feed.MOVIES}
        for film_data in data.FILMS:
            name = f"{POSTER_DIR}/{slugify(film_data.title)}.png"
            # Same title, same poster: a second load after a database reset reuses the files.
            if not default_storage.exists(name):
                poster = render_poster(film_data.title, film_data.genre, film_data.duration_minutes)
                name = default_storage.save(name, ContentFile(poster))
            movie = imported.get(film_data.title)
            film = film_services.create_film(
                title=film_data.title,
                year=movie.release.year if movie else self.today.year,
                visa=movie.visa if movie else "",
                duration_minutes=film_data.duration_minutes,
                synopsis=film_data.synopsis,
                genres=[film_data.genre],
                at=self.at,
            )
            self.films[film_data.title] = film_services.set_film_poster(film.pk, name)

    def _programme(self) -> dict[str, list[data.FilmData]]:
        """Which films each cinema shows: every film somewhere, each cinema 8 to 10 films."""
        showing = [key for key, cinema in self.cinemas.items() if cinema.offerer.is_validated]
        programme: dict[str, list[data.FilmData]] = {key: [] for key in showing}
        for index, film in enumerate(data.FILMS):
            programme[showing[index % len(showing)]].append(film)
        for key in showing:
            others = [film for film in data.FILMS if film not in programme[key]]
            wanted = self.rng.randint(8, 10) - len(programme[key])
            programme[key].extend(self.rng.sample(others, max(wanted, 0)))
        pending = [key for key, cinema in self.cinemas.items() if not cinema.offerer.is_validated]
        for key in pending:
            programme[key] = self.rng.sample(list(data.FILMS), 2)
        return programme

    def _create_offer(self, cinema: _Cinema, film: data.FilmData) -> Offer:
        offer = offer_services.create_offer(
            venue=cinema.venue,
            name=film.title,
            film=self.films[film.title],
            description=film.synopsis,
            category=Category.SHOWTIME,
            duration_minutes=film.duration_minutes,
            languages=[film.language],
            is_duo=self.rng.random() < 0.35,
            extra_data={"genre": film.genre, "demo": True},
        )
        cinema.offers.append(offer)
        return offer

    def _local(self, venue: Venue, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), venue.timezone)

    def _version(self, film_language: str) -> str:
        if film_language == "fr":
            return Version.VF
        return self.rng.choice((Version.VO, Version.VF))

    def _create_offers_and_showtimes(self) -> None:
        for key, films in self._programme().items():
            cinema = self.cinemas[key]
            venue = cinema.venue
            venue_today = to_local(self.at, venue.timezone).date()
            for film in films:
                offer = self._create_offer(cinema, film)
                for day_offset in range(DAYS_AHEAD):
                    if self.rng.random() > 0.55:
                        continue
                    day = venue_today + dt.timedelta(days=day_offset)
                    for hour, minute in sorted(self.rng.sample(data.SHOWTIME_SLOTS, self.rng.randint(1, 2))):
                        start = self._local(venue, day, hour, minute)
                        if start <= self.at + dt.timedelta(minutes=30):
                            continue
                        offer_services.create_stock(
                            offer=offer,
                            price_cents=cinema.data.base_price_cents + (100 if hour >= 20 else 0),
                            quantity=self.rng.choice(data.SEAT_LIMITS),
                            beginning=start,
                            version=self._version(film.language),
                        )

    def _create_cinema_card(self) -> None:
        card = data.CINEMA_CARD
        cinema = self.cinemas[card["cinema"]]
        offer = offer_services.create_offer(
            venue=cinema.venue,
            name=card["name"],
            description=card["description"],
            category=Category.CINEMA_CARD,
            extra_data={"demo": True},
        )
        offer_services.create_stock(offer=offer, price_cents=card["price_cents"], quantity=None)
        self.card_offer = offer

    def _create_free_screening(self) -> None:
        screening = data.FREE_SCREENING
        cinema = self.cinemas[screening["cinema"]]
        film = next(film for film in data.FILMS if film.title == screening["film"])
        offer = offer_services.create_offer(
            venue=cinema.venue,
            name=screening["name"],
            description=screening["description"],
            film=self.films[film.title],
            category=Category.SHOWTIME,
            duration_minutes=film.duration_minutes,
            languages=[film.language],
            extra_data={"genre": film.genre, "demo": True},
        )
        day = to_local(self.at, cinema.venue.timezone).date() + dt.timedelta(days=screening["days_ahead"])
        offer_services.create_stock(
            offer=offer,
            price_cents=0,
            quantity=screening["seats"],
            beginning=self._local(cinema.venue, day, *screening["time"]),
            version=self._version(film.language),
        )

    def _create_draft_offer(self) -> None:
        """An offer left halfway by the demo pro (film, details and showtimes done, no price yet): listed
        as « Brouillon » in /pro/offres/, « Reprendre » opens its price step; the app never shows it."""
        cinema = self.cinemas[data.CINEMA_CARD["cinema"]]
        shown = {offer.film_id for offer in cinema.offers}
        film = next(
            (self.films[f.title] for f in data.FILMS if self.films[f.title].pk not in shown),
            self.films[data.FILMS[0].title],
        )
        draft = drafts.start_draft(venue=cinema.venue, actor=None, film_id=film.pk)
        draft = drafts.save_draft_details(
            draft,
            actor=None,
            languages=["fr"],
            poster_choice=PosterChoice.FILM if film.poster else PosterChoice.NONE,
        )
        day = to_local(self.at, cinema.venue.timezone).date() + dt.timedelta(days=10)
        drafts.add_draft_showtimes(
            draft,
            Schedule(
                start_date=day,
                end_date=day + dt.timedelta(days=1),
                times=(dt.time(18, 0), dt.time(20, 30)),
                version=Version.VF,
            ),
            actor=None,
        )
        self.draft_offer = draft

    # --- Programmes imported from Allociné ---------------------------------------------------------

    def import_allocine_programmes(self) -> None:
        """Two cinemas get their programme through the real Allociné import, fed by the bundled feed.

        Idempotent: the theatre list is upserted, the settings reused and the import updates what it
        already created."""
        admin = get_user_model().objects.get(email=data.ADMIN_EMAIL)
        venues = {key: self._venue(key) for key, *_ in ALLOCINE_CINEMAS}
        rows = ["siret;theater_id;internal_id"]
        rows += [
            f"{venues[key].siret};{theater};{internal}" for key, theater, internal, _ in ALLOCINE_CINEMAS
        ]
        import_theaters_csv("\n".join(rows) + "\n", actor=admin, actor_label="démo")
        today_by_theater = {
            theater_id: to_local(self.at, venues[key].timezone).date()
            for key, theater_id, *_ in ALLOCINE_CINEMAS
        }
        transport = allocine_feed.replay_transport(today_by_theater)
        with AllocineClient(
            allocine_feed.DEMO_API_URL, allocine_feed.DEMO_API_KEY, transport=transport
        ) as client:
            for key, theater_id, _internal_id, is_duo in ALLOCINE_CINEMAS:
                settings_obj, _created = AllocineVenueSettings.objects.get_or_create(
                    venue=venues[key],
                    defaults={
                        "theater": AllocineTheater.objects.get(theater_id=theater_id),
                        "price_cents": ALLOCINE_PRICE_CENTS,
                        "quantity": ALLOCINE_SEATS,
                        "is_duo": is_duo,
                    },
                )
                sync_venue(settings_obj, client=client, at=self.at, poster_transport=transport)

    def _venue(self, key: str) -> Venue:
        if key in self.cinemas:
            return self.cinemas[key].venue
        name = next(
            cinema.name for offerer in data.OFFERERS for cinema in offerer.cinemas if cinema.key == key
        )
        return Venue.objects.get(name=name, siret__isnull=False)

    # --- Bookings ------------------------------------------------------------------------------

    def _past_stock(self, cinema: _Cinema, offer: Offer, start: dt.datetime) -> Stock:
        film_language = (offer.languages or ["fr"])[0]
        return offer_services.create_stock(
            offer=offer,
            price_cents=cinema.data.base_price_cents,
            quantity=None,
            beginning=start,
            version=self._version(film_language),
            at=start - PUBLISHED_BEFORE,
        )

    def _past_showtime(self, cinema: _Cinema, offer: Offer, days_ago: int, hour: int, minute: int) -> Stock:
        local_today = to_local(self.at, cinema.venue.timezone).date()
        start = self._local(cinema.venue, local_today - dt.timedelta(days=days_ago), hour, minute)
        return self._past_stock(cinema, offer, start)

    def _future_stock(self, offer: Offer, *, min_places: int = 2) -> Stock:
        stocks = [
            stock
            for stock in Stock.objects.filter(
                offer=offer, beginning_datetime__gt=self.at + dt.timedelta(days=3)
            )
            if stock.quantity is None or stock.quantity - stock.booked_quantity >= min_places
        ]
        return stocks[self.rng.randrange(len(stocks))]

    def _offer_with_future_stocks(
        self, cinema: _Cinema, *, exclude: set[int], duo: bool | None = None
    ) -> Offer:
        candidates = [
            offer
            for offer in cinema.offers
            if offer.pk not in exclude
            and (duo is None or offer.is_duo == duo)
            and Stock.objects.filter(
                offer=offer, beginning_datetime__gt=self.at + dt.timedelta(days=3)
            ).exists()
        ]
        return candidates[self.rng.randrange(len(candidates))]

    def _book(self, user, stock: Stock, *, at: dt.datetime, quantity: int = 1) -> Booking:
        return booking_services.book_offer(user, stock.pk, quantity, at=at)

    def _validate(self, cinema: _Cinema, booking: Booking, at: dt.datetime) -> Booking:
        return booking_services.validate_countermark(cinema.counter, booking.token, at=at)

    def _create_favourites(self) -> None:
        """jeune keeps two films and a cinema: the Favoris tab has something to show, with showtimes."""
        young = self.users[data.YOUNG_EMAIL]
        for title in data.FAVOURITE_FILMS:
            add_favourite(young, film_id=self.films[title].pk)
        add_favourite(young, venue_id=self.cinemas[data.FAVOURITE_CINEMA].venue.pk)

    def _create_bookings(self) -> None:
        pro = self.users[data.PRO_EMAIL]
        pro_counter = CounterActor.for_user(pro, device="démo")
        paris = self.cinemas["paris-st-michel"]
        belleville = self.cinemas["paris-belleville"]
        day = dt.timedelta(days=1)

        # jeune.depense: a reimbursed show, a used one, a duo to come, a cinema card, a cancellation.
        spender = self.users[data.YOUNG_SPENT_EMAIL]
        used_offers: set[int] = set()
        offer = self._offer_with_future_stocks(paris, exclude=used_offers)
        used_offers.add(offer.pk)
        stock = self._past_showtime(paris, offer, 30, 20, 30)
        booking = self._book(spender, stock, at=stock.beginning_datetime - 3 * day)
        booking = booking_services.validate_countermark(
            pro_counter, booking.token, at=stock.beginning_datetime - dt.timedelta(minutes=15)
        )
        mark_booking_reimbursed_for_demo(booking, self.at - 14 * day)

        offer = self._offer_with_future_stocks(belleville, exclude=used_offers)
        used_offers.add(offer.pk)
        stock = self._past_showtime(belleville, offer, 6, 18, 0)
        booking = self._book(spender, stock, at=stock.beginning_datetime - 3 * day)
        booking_services.validate_countermark(
            pro_counter, booking.token, at=stock.beginning_datetime - dt.timedelta(minutes=10)
        )

        offer = self._offer_with_future_stocks(paris, exclude=used_offers, duo=True)
        used_offers.add(offer.pk)
        self._book(spender, self._future_stock(offer), at=self.at - dt.timedelta(hours=2), quantity=2)

        self._book(spender, self.card_offer.stocks.get(), at=self.at - 3 * day)

        offer = self._offer_with_future_stocks(belleville, exclude=used_offers)
        booking = self._book(spender, self._future_stock(offer), at=self.at - day)
        booking_services.cancel_booking_by_beneficiary(
            spender, booking.pk, at=self.at - dt.timedelta(hours=20)
        )

        # jeune.expire: a show seen while the credit was valid, reimbursed since.
        expired = self.users[data.YOUNG_EXPIRED_EMAIL]
        lyon = self.cinemas["lyon-bellecour"]
        offer = self._offer_with_future_stocks(lyon, exclude=set())
        deposit_start = self.at - dt.timedelta(days=2 * 365 + 40)
        start = self._local(
            lyon.venue, to_local(deposit_start + 12 * day, lyon.venue.timezone).date(), 20, 30
        )
        stock = self._past_stock(lyon, offer, start)
        booking = self._book(expired, stock, at=deposit_start + 5 * day)
        booking = booking_services.validate_countermark(
            pro_counter, booking.token, at=start + dt.timedelta(minutes=5)
        )
        mark_booking_reimbursed_for_demo(booking, start + 20 * day)

        self._create_crowd_bookings()

    def _create_crowd_bookings(self) -> None:
        """The extra beneficiaries fill the cinemas' booking lists with every status."""
        showing = [cinema for cinema in self.cinemas.values() if cinema.offerer.is_validated]
        for index, (local, *_rest) in enumerate(data.EXTRA_BENEFICIARIES):
            user = self.users[data.demo_email(local)]
            cinema = showing[index % len(showing)]
            other = showing[(index + 3) % len(showing)]
            taken: set[int] = set()

            # Two shows to come.
            for place in (cinema, other):
                offer = self._offer_with_future_stocks(place, exclude=taken)
                taken.add(offer.pk)
                quantity = 2 if offer.is_duo and self.rng.random() < 0.5 else 1
                self._book(
                    user,
                    self._future_stock(offer),
                    at=self.at - dt.timedelta(hours=5 + index),
                    quantity=quantity,
                )

            # Yesterday's show, not validated yet: the counter can still validate it.
            offer = self._offer_with_future_stocks(cinema, exclude=taken)
            taken.add(offer.pk)
            stock = self._past_showtime(cinema, offer, 1, 20, 30)
            self._book(user, stock, at=stock.beginning_datetime - 4 * dt.timedelta(days=1))

            # Last week's show, validated at the counter.
            offer = self._offer_with_future_stocks(other, exclude=taken)
            taken.add(offer.pk)
            stock = self._past_showtime(other, offer, 8 + index, 18, 0)
            booking = self._book(user, stock, at=stock.beginning_datetime - 5 * dt.timedelta(days=1))
            booking = self._validate(other, booking, stock.beginning_datetime - dt.timedelta(minutes=20))
            if index % 2 == 0:
                mark_booking_reimbursed_for_demo(booking, self.at - dt.timedelta(days=2))

            # A show cancelled by the cinema.
            offer = self._offer_with_future_stocks(cinema, exclude=taken)
            taken.add(offer.pk)
            booking = self._book(user, self._future_stock(offer), at=self.at - dt.timedelta(days=2))
            booking_services.cancel_booking_by_offerer(
                cinema.counter, booking.pk, at=self.at - dt.timedelta(days=1, hours=index)
            )
