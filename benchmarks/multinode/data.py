"""The data of the multi-node run, seeded in the scenario's own process through the project's code, and
the checks made on the database afterwards.

- Search: a national corpus from the `offer_search` generator (cinemas in real communes, films, a
  fortnight of showtimes), smaller; the search points come from the same module.
- Bookings: one cinema whose showtimes start tomorrow (so that a booking made now can be validated at
  the counter at once: booked less than 48 h before the show, rule B-COUNTER), half of them small so
  that they sell out during the run and the place check is contended; beneficiaries sharing them, a
  quarter with only 50 EUR so that the credit check is contended too; an access token each.
- Counter: an API key of the cinema's offerer and countermarks of bookings made before the load."""

import datetime as dt
import random
from types import SimpleNamespace


def seed(
    *, seed: int, venues: int, offers: int, showtimes: int, beneficiaries: int, countermarks: int
) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.scenarios import offer_search
    from passculture.core.bookings.services import book_offer
    from passculture.core.credit.factories import DepositFactory
    from passculture.core.credit.models import Deposit
    from passculture.core.films.models import Film
    from passculture.core.offerers.api_keys import create_api_key
    from passculture.core.offerers.factories import MembershipFactory, VenueFactory
    from passculture.core.offers.factories import OfferFactory, StockFactory
    from passculture.core.offers.models import Offer
    from passculture.core.users.constants import Role
    from passculture.core.users.models import User
    from passculture.core.users.tokens import issue_access_token

    rng = random.Random(seed)
    at = timezone.now()
    corpus_args = SimpleNamespace(
        venues=venues, offers=offers, showtimes=showtimes, seed=seed, points=200, empty_share=0.1, radius=20
    )
    corpus = offer_search.generate(corpus_args, at)
    offer_search.analyze()
    points = [
        (p["latitude"], p["longitude"]) for p in offer_search.make_points(corpus_args, corpus["venues"])
    ]
    films = list(
        Offer.objects.filter(is_active=True, film__isnull=False, venue__validation_status="VALIDATED")
        .order_by("id")
        .values_list("film_id", "id")[:2000]
    )

    start = at + dt.timedelta(hours=26)
    with transaction.atomic():
        venue = VenueFactory(name="Cinéma du banc d'essai")
        admin = MembershipFactory(offerer=venue.offerer).user
        film = Film.objects.create(title="Le Banc d'essai", title_key="le banc d'essai")
        stocks = [
            StockFactory(
                offer=OfferFactory(venue=venue, film=film, name=film.title),
                quantity=12 if i % 2 == 0 else 400,
                price_cents=rng.randrange(5_00, 12_01, 50),
                beginning_datetime=start + dt.timedelta(minutes=15 * i),
                booking_limit_datetime=start + dt.timedelta(minutes=15 * i),
            )
            for i in range(40)
        ]
        birth = timezone.localdate().replace(year=timezone.localdate().year - 18) - dt.timedelta(days=30)
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(
                email=f"multinode{i}@example.com",
                first_name="Camille",
                last_name=f"Noeud{i}",
                role=Role.BENEFICIARY,
                is_email_validated=True,
                birth_date=birth,
                password=unusable,
            )
            for i in range(beneficiaries)
        )
        Deposit.objects.bulk_create(
            DepositFactory.build(user=user, **({"amount_cents": 50_00} if i % 4 == 0 else {}))
            for i, user in enumerate(users)
        )
    key = create_api_key(venue.offerer_id, actor=admin, label="banc d'essai multinode").clear_key
    large = [s.pk for s in stocks if s.quantity == 400]
    tokens = []
    for user in rng.sample(users, min(countermarks, len(users))):
        tokens.append(book_offer(user, rng.choice(large)).token)
    return {
        "points": points,
        "films": films,
        "stocks": [s.pk for s in stocks],
        "access_tokens": [issue_access_token(user) for user in users],
        "api_key": key,
        "countermarks": tokens,
        "counts": {
            **corpus["counts"],
            "booking_showtimes": len(stocks),
            "beneficiaries": len(users),
            "bookings_before_load": len(tokens),
        },
    }


def check_money_and_bookings(
    booked_ids: list[int], validated_tokens: list[str], stock_ids: list[int]
) -> dict:
    """Money invariants (booking_contention's own checks) and that no booking the load tool saw succeed
    is lost: each is in the database, not cancelled; each countermark seen validated is USED."""
    from benchmarks.scenarios.booking_contention import check_invariants
    from passculture.core.bookings.constants import BookingStatus
    from passculture.core.bookings.models import Booking

    checks = check_invariants(len(booked_ids), stock_ids)
    seen = set(booked_ids)
    found = dict(Booking.objects.filter(pk__in=seen).values_list("pk", "status"))
    checks["bookings_seen_by_load_tool"] = len(seen)
    checks["bookings_seen_twice"] = len(booked_ids) - len(seen)
    checks["bookings_lost"] = len(seen - set(found))
    checks["bookings_seen_but_cancelled"] = sum(1 for s in found.values() if s == BookingStatus.CANCELLED)
    used = Booking.objects.filter(token__in=validated_tokens, status=BookingStatus.USED).count()
    checks["countermarks_validated_by_load_tool"] = len(validated_tokens)
    checks["countermarks_validated_not_used_in_db"] = len(validated_tokens) - used
    checks["ok"] = (
        checks["oversell"] == 0
        and checks["overspend"] == 0
        and checks["bookings_lost"] == 0
        and checks["bookings_seen_twice"] == 0
        and checks["bookings_seen_but_cancelled"] == 0
        and checks["countermarks_validated_not_used_in_db"] == 0
    )
    return checks


def check_emails(received: list[str]) -> dict:
    """Every outbox email sent exactly once: each SENT row's Message-ID reached the mail server once,
    nothing reached it that is not a SENT row, nothing due is still waiting."""
    from collections import Counter

    from django.db.models import Count

    from passculture.core.notifications.models import EmailStatus, OutboxEmail

    by_status = dict(OutboxEmail.objects.values_list("status").annotate(n=Count("id")).order_by())
    sent_ids = {
        headers.get("Message-ID")
        for headers in OutboxEmail.objects.filter(status=EmailStatus.SENT).values_list("headers", flat=True)
    }
    counts = Counter(received)
    checks = {
        "outbox_by_status": by_status,
        "received_by_mail_server": len(received),
        "received_twice_or_more": sum(1 for n in counts.values() if n > 1),
        "sent_but_not_received": len(sent_ids - set(counts)),
        "received_but_not_sent": len(set(counts) - sent_ids),
        # Due now and not sent; one deferred to 08:00 by quiet hours (a run at night) waits legitimately.
        "still_pending": pending_emails(),
        "deferred_by_quiet_hours": by_status.get(EmailStatus.PENDING, 0) - pending_emails(),
        "failed": by_status.get(EmailStatus.FAILED, 0),
    }
    checks["ok"] = (
        len(sent_ids) > 0
        and checks["received_twice_or_more"] == 0
        and checks["sent_but_not_received"] == 0
        and checks["received_but_not_sent"] == 0
        and checks["still_pending"] == 0
        and checks["failed"] == 0
    )
    return checks


def pending_emails() -> int:
    """PENDING emails already due or being sent (one deferred past quiet hours is not due yet)."""
    from django.db.models import Q
    from django.utils import timezone

    from passculture.core.notifications.models import EmailStatus, OutboxEmail

    # A claimed email (attempts > 0) has its next attempt pushed by the claim's lease: it is not deferred.
    due = Q(next_attempt_at__lte=timezone.now()) | Q(attempts__gt=0)
    return OutboxEmail.objects.filter(due, status=EmailStatus.PENDING).count()


def job_claims() -> dict[str, str | None]:
    """The last start of each job (JobRun), as the scenario polls it during the run."""
    from passculture.core.jobs.models import JobRun

    return {
        name: (at.isoformat() if at else None)
        for name, at in JobRun.objects.values_list("name", "last_started_at")
    }
