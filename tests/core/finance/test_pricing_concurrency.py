"""Pricing under real concurrency on PostgreSQL (one connection per thread; outcomes only)."""

import datetime as dt
import threading
import time

from django.db.models import Sum
from django.utils import timezone

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor
from passculture.core.finance import pricing
from passculture.core.finance.factories import UsedBookingFactory
from passculture.core.finance.models import Pricing, PricingCounter
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.core.bookings.test_concurrency import concurrent, run_concurrently


def _assert_counters_match_pricings():
    for counter in PricingCounter.objects.all():
        total = Pricing.objects.filter(venue_id=counter.scope_id, year=counter.year).aggregate(
            total=Sum("booking_amount_cents")
        )["total"]
        assert counter.revenue_cents == (total or 0), counter


@concurrent
def test_two_runs_at_once_price_each_booking_once():
    yesterday = timezone.now() - dt.timedelta(days=1)
    bookings = [
        UsedBookingFactory(
            stock__offer__venue=venue, amount_cents=9_000_00, used_at=yesterday + dt.timedelta(minutes=i)
        )
        for venue in (VenueFactory(), VenueFactory(), VenueFactory())
        for i in range(4)
    ]
    outcomes = run_concurrently([pricing.price_bookings, pricing.price_bookings])
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert sum(o.value["priced"] for o in outcomes) == len(bookings)
    assert Pricing.objects.count() == len(bookings)
    _assert_counters_match_pricings()
    # 4 x 9,000 per venue: 9,000 and 18,000 at 100 %, then 27,000 and 36,000 at 95 %.
    assert sorted(Pricing.objects.values_list("reimbursed_cents", flat=True)) == [855_000] * 6 + [900_000] * 6


@concurrent
def test_an_undo_racing_a_pricing_run_leaves_no_pricing_of_an_unused_booking():
    venue = VenueFactory()
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    yesterday = timezone.now() - dt.timedelta(days=1)
    first = UsedBookingFactory(stock__offer__venue=venue, amount_cents=19_995_00, used_at=yesterday)
    later = [
        UsedBookingFactory(
            stock__offer__venue=venue, amount_cents=10_00, used_at=yesterday + dt.timedelta(minutes=i + 1)
        )
        for i in range(3)
    ]
    outcomes = run_concurrently(
        [
            pricing.price_bookings,
            lambda: booking_services.undo_validation(CounterActor.for_user(pro), first.token),
        ]
    )
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert Booking.objects.get(pk=first.pk).status == BookingStatus.CONFIRMED
    assert not Pricing.objects.filter(booking=first).exists()
    # Whatever the order, the later ones end up priced without the undone booking's revenue.
    pricing.price_bookings()
    assert set(Pricing.objects.values_list("booking_id", "revenue_before_cents", "reimbursed_cents")) == {
        (booking.pk, 10_00 * i, 10_00) for i, booking in enumerate(later)
    }
    _assert_counters_match_pricings()


@concurrent
def test_two_undos_and_a_run_on_one_venue_at_once_stay_consistent():
    venue = VenueFactory()
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    yesterday = timezone.now() - dt.timedelta(days=1)
    bookings = [
        UsedBookingFactory(
            stock__offer__venue=venue, amount_cents=12_000_00, used_at=yesterday + dt.timedelta(minutes=i)
        )
        for i in range(5)
    ]
    pricing.price_bookings(at=yesterday + dt.timedelta(minutes=2, seconds=30))  # the first three
    actor = CounterActor.for_user(pro)
    outcomes = run_concurrently(
        [
            lambda: booking_services.undo_validation(actor, bookings[0].token),
            lambda: booking_services.undo_validation(actor, bookings[1].token),
            pricing.price_bookings,
        ]
    )
    assert [o.kind for o in outcomes] == ["ok", "ok", "ok"], outcomes
    rows = list(Pricing.objects.order_by("validated_at", "booking_id"))
    assert [row.booking_id for row in rows] == [b.pk for b in bookings[2:]]
    assert [row.revenue_before_cents for row in rows] == [0, 12_000_00, 24_000_00]
    assert [row.reimbursed_cents for row in rows] == [12_000_00, 11_400_00, 11_400_00]
    _assert_counters_match_pricings()


PRICED_COLUMNS = (
    "booking_id",
    "year",
    "revenue_before_cents",
    "revenue_after_cents",
    "scale_id",
    "bracket",
    "rate",
    "reimbursed_cents",
    "event_at",
)


@concurrent
def test_worker_processes_price_exactly_like_one_process():
    """price_bookings(workers=3) forks three processes, each with its own connection and its shard of
    venues: the pricings and counters are those of a single run, crossing 20,000 EUR included."""
    venues = [VenueFactory() for _ in range(5)]
    start = timezone.now() - dt.timedelta(days=20)
    for index, venue in enumerate(venues):
        for i in range(4 + index):
            UsedBookingFactory(
                stock__offer__venue=venue,
                amount_cents=3_000_00 + 7 * i,
                quantity=1 + i % 2,
                used_at=start + dt.timedelta(hours=i * 7 + index),
            )

    result = pricing.price_bookings(workers=3)
    assert result["priced"] == Booking.objects.count()
    assert result["groups"] == len(venues)
    in_parallel = set(Pricing.objects.values_list(*PRICED_COLUMNS))
    counters = set(PricingCounter.objects.values_list("scope_id", "year", "revenue_cents"))
    assert any(rate < 1 for rate in Pricing.objects.values_list("rate", flat=True))  # above 20,000 EUR

    Pricing.objects.all().delete()
    PricingCounter.objects.all().delete()
    assert pricing.price_bookings()["priced"] == len(in_parallel)
    assert set(Pricing.objects.values_list(*PRICED_COLUMNS)) == in_parallel
    assert set(PricingCounter.objects.values_list("scope_id", "year", "revenue_cents")) == counters
    _assert_counters_match_pricings()


@concurrent
def test_a_run_prices_a_booking_whose_undo_waits_for_its_counter_and_the_undo_removes_it(monkeypatch):
    """The exact interleaving: the run holds the venue's counter; the undo locks the booking and waits
    for that counter; the run reads the booking (still USED for it), prices it and commits; the undo
    then finds the pricing and deletes it. Nothing deadlocks (no lock on the booking at the run's
    commit) and no pricing of an unused booking is left."""
    venue = VenueFactory()
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    yesterday = timezone.now() - dt.timedelta(days=1)
    undone = UsedBookingFactory(stock__offer__venue=venue, amount_cents=20_00, used_at=yesterday)
    kept = UsedBookingFactory(
        stock__offer__venue=venue, amount_cents=10_00, used_at=yesterday + dt.timedelta(minutes=1)
    )
    counters_held = threading.Event()
    real_lock_counters = pricing.lock_counters

    def lock_counters_then_wait_for_the_undo(*args, **kwargs):
        counters = real_lock_counters(*args, **kwargs)
        counters_held.set()
        _wait_until_a_backend_waits_on_a_lock()
        return counters

    monkeypatch.setattr(pricing, "lock_counters", lock_counters_then_wait_for_the_undo)

    def undo():
        assert counters_held.wait(timeout=30)
        with monkeypatch.context() as inner:
            inner.setattr(pricing, "lock_counters", real_lock_counters)
            return booking_services.undo_validation(CounterActor.for_user(pro), undone.token)

    outcomes = run_concurrently([pricing.price_bookings, undo])
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert outcomes[0].value["priced"] == 2  # the run priced the booking being undone ...
    monkeypatch.setattr(pricing, "lock_counters", real_lock_counters)
    assert Booking.objects.get(pk=undone.pk).status == BookingStatus.CONFIRMED
    # ... and the undo removed that pricing and priced the later booking again without its revenue.
    assert list(Pricing.objects.values_list("booking_id", "revenue_before_cents")) == [(kept.pk, 0)]
    _assert_counters_match_pricings()


def _wait_until_a_backend_waits_on_a_lock() -> None:
    from django.db import connection

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the undo never waited on a lock")
