"""Booking throughput on PostgreSQL under contention, beside pgbench -N measured in the same run.

N client processes book random showtimes among M (limited seats) during a fixed time, each through
core.bookings.services.book_offer, the code path of the app and the API. The beneficiaries are shared
by all clients, so clients fight over stock rows and over deposit rows. At the end the database must
show zero oversell and zero overspend; a fast but wrong run fails.

Processes, not threads: book_offer spends much of its time in Python (ORM query building, model
instances, audit and outbox rows). Threads would be serialised by the GIL, so the number would
measure one CPU core running Python rather than PostgreSQL's row locking, and would not be
comparable with pgbench, whose C clients are not limited that way. Each process has its own
connection, like one gunicorn worker.

The data must outlast the run, or bookings/s measures its size: half the showtimes are large and must
not sell out, and most of the credit granted must be left at the end. The run reports what it used
(`supply`) and says when the data ran out (`supply_ran_out`): its ratio is then not a speed. The
defaults (2,000 seats, 600 beneficiaries per client) keep both under half at 500 bookings/s.

pgbench -N (TPC-B without the branch/teller updates: 3 UPDATE/SELECT/INSERT on accounts and
history) runs in the same run on a scratch database with the same number of clients and the same
duration. The ratio bookings/s / pgbench TPS says what fraction of this machine's raw transactional
throughput a booking costs; compare ratios between runs and machines, never raw numbers.
"""

import argparse
import logging
import multiprocessing as mp
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from urllib.parse import unquote, urlsplit

from benchmarks.databases import database_name, drop_postgres, recreate_postgres, with_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pc_bench"
READY_TIMEOUT = 120  # seconds for the client processes to start and connect


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--clients", type=int, default=8, help="concurrent client processes (N)")
    group.add_argument("--showtimes", type=int, default=20, help="showtimes to book (M)")
    group.add_argument("--seats", type=int, default=2000, help="seats of the odd showtimes")
    group.add_argument(
        "--hot-seats", type=int, default=10, help="seats of the even showtimes, which sell out early"
    )
    group.add_argument(
        "--beneficiaries-per-client", type=int, default=600, help="k: N*k beneficiaries, shared"
    )
    group.add_argument("--duration", type=int, default=15, help="seconds of booking (and of pgbench)")
    group.add_argument("--seed", type=int, default=1)
    group.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_DATABASE_URL,
        help="PostgreSQL database to DROP and recreate (default: BENCH_DATABASE_URL, DATABASE_URL, "
        f"then {DEFAULT_DATABASE_URL})",
    )
    group.add_argument(
        "--allow-drop",
        action="store_true",
        help="allow dropping a database whose name does not contain 'bench'",
    )
    group.add_argument(
        "--emails",
        choices=["queued", "inline"],
        default="queued",
        help="queued: enqueued after commit as with a broker (default); inline: sent in the client",
    )
    group.add_argument("--no-pgbench", action="store_true", help="skip the pgbench reference")


# --- Databases ----------------------------------------------------------------------------------


def setup_django(url: str, email_delivery: str = "queued") -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")
    # No mail leaves a benchmark, whatever the caller's environment says.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    if email_delivery == "queued":
        # An in-memory broker: after commit a booking enqueues its emails as it would in production
        # with Redis, and no worker sends them. "inline" is the embedded default (no broker): they
        # are built and handed to the (dummy) mail backend in the client, after the commit.
        os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("passculture").setLevel(logging.WARNING)  # one INFO line per email otherwise
    # DEBUG keeps every SQL query in memory: a cost that production does not pay.
    settings.DEBUG = False


# --- Data ---------------------------------------------------------------------------------------


def generate_data(args: argparse.Namespace) -> dict:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from passculture.core.credit.factories import DepositFactory
    from passculture.core.credit.models import Deposit
    from passculture.core.offerers.factories import VenueFactory
    from passculture.core.offers.factories import OfferFactory, StockFactory
    from passculture.core.users.constants import Role
    from passculture.core.users.models import User

    rng = random.Random(args.seed)
    start = timezone.now() + dt.timedelta(days=10)
    unusable = make_password(None)
    with transaction.atomic():
        venue = VenueFactory()
        # Half the showtimes are small and sell out within seconds: the place check is contended and
        # the refusals are real. The others are large enough that the run never runs out of places,
        # so bookings/s measures booking, not the size of the data set.
        stocks = [
            StockFactory(
                offer=OfferFactory(venue=venue, name=f"Film {i}"),
                quantity=args.hot_seats if i % 2 == 0 else args.seats,
                price_cents=rng.randrange(5_00, 80_01, 50),
                beginning_datetime=start + dt.timedelta(hours=i),
                booking_limit_datetime=start + dt.timedelta(hours=i),
            )
            for i in range(args.showtimes)
        ]
        count = args.clients * args.beneficiaries_per_client
        birth = timezone.localdate().replace(year=timezone.localdate().year - 18) - dt.timedelta(days=30)
        users = User.objects.bulk_create(
            User(
                email=f"bench{i}@example.com",
                first_name="Camille",
                last_name=f"Banc{i}",
                role=Role.BENEFICIARY,
                is_email_validated=True,
                birth_date=birth,
                password=unusable,
            )
            for i in range(count)
        )
        # A quarter have only 50 EUR (like the 2025 grant at 17): they run out of credit during the
        # run, so the credit check is contended too; the others keep enough not to cap bookings/s.
        Deposit.objects.bulk_create(
            DepositFactory.build(user=user, **({"amount_cents": 50_00} if i % 4 == 0 else {}))
            for i, user in enumerate(users)
        )
    return {"stock_ids": [s.pk for s in stocks], "user_ids": [u.pk for u in users]}


# --- Lock hold time of the stock row ----------------------------------------------------------


class StockLockTimer:
    """How long each attempt holds the stock row's lock, measured in the client around the statements.

    The lock is taken by the first statement on `offers_stock` that locks a row and touches one: the
    conditional UPDATE of the places, or SELECT ... FOR UPDATE (the slow path, and the code before
    decision 0039). It is released by the COMMIT or ROLLBACK; the hold runs from the moment the locking
    statement returned to the moment the COMMIT/ROLLBACK returned (so it includes one round trip of
    the COMMIT: an upper bound). `wait` is the duration of the locking statement itself (lock wait
    included). Read in the client rather than from pg_locks/pg_stat_activity: sampling those misses
    holds of a few milliseconds, and the client knows exactly which statement took the lock."""

    def __init__(self) -> None:
        self.locked_at: float | None = None
        self.holds: list[float] = []
        self.waits: list[float] = []

    @staticmethod
    def locks_stock(sql: str) -> bool:
        if sql.startswith('UPDATE "offers_stock"'):
            return True
        return sql.startswith("SELECT") and 'FROM "offers_stock"' in sql and " FOR UPDATE" in sql

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        if self.locked_at is None and self.locks_stock(sql) and context["cursor"].rowcount > 0:
            self.locked_at = time.perf_counter()
            self.waits.append(self.locked_at - started)
        return result

    def ended(self, end):
        def wrapped():
            try:
                return end()
            finally:
                if self.locked_at is not None:
                    self.holds.append(time.perf_counter() - self.locked_at)
                    self.locked_at = None

        return wrapped

    def install(self, connection) -> None:
        connection.execute_wrappers.append(self)
        connection._commit = self.ended(connection._commit)
        connection._rollback = self.ended(connection._rollback)


# --- Clients ------------------------------------------------------------------------------------


def client_main(url, emails, index, user_ids, stock_ids, seed, duration, barrier, results) -> None:
    """One client process: books random (beneficiary, showtime) pairs until its time is up."""
    try:
        setup_django(url, emails)
        from django.db import connection, connections

        from passculture.core.bookings.services import book_offer
        from passculture.core.common.exceptions import DomainError
        from passculture.core.users.models import User

        users = list(User.objects.filter(pk__in=user_ids))
        rng = random.Random(seed * 1000 + index)
        outcomes: Counter = Counter()
        errors: Counter = Counter()
        latencies: list[float] = []
        timer = StockLockTimer()
        timer.install(connections["default"])
        barrier.wait(READY_TIMEOUT)
        began = time.perf_counter()
        cpu_began = time.process_time()
        end = began + duration
        while time.perf_counter() < end:
            user, stock_id = rng.choice(users), rng.choice(stock_ids)
            t0 = time.perf_counter()
            try:
                book_offer(user, stock_id)
                outcomes["OK"] += 1
            except DomainError as error:
                outcomes[error.code] += 1
            except Exception as error:  # reported, and fails the run's checks
                outcomes["ERROR"] += 1
                errors[repr(error)[:300]] += 1
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - cpu_began
        connection.close()
        results.put(
            {
                "index": index,
                "outcomes": outcomes,
                "errors": errors,
                "latencies": latencies,
                "lock_holds": timer.holds,
                "lock_waits": timer.waits,
                "elapsed": elapsed,
                "cpu": cpu,
            }
        )
    except Exception as error:
        results.put({"index": index, "fatal": repr(error)})
        barrier.abort()


def run_clients(url: str, args: argparse.Namespace, data: dict) -> list[dict]:
    ctx = mp.get_context("spawn")  # a clean interpreter per client: no connection inherited by fork
    barrier = ctx.Barrier(args.clients + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=client_main,
            args=(
                url,
                args.emails,
                i,
                data["user_ids"],
                data["stock_ids"],
                args.seed,
                args.duration,
                barrier,
                results,
            ),
            name=f"client-{i}",
        )
        for i in range(args.clients)
    ]
    for proc in procs:
        proc.start()
    try:
        barrier.wait(READY_TIMEOUT)
        print(f"  {args.clients} clients booking for {args.duration} s...", flush=True)
        collected = [results.get(timeout=args.duration + READY_TIMEOUT) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    fatal = [r for r in collected if "fatal" in r]
    if fatal:
        raise RuntimeError(f"client processes failed: {fatal}")
    return collected


# --- Checks -------------------------------------------------------------------------------------


def check_invariants(successes: int, stock_ids: list[int] | None = None) -> dict:
    """Oversell and overspend, from the database. `stock_ids`: only these showtimes (a scenario whose
    other showtimes were generated with counters and no booking rows); every deposit either way."""
    from django.db.models import F, Q, Sum, Value
    from django.db.models.functions import Coalesce

    from passculture.core.bookings.constants import BookingStatus
    from passculture.core.bookings.models import Booking
    from passculture.core.credit.models import Deposit
    from passculture.core.offers.models import Stock

    active = ~Q(bookings__status=BookingStatus.CANCELLED)
    all_stocks = Stock.objects.all() if stock_ids is None else Stock.objects.filter(pk__in=stock_ids)
    stocks = all_stocks.annotate(active=Coalesce(Sum("bookings__quantity", filter=active), Value(0)))
    # What each deposit paid, read from its debits (a booking may be split over two credits).
    deposits = Deposit.objects.annotate(
        active=Coalesce(
            Sum("debits__amount_cents", filter=~Q(debits__booking__status=BookingStatus.CANCELLED)), Value(0)
        )
    )
    checks = {
        "stocks_over_quantity": all_stocks.filter(
            quantity__isnull=False, booked_quantity__gt=F("quantity")
        ).count(),
        "stocks_counter_mismatch": stocks.exclude(booked_quantity=F("active")).count(),
        "deposits_over_amount": Deposit.objects.filter(spent_cents__gt=F("amount_cents")).count(),
        "deposits_spent_mismatch": deposits.exclude(spent_cents=F("active")).count(),
        "bookings_in_db": Booking.objects.count(),
        "bookings_reported_by_clients": successes,
    }
    checks["oversell"] = checks["stocks_over_quantity"] + checks["stocks_counter_mismatch"]
    checks["overspend"] = checks["deposits_over_amount"] + checks["deposits_spent_mismatch"]
    checks["sold_out_showtimes"] = all_stocks.filter(booked_quantity=F("quantity")).count()
    return checks


# Above this share of the credit spent, or with a large showtime sold out, the run measured the data.
SUPPLY_LIMIT = 0.5


def supply_used(large_ids: list[int]) -> dict:
    """What the run used of what it was given: the seats of the large showtimes (`large_ids`) and the
    credit granted. When either ran out, bookings/s says how much there was to book, not how fast."""
    from django.db.models import F, Sum

    from passculture.core.credit.models import Deposit
    from passculture.core.offers.models import Stock

    large_stocks = Stock.objects.filter(pk__in=large_ids)
    large = large_stocks.aggregate(seats=Sum("quantity"), booked=Sum("booked_quantity"))
    credit = Deposit.objects.aggregate(granted=Sum("amount_cents"), spent=Sum("spent_cents"))
    used = {
        "large_showtimes_seats_taken": round((large["booked"] or 0) / (large["seats"] or 1), 3),
        "large_showtimes_sold_out": large_stocks.filter(booked_quantity__gte=F("quantity")).count(),
        "credit_spent": round((credit["spent"] or 0) / (credit["granted"] or 1), 3),
    }
    used["ran_out"] = used["large_showtimes_sold_out"] > 0 or used["credit_spent"] > SUPPLY_LIMIT
    return used


# --- pgbench ------------------------------------------------------------------------------------

TPS_RE = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)


def _pg_env(url: str) -> dict:
    parts = urlsplit(url)
    env = dict(os.environ)
    env.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=unquote(parts.username or "postgres"),
        PGDATABASE=database_name(url),
    )
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    return env


def run_pgbench(url: str, clients: int, duration: int) -> dict:
    exe = shutil.which("pgbench")
    if exe is None:
        return {"skipped": "pgbench not found (Debian: postgresql-contrib or postgresql-client)"}
    scratch = with_database(url, database_name(url) + "_pgbench")
    threads = min(2, clients)
    recreate_postgres(scratch)
    try:
        env = _pg_env(scratch)
        subprocess.run([exe, "-i", "-s", "1", "-q"], env=env, check=True, capture_output=True, timeout=300)
        print(f"  pgbench -N -c {clients} -j {threads} -T {duration}...", flush=True)
        proc = subprocess.run(
            [exe, "-N", "-c", str(clients), "-j", str(threads), "-T", str(duration)],
            env=env,
            capture_output=True,
            text=True,
            timeout=duration + 120,
        )
    finally:
        drop_postgres(scratch)
    match = TPS_RE.search(proc.stdout)
    return {
        "command": f"pgbench -N -c {clients} -j {threads} -T {duration} (scale 1)",
        "database": database_name(scratch),
        "tps": float(match.group(1)) if match else None,
        "returncode": proc.returncode,
        "output_tail": (proc.stdout + proc.stderr).strip().splitlines()[-6:],
    }


# --- Run ----------------------------------------------------------------------------------------


def _percentile_ms(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return round(values[0] * 1000, 2) if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 2)


def _environment() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }


def run(args: argparse.Namespace) -> dict:
    url = args.database_url
    name = database_name(url)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"booking_contention needs PostgreSQL, got {url!r}")
    if "bench" not in name and not args.allow_drop:
        raise SystemExit(f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop")
    if args.clients < 1 or args.showtimes < 1 or args.duration < 1:
        raise SystemExit("--clients, --showtimes and --duration must be at least 1")

    print(f"booking_contention on {name}: recreate, migrate, generate data...", flush=True)
    load_before = [round(x, 2) for x in os.getloadavg()]
    recreate_postgres(url)
    setup_django(url, args.emails)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    data = generate_data(args)
    environment = _environment()
    connection.close()  # the clients are the only load while they run

    clients = run_clients(url, args, data)
    outcomes: Counter = Counter()
    errors: Counter = Counter()
    latencies: list[float] = []
    holds: list[float] = []
    waits: list[float] = []
    for client in clients:
        outcomes.update(client["outcomes"])
        errors.update(client["errors"])
        latencies.extend(client["latencies"])
        holds.extend(client["lock_holds"])
        waits.extend(client["lock_waits"])
    window = max(client["elapsed"] for client in clients)
    successes = outcomes.pop("OK", 0)
    failures = outcomes.pop("ERROR", 0)
    refusals = sum(outcomes.values())

    checks = check_invariants(successes)
    supply = supply_used(data["stock_ids"][1::2])  # the odd showtimes: --seats each
    connection.close()
    pgbench = (
        {"skipped": "--no-pgbench"} if args.no_pgbench else run_pgbench(url, args.clients, args.duration)
    )

    bookings_per_s = round(successes / window, 1)
    pgbench_tps = pgbench.get("tps")
    ok = (
        checks["oversell"] == 0
        and checks["overspend"] == 0
        and checks["bookings_in_db"] == successes
        and failures == 0
    )
    result = {
        "params": {
            "clients": args.clients,
            "showtimes": args.showtimes,
            "seats_per_showtime": args.seats,
            "seats_per_hot_showtime": args.hot_seats,
            "beneficiaries": len(data["user_ids"]),
            "duration_s": args.duration,
            "seed": args.seed,
            "client_model": "processes (spawn), one connection each",
            "emails": args.emails,
        },
        "environment": environment,
        "window_s": round(window, 2),
        "attempts": successes + refusals + failures,
        "bookings": successes,
        "refusals": refusals,
        "refusals_by_code": dict(outcomes.most_common()),
        "errors": failures,
        "error_samples": dict(errors.most_common(5)),
        "bookings_per_s": bookings_per_s,
        "refusals_per_s": round(refusals / window, 1),
        "attempts_per_s": round((successes + refusals + failures) / window, 1),
        "latency_ms": {
            "p50": _percentile_ms(latencies, 50),
            "p95": _percentile_ms(latencies, 95),
            "p99": _percentile_ms(latencies, 99),
            "max": round(max(latencies) * 1000, 2) if latencies else None,
        },
        # Every attempt that locked the stock row, refusals after the lock included (they roll back).
        "stock_lock_hold_ms": {
            "count": len(holds),
            "p50": _percentile_ms(holds, 50),
            "p95": _percentile_ms(holds, 95),
            "p99": _percentile_ms(holds, 99),
        },
        # CPU time of the client processes (Python, Django, the driver), per attempt: what a booking costs
        # the web server, less sensitive than the rates to the load of a shared machine.
        "client_cpu_ms_per_attempt": round(
            sum(client["cpu"] for client in clients) * 1000 / max(successes + refusals + failures, 1), 2
        ),
        "stock_lock_wait_ms": {"p50": _percentile_ms(waits, 50), "p95": _percentile_ms(waits, 95)},
        "load_average_at_start": load_before,
        "oversell": checks["oversell"],
        "overspend": checks["overspend"],
        "checks": checks,
        "supply": supply,
        "supply_ran_out": supply["ran_out"],
        "pgbench": pgbench,
        "pgbench_tps": pgbench_tps,
        "ratio": round(bookings_per_s / pgbench_tps, 4) if pgbench_tps else None,
        "ok": ok,
    }
    _print_summary(result)
    return result


def _print_summary(result: dict) -> None:
    lat = result["latency_ms"]
    print(
        f"  bookings/s {result['bookings_per_s']}  refusals/s {result['refusals_per_s']}  "
        f"p50 {lat['p50']} ms  p95 {lat['p95']} ms\n"
        f"  refusals {result['refusals_by_code']}  errors {result['errors']}\n"
        f"  stock lock hold p50 {result['stock_lock_hold_ms']['p50']} ms  "
        f"p95 {result['stock_lock_hold_ms']['p95']} ms  (wait p95 {result['stock_lock_wait_ms']['p95']} ms)  "
        f"load {result['load_average_at_start']}  client CPU {result['client_cpu_ms_per_attempt']} ms/attempt\n"
        f"  oversell {result['oversell']}  overspend {result['overspend']}  "
        f"sold-out showtimes {result['checks']['sold_out_showtimes']}\n"
        f"  supply used: large showtimes' seats {result['supply']['large_showtimes_seats_taken']:.0%}, "
        f"credit {result['supply']['credit_spent']:.0%}\n"
        f"  pgbench tps {result['pgbench_tps']}  ratio bookings/s / tps = {result['ratio']}"
    )
    if result["supply_ran_out"]:
        print(
            "  WARNING: the data ran out (a large showtime sold out, or over half the credit spent): "
            "bookings/s measured its size, not the booking's speed. Give more --seats or "
            "--beneficiaries-per-client."
        )
