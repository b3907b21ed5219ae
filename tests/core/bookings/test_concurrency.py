"""Booking under real concurrency on PostgreSQL: each thread has its own database connection.

No timing assertions: the tests check outcomes (counts, balances) and ordering (a transaction that
must wait is observed waiting on a lock in pg_locks, and does not finish before the holder commits).
Threads are joined with timeouts and every connection gets a lock_timeout, so a deadlock or a lost
wake-up fails the test with a clear message instead of hanging CI.
"""

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from passculture.core.bookings import services, validation
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import Deposit
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import UserFactory


# serialized_rollback: a transactional test ends with a flush, which would also erase the credit
# policies seeded by migrations that later tests (and our factories) rely on.
def concurrent(test):
    marked = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.postgres_only(marked)


JOIN_TIMEOUT = 60  # seconds; only reached when something is stuck
LOCK_TIMEOUT = "20s"  # a thread waiting longer than this on a row lock errors out instead of hanging


class Outcome:
    def __init__(self, kind: str, value: Any = None) -> None:
        self.kind = kind  # "ok", "refused" (a DomainError, value = code) or "error" (anything else)
        self.value = value

    def __repr__(self) -> str:
        return f"{self.kind}:{self.value!r}"


def _prepare_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")


def _call(func: Callable[[], Any]) -> Outcome:
    try:
        return Outcome("ok", func())
    except DomainError as error:
        return Outcome("refused", error.code)
    except Exception as error:  # reported by the caller with the whole list of outcomes
        return Outcome("error", repr(error))


def run_concurrently(funcs: list[Callable[[], Any]]) -> list[Outcome]:
    """Runs each function in its own thread (own connection), all released at once by a barrier."""
    barrier = threading.Barrier(len(funcs))
    outcomes: list[Outcome | None] = [None] * len(funcs)

    def worker(index: int, func: Callable[[], Any]) -> None:
        try:
            _prepare_connection()  # connect before the barrier so the race is on the locks
            barrier.wait(timeout=JOIN_TIMEOUT)
            outcomes[index] = _call(func)
        except Exception as error:
            outcomes[index] = Outcome("error", f"thread setup: {error!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(i, f), daemon=True, name=f"booker-{i}")
        for i, f in enumerate(funcs)
    ]
    for thread in threads:
        thread.start()
    join_all(threads)
    assert all(o is not None for o in outcomes)
    return outcomes  # type: ignore[return-value]


def join_all(threads: list[threading.Thread]) -> None:
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.1))
    stuck = [t.name for t in threads if t.is_alive()]
    if stuck:
        pytest.fail(f"threads still running after {JOIN_TIMEOUT}s (deadlock or lost lock?): {stuck}")


def assert_no_errors(outcomes: list[Outcome]) -> None:
    errors = Counter(str(o.value)[:200] for o in outcomes if o.kind == "error")
    assert not errors, f"unexpected errors (not domain refusals), with counts: {dict(errors)}"


def active_quantity(stock: Stock) -> int:
    total = (
        Booking.objects.filter(stock=stock)
        .exclude(status=BookingStatus.CANCELLED)
        .aggregate(n=Sum("quantity"))["n"]
    )
    return total or 0


def active_spent(deposit: Deposit) -> int:
    rows = Booking.objects.filter(deposit=deposit).exclude(status=BookingStatus.CANCELLED)
    return sum(b.total_amount_cents for b in rows)


def soon_stock(venue, **fields) -> Stock:
    """A showtime tomorrow: booked now, it is 'last minute', hence validatable at once."""
    start = timezone.now() + dt.timedelta(days=1)
    return StockFactory(offer__venue=venue, beginning_datetime=start, booking_limit_datetime=start, **fields)


def new_beneficiary():
    user = UserFactory()
    DepositFactory(user=user)
    return user


# --- Places -----------------------------------------------------------------------------------


@concurrent
def test_forty_concurrent_bookings_of_a_ten_seat_showtime_make_exactly_ten(venue):
    stock = StockFactory(offer__venue=venue, quantity=10)
    users = [new_beneficiary() for _ in range(40)]

    outcomes = run_concurrently([lambda u=u: services.book_offer(u, stock.pk) for u in users])

    assert_no_errors(outcomes)
    kinds = Counter(o.kind for o in outcomes)
    assert kinds == {"ok": 10, "refused": 30}
    assert {o.value for o in outcomes if o.kind == "refused"} == {"NOT_ENOUGH_PLACES"}
    stock.refresh_from_db()
    assert stock.booked_quantity == 10
    assert Booking.objects.filter(stock=stock, status=BookingStatus.CONFIRMED).count() == 10
    booked_users = set(Booking.objects.filter(stock=stock).values_list("user_id", flat=True))
    assert all(
        Deposit.objects.get(user_id=u.pk).spent_cents == (stock.price_cents if u.pk in booked_users else 0)
        for u in users
    )


# --- Credit -----------------------------------------------------------------------------------


@concurrent
def test_parallel_bookings_by_one_beneficiary_never_spend_more_than_the_deposit(venue, beneficiary):
    stocks = [StockFactory(offer__venue=venue, price_cents=20_00) for _ in range(20)]

    outcomes = run_concurrently([lambda s=s: services.book_offer(beneficiary, s.pk) for s in stocks])

    assert_no_errors(outcomes)
    assert Counter(o.kind for o in outcomes) == {"ok": 15, "refused": 5}
    assert {o.value for o in outcomes if o.kind == "refused"} == {"INSUFFICIENT_CREDIT"}
    deposit = Deposit.objects.get(user=beneficiary)
    assert deposit.spent_cents == 300_00 == active_spent(deposit)
    assert Booking.objects.filter(user=beneficiary).count() == 15


# --- Counter: validation racing cancellation -----------------------------------------------------


@concurrent
def test_cancellation_racing_validation_has_exactly_one_winner(venue, pro):
    actor = services.CounterActor.for_user(pro)
    stock = soon_stock(venue, quantity=100)
    rounds = 20
    winners: Counter = Counter()

    for round_no in range(rounds):
        user = new_beneficiary()
        booking = services.book_offer(user, stock.pk)
        if round_no % 2:
            cancel = lambda b=booking: services.cancel_booking_by_offerer(actor, b.pk)  # noqa: E731
        else:
            cancel = lambda b=booking: services.cancel_countermark(actor, b.token)  # noqa: E731
        validate = lambda b=booking: services.validate_countermark(actor, b.token)  # noqa: E731

        validated, cancelled = run_concurrently([validate, cancel])

        assert_no_errors([validated, cancelled])
        booking.refresh_from_db()
        deposit = Deposit.objects.get(user=user)
        if booking.status == BookingStatus.USED:
            assert (validated.kind, cancelled.kind) == ("ok", "refused"), (validated, cancelled)
            assert cancelled.value == "BOOKING_ALREADY_USED"
            assert deposit.spent_cents == booking.total_amount_cents
        else:
            assert booking.status == BookingStatus.CANCELLED, booking.status
            assert (validated.kind, cancelled.kind) == ("refused", "ok"), (validated, cancelled)
            assert validated.value == "BOOKING_CANCELLED"
            assert booking.used_at is None
            assert deposit.spent_cents == 0
        winners[booking.status] += 1
        stock.refresh_from_db()
        assert stock.booked_quantity == active_quantity(stock), f"round {round_no}"

    assert sum(winners.values()) == rounds


# --- Lock ordering: a booking waits for the stock lock, then re-checks --------------------------


def _backend_waits_on_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


@concurrent
def test_booking_waits_for_the_stock_lock_and_rechecks_places_after_it(venue, beneficiary):
    stock = StockFactory(offer__venue=venue, quantity=5)
    ready, finished = threading.Event(), threading.Event()
    state: dict[str, Any] = {}

    def book_as_b() -> None:
        try:
            _prepare_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            ready.set()
            state["outcome"] = _call(lambda: services.book_offer(beneficiary, stock.pk))
        finally:
            finished.set()
            connection.close()

    b = threading.Thread(target=book_as_b, daemon=True, name="connection-B")
    with transaction.atomic():  # connection A
        locked = Stock.objects.select_for_update().get(pk=stock.pk)
        b.start()
        assert ready.wait(JOIN_TIMEOUT), "connection B never started"
        waited = _poll(lambda: _backend_waits_on_lock(state["pid"]) or finished.is_set())
        assert waited, "connection B neither waited on a lock nor finished"
        assert not finished.is_set(), f"B finished while A held the stock lock: {state.get('outcome')}"
        # While B waits, A sells the last places: B must see this after it gets the lock.
        Stock.objects.filter(pk=locked.pk).update(quantity=F("booked_quantity"))
    join_all([b])

    assert state["outcome"].kind == "refused", state["outcome"]
    assert state["outcome"].value == "NOT_ENOUGH_PLACES"
    assert not Booking.objects.filter(stock=stock).exists()
    assert Deposit.objects.get(user=beneficiary).spent_cents == 0


@concurrent
def test_booking_that_waits_for_the_deposit_lock_reads_the_clock_after_it(venue, beneficiary):
    stock = StockFactory(offer__venue=venue)
    deposit = Deposit.objects.get(user=beneficiary)
    ready, finished = threading.Event(), threading.Event()
    state: dict[str, Any] = {}

    def book_as_b() -> None:
        try:
            _prepare_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            ready.set()
            state["outcome"] = _call(lambda: services.book_offer(beneficiary, stock.pk))
        finally:
            finished.set()
            connection.close()

    b = threading.Thread(target=book_as_b, daemon=True, name="connection-B")
    with transaction.atomic():  # connection A: another booking of the same beneficiary holds the deposit
        Deposit.objects.select_for_update().get(pk=deposit.pk)
        b.start()
        assert ready.wait(JOIN_TIMEOUT), "connection B never started"
        waited = _poll(lambda: _backend_waits_on_lock(state["pid"]) or finished.is_set())
        assert waited, "connection B neither waited on a lock nor finished"
        assert not finished.is_set(), f"B finished while A held the deposit lock: {state.get('outcome')}"
        # The credit expires while B waits: B must read the clock once it holds the lock.
        Deposit.objects.filter(pk=deposit.pk).update(expires_at=timezone.now())
    join_all([b])

    assert state["outcome"].kind == "refused", state["outcome"]
    assert state["outcome"].value == "DEPOSIT_EXPIRED"
    assert not Booking.objects.filter(stock=stock).exists()
    stock.refresh_from_db()
    assert stock.booked_quantity == 0


def _poll(condition: Callable[[], bool]) -> bool:
    """Waits until `condition` holds (an ordering check, not a speed check); False after the timeout."""
    deadline = time.monotonic() + JOIN_TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# --- Beneficiary: cancel racing a re-booking of the same offer ------------------------------------


@concurrent
def test_cancel_racing_rebooking_of_the_same_offer_keeps_one_active_booking(venue):
    rounds = 20
    rebooked = 0
    for round_no in range(rounds):
        user = new_beneficiary()
        offer = OfferFactory(venue=venue)
        first_stock = StockFactory(offer=offer, price_cents=10_00)
        # Half the rounds re-book the same showtime, half another showtime of the same film.
        other_stock = first_stock if round_no % 2 else StockFactory(offer=offer, price_cents=12_00)
        first = services.book_offer(user, first_stock.pk)

        cancelled, rebooking = run_concurrently(
            [
                lambda u=user, b=first: services.cancel_booking_by_beneficiary(u, b.pk),
                lambda u=user, s=other_stock: services.book_offer(u, s.pk),
            ]
        )

        assert_no_errors([cancelled, rebooking])
        assert cancelled.kind == "ok", cancelled
        if rebooking.kind == "refused":
            assert rebooking.value == "ALREADY_BOOKED"
        else:
            rebooked += 1
        active = Booking.objects.filter(user=user, offer=offer).exclude(status=BookingStatus.CANCELLED)
        assert active.count() == (1 if rebooking.kind == "ok" else 0)
        deposit = Deposit.objects.get(user=user)
        assert deposit.spent_cents == active_spent(deposit)
        for stock in {first_stock, other_stock}:
            stock.refresh_from_db()
            assert stock.booked_quantity == active_quantity(stock), f"round {round_no}"
    assert 0 <= rebooked <= rounds


# --- The database refuses what Python might get wrong (runs on SQLite too) -----------------------


@pytest.mark.django_db
def test_database_refuses_booked_quantity_above_quantity_even_without_python_checks(stock):
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(booked_quantity=F("quantity") + 1)


@pytest.mark.django_db
def test_database_refuses_a_deposit_overspend_even_without_python_checks(beneficiary):
    with pytest.raises(IntegrityError), transaction.atomic():
        Deposit.objects.filter(user=beneficiary).update(spent_cents=F("amount_cents") + 1)


@pytest.mark.django_db
def test_database_refuses_a_second_active_booking_of_the_same_offer(beneficiary, stock):
    BookingFactory(user=beneficiary, stock=stock)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingFactory(user=beneficiary, stock=stock)


# --- Locks cover the booked rows only -----------------------------------------------------------


@concurrent
def test_bookings_of_two_showtimes_of_one_cinema_do_not_wait_for_each_other(venue, monkeypatch):
    first, second = StockFactory(offer__venue=venue), StockFactory(offer__venue=venue)
    a_holds_locks, release_a, b_finished = threading.Event(), threading.Event(), threading.Event()
    state: dict[str, Any] = {}
    real_check = validation.check_stock_is_bookable

    def check_then_pause_in_a(stock, at, quantity=1):
        real_check(stock, at, quantity)
        if threading.current_thread().name == "A":
            a_holds_locks.set()  # A is inside book_offer, after taking its locks
            release_a.wait(JOIN_TIMEOUT)

    monkeypatch.setattr(validation, "check_stock_is_bookable", check_then_pause_in_a)

    def book(name: str, stock: Stock, done: threading.Event | None = None) -> threading.Thread:
        def run() -> None:
            try:
                _prepare_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    state[f"{name}_pid"] = cursor.fetchone()[0]
                state[name] = _call(lambda: services.book_offer(new_beneficiary(), stock.pk))
            finally:
                if done is not None:
                    done.set()
                connection.close()

        thread = threading.Thread(target=run, daemon=True, name=name)
        thread.start()
        return thread

    a = book("A", first)
    try:
        assert a_holds_locks.wait(JOIN_TIMEOUT), f"A never reached its locked section: {state.get('A')}"
        b = book("B", second, b_finished)
        _poll(lambda: b_finished.is_set() or ("B_pid" in state and _backend_waits_on_lock(state["B_pid"])))
        assert b_finished.is_set(), "B waits for A's locks although they book different showtimes"
    finally:
        release_a.set()
    join_all([a, b])
    assert state["A"].kind == state["B"].kind == "ok", state


# --- Lock order: a cancellation racing the deletion of its showtime ------------------------------


@concurrent
def test_beneficiary_cancel_racing_showtime_deletion_never_deadlocks(venue, pro, beneficiary, monkeypatch):
    from passculture.core.offers import services as offer_services

    stock = StockFactory(offer__venue=venue, quantity=10)
    booking = services.book_offer(beneficiary, stock.pk)
    a_holds_locks, release_a = threading.Event(), threading.Event()
    state: dict[str, Any] = {}
    real_now = services.utcnow

    def now_then_pause_in_a():
        if threading.current_thread().name == "cancel":
            a_holds_locks.set()  # the cancellation has locked what it locks before reading the clock
            release_a.wait(JOIN_TIMEOUT)
        return real_now()

    monkeypatch.setattr(services, "utcnow", now_then_pause_in_a)

    def start(name: str, func: Callable[[], Any]) -> threading.Thread:
        def run() -> None:
            try:
                _prepare_connection()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    state[f"{name}_pid"] = cursor.fetchone()[0]
                state[name] = _call(func)
            finally:
                connection.close()

        thread = threading.Thread(target=run, daemon=True, name=name)
        thread.start()
        return thread

    cancel = start("cancel", lambda: services.cancel_booking_by_beneficiary(beneficiary, booking.pk))
    try:
        assert a_holds_locks.wait(JOIN_TIMEOUT), f"the cancellation never got its locks: {state}"
        delete = start("delete", lambda: offer_services.delete_stock(stock.pk, actor=pro))
        _poll(
            lambda: (
                "delete" in state or ("delete_pid" in state and _backend_waits_on_lock(state["delete_pid"]))
            )
        )
    finally:
        release_a.set()
    join_all([cancel, delete])

    assert_no_errors([state["cancel"], state["delete"]])
    assert state["cancel"].kind == "ok", state["cancel"]
    assert state["delete"].kind == "ok" and state["delete"].value == 0, state["delete"]
    stock.refresh_from_db()
    assert stock.is_deleted and stock.booked_quantity == 0
    assert Deposit.objects.get(user=beneficiary).spent_cents == 0
