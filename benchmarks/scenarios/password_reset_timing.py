"""Password reset answers in the same time whether or not the address has an account (issue 12, point 5).

A reset request that did less work for an unknown address (no token, no email, no audit row) answered
in 5 ms instead of 20 ms: a stopwatch told which addresses have an account. This scenario measures the
real endpoints, through Django's full request handling (URL routing, middleware, the rate limits, the
view, the core, the database, the email queued and, without a broker, delivered after the commit):

- app:    POST /mot-de-passe/oublie/                       (the beneficiaries' page)
- native: POST /api/native/v1/request_password_reset       (the beneficiaries' JSON API)
- pro:    POST /pro/mot-de-passe/oublie/                   (the pro portal's page)

For each flow, `--samples` addresses with an active account of that audience and as many without one,
sent in pairs (one of each kind, in a random order, so a drift of the machine's load hits both alike),
after `--warmup` untimed pairs. Reported: the median, p90 and mean of the wall time of each kind and the
difference of the two medians, which must stay within `--target-ms` (2 ms); the median of the differences
within pairs (`paired_median_difference_ms`, steadier when the load changes during the run); the same for
this process's CPU time (`cpu`), which leaves out the waits for a CPU on a loaded machine (not the
database's work).

Rate limits stay on: every request is checked and counted against the limits per client (REMOTE_ADDR)
and per address, as in production. A benchmark would hit them at once (10 requests per client and 3 per
address in 15 minutes), so each request comes from its own client address (10.x.y.z), each address is
asked once, and the counters are cleared (untimed) before each request: every request is the first of
its client, which is the case an attacker enumerating addresses from many machines is in.

Requests go through Django's test client in this process (no network, no server threads: less noise
than the difference being measured). Each database runs in its own process, on its own scratch database:
SQLite `var/bench/password_reset.sqlite3`, PostgreSQL `passculture_bench_reset` (recreated, dropped at
the end; a name without `bench` is refused unless `--allow-drop`).
"""

import argparse
import gc
import os
import platform
import random
import statistics
import time
from pathlib import Path

from benchmarks.databases import (
    database_kinds,
    run_on_each_database,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passculture_bench_reset"
DEFAULT_SQLITE_PATH = ROOT / "var" / "bench" / "password_reset.sqlite3"
TARGET_MS = 2.0
# flow -> (path, JSON body?, expected status, audience of its accounts)
FLOWS = {
    "app": ("/mot-de-passe/oublie/", False, 200, "beneficiary"),
    "native": ("/api/native/v1/request_password_reset", True, 204, "beneficiary"),
    "pro": ("/pro/mot-de-passe/oublie/", False, 200, "pro"),
}
KINDS = ("known", "unknown")


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    group.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_RESET_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL database to DROP and recreate (default {DEFAULT_DATABASE_URL})",
    )
    group.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH, help="SQLite file, recreated")
    group.add_argument(
        "--allow-drop", action="store_true", help="allow dropping a database whose name lacks 'bench'"
    )
    group.add_argument("--flows", default=",".join(FLOWS), help="comma-separated: " + ", ".join(FLOWS))
    group.add_argument("--samples", type=int, default=300, help="timed requests per kind and flow")
    group.add_argument("--warmup", type=int, default=20, help="untimed requests per kind and flow first")
    group.add_argument(
        "--emails",
        choices=("inline", "queued"),
        default="inline",
        help="inline: no broker, the email is delivered in the request after the commit (the embedded "
        "default); queued: an in-memory Celery broker, the request only enqueues it (production)",
    )
    group.add_argument("--target-ms", type=float, default=TARGET_MS, help="allowed difference of medians")
    group.add_argument("--seed", type=int, default=1)
    group.add_argument("--keep-database", action="store_true", help="keep the databases at the end")


# --- Statistics ----------------------------------------------------------------------------------


def stats_ms(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    if not ms:
        return {"count": 0}
    deciles = statistics.quantiles(ms, n=10, method="inclusive") if len(ms) > 1 else [ms[0]] * 9
    return {
        "count": len(ms),
        "median": round(statistics.median(ms), 3),
        "p90": round(deciles[8], 3),
        "mean": round(statistics.fmean(ms), 3),
        "min": round(ms[0], 3),
        "max": round(ms[-1], 3),
    }


def paired_difference_ms(sequence: list[tuple[str, float]]) -> float | None:
    """The median of (known - unknown) over the pairs sent side by side: less sensitive than the
    difference of the medians to a load that changes during the run."""
    differences = []
    for (kind_a, a), (_, b) in zip(sequence[::2], sequence[1::2], strict=True):
        differences.append((a - b) if kind_a == "known" else (b - a))
    return round(statistics.median(differences) * 1000, 3) if differences else None


def compare(durations: dict[str, list[float]], target_ms: float) -> dict:
    known, unknown = stats_ms(durations["known"]), stats_ms(durations["unknown"])
    difference = (
        round(known["median"] - unknown["median"], 3) if known["count"] and unknown["count"] else None
    )
    return {
        "known": known,
        "unknown": unknown,
        "median_difference_ms": difference,
        "within_target": difference is not None and abs(difference) <= target_ms,
    }


# --- Databases -----------------------------------------------------------------------------------


def setup_django(url: str, emails: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")
    # The mail is built as for a real send (MIME message) and kept in memory: no mail leaves a benchmark.
    os.environ["EMAIL_BACKEND"] = "locmem"
    os.environ["ADRESSE_API_URL"] = ""
    if emails == "queued":
        os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    import logging

    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("passculture").setLevel(logging.WARNING)  # one INFO line per email otherwise
    settings.DEBUG = False  # DEBUG keeps every SQL statement in memory, which production does not


# --- Data ----------------------------------------------------------------------------------------


def create_accounts(flows: list[str], count: int) -> dict[str, list[str]]:
    """`count` active accounts per flow, with a confirmed address, of the flow's audience."""
    from django.contrib.auth.hashers import make_password

    from passculture.core.users.constants import Role
    from passculture.core.users.models import User

    password = make_password("Banc-d-essai-2026!")
    addresses = {}
    for flow in flows:
        role = Role.BENEFICIARY if FLOWS[flow][3] == "beneficiary" else Role.PRO
        emails = [f"{flow}.compte{i}@bench.example.org" for i in range(count)]
        User.objects.bulk_create(
            User(email=e, first_name="Camille", role=role, is_email_validated=True, password=password)
            for e in emails
        )
        addresses[flow] = emails
    return addresses


# --- Measure -------------------------------------------------------------------------------------


def _client_address(number: int) -> str:
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def _post(client, flow: str, email: str, remote_addr: str):
    path, json_body, _, _ = FLOWS[flow]
    if json_body:
        return client.post(path, {"email": email}, content_type="application/json", REMOTE_ADDR=remote_addr)
    return client.post(path, {"email": email}, REMOTE_ADDR=remote_addr)


def _work_per_request(client, flow: str, known: str, unknown: str, number: int) -> dict:
    """The SQL statements and emails of one request of each kind (untimed: capturing costs time)."""
    from django.core import mail
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passculture.core.notifications.models import OutboxEmail

    work = {}
    for kind, email in (("known", known), ("unknown", unknown)):
        cache.clear()
        before_outbox, before_sent = OutboxEmail.objects.count(), len(mail.outbox)
        with CaptureQueriesContext(connection) as queries:
            _post(client, flow, email, _client_address(number))
        number += 1
        work[kind] = {
            "sql_statements": len(queries.captured_queries),
            "outbox_rows": OutboxEmail.objects.count() - before_outbox,
            "emails_handed_to_backend": len(mail.outbox) - before_sent,
        }
    return work


def _pairs(rng: random.Random, count: int) -> list[str]:
    """`count` known and `count` unknown requests, side by side in pairs of random order: a change of the
    machine's load during the run weighs on both kinds alike."""
    order = []
    for _ in range(count):
        pair = list(KINDS)
        rng.shuffle(pair)
        order += pair
    return order


def measure_flow(flow: str, accounts: list[str], args: argparse.Namespace, first_client: int) -> dict:
    """Warm-up, then `args.samples` requests of each kind in a shuffled order."""
    from django.core import mail
    from django.core.cache import cache
    from django.test import Client

    rng = random.Random(f"{args.seed}-{flow}")
    client = Client()
    expected = FLOWS[flow][2]
    unknown = [f"{flow}.personne{i}@bench.example.org" for i in range(len(accounts))]
    warm, timed = args.warmup, args.samples
    known_addresses = iter(accounts)
    unknown_addresses = iter(unknown)
    number = first_client
    statuses: dict[str, dict[int, int]] = {kind: {} for kind in KINDS}
    durations: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}  # this process's CPU, without waits
    sequence: list[tuple[str, float]] = []  # wall times in the order sent (pairs side by side)

    def one(kind: str, *, timed_run: bool) -> None:
        nonlocal number
        email = next(known_addresses if kind == "known" else unknown_addresses)
        remote_addr = _client_address(number)
        number += 1
        cache.clear()  # every request is its client's first (see the module's docstring)
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = _post(client, flow, email, remote_addr)
        elapsed, elapsed_cpu = time.perf_counter() - started, time.thread_time() - started_cpu
        if timed_run:
            durations[kind].append(elapsed)
            sequence.append((kind, elapsed))
            cpu[kind].append(elapsed_cpu)
            statuses[kind][response.status_code] = statuses[kind].get(response.status_code, 0) + 1
        if len(mail.outbox) > 1000:
            mail.outbox.clear()

    for kind in _pairs(rng, warm):
        one(kind, timed_run=False)
    work = _work_per_request(client, flow, next(known_addresses), next(unknown_addresses), number)
    number += 2
    gc.collect()
    for kind in _pairs(rng, timed):
        one(kind, timed_run=True)
    return {
        **compare(durations, args.target_ms),
        "paired_median_difference_ms": paired_difference_ms(sequence),
        "cpu": compare(cpu, args.target_ms),
        "statuses": {kind: {str(k): v for k, v in s.items()} for kind, s in statuses.items()},
        "all_expected_status": all(set(s) == {expected} for s in statuses.values()),
        "expected_status": expected,
        "work_per_request": work,
    }


def measure(args: argparse.Namespace, flows: list[str]) -> dict:
    """Every flow on the configured database (accounts created first)."""
    from django.core import mail

    if not hasattr(mail, "outbox"):  # the in-memory backend creates it at its first email; queued: none
        mail.outbox = []
    per_flow = args.warmup + args.samples + 1
    accounts = create_accounts(flows, per_flow)
    results, first_client = {}, 1
    for flow in flows:
        results[flow] = measure_flow(flow, accounts[flow], args, first_client)
        first_client += 2 * per_flow + 2
        print(
            f"    {flow}: known {results[flow]['known'].get('median')} ms, unknown "
            f"{results[flow]['unknown'].get('median')} ms, difference {results[flow]['median_difference_ms']} ms",
            flush=True,
        )
    return results


def _environment(vendor: str) -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{vendor} {version}",
        "cpus": os.cpu_count(),
        "load_average_before": [round(v, 2) for v in os.getloadavg()],
    }


def run_database(kind: str, url: str, args: argparse.Namespace, flows: list[str], results) -> None:
    """One database, in its own process (Django is configured once per process)."""
    try:
        setup_django(url, args.emails)
        from django.core.management import call_command
        from django.db import connection

        import passculture

        call_command("migrate", verbosity=0, interactive=False)
        environment = {**_environment(connection.vendor), "code": str(Path(passculture.__file__).parent)}
        measured = measure(args, flows)
        environment["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
        results.put({"kind": kind, "environment": environment, "flows": measured})
    except Exception as error:  # reported in the result; the run fails its checks
        import traceback

        results.put({"kind": kind, "fatal": repr(error), "traceback": traceback.format_exc()[-3000:]})


def run(args: argparse.Namespace) -> dict:
    kinds = database_kinds(args)
    flows = [f.strip() for f in args.flows.split(",") if f.strip()]
    if not flows or not set(flows) <= set(FLOWS):
        raise SystemExit("--flows: " + ", ".join(FLOWS))
    databases = run_on_each_database(
        kinds,
        args,
        lambda kind, url: f"password_reset_timing on {kind}: {args.samples} requests per kind and flow...",
        run_database,
        flows,
    )
    checks = {}
    for kind, result in databases.items():
        if "fatal" in result:
            checks[kind] = {"ran": False}
            continue
        for flow, measured in result["flows"].items():
            checks[f"{kind}.{flow}"] = {
                "all_expected_status": measured["all_expected_status"],
                "medians_within_target": measured["within_target"],
            }
    return {
        "params": {
            "samples_per_kind_and_flow": args.samples,
            "warmup_per_kind_and_flow": args.warmup,
            "flows": {flow: FLOWS[flow][0] for flow in flows},
            "emails": args.emails,
            "target_ms": args.target_ms,
            "seed": args.seed,
            "rate_limits": "on; one client address per request, one request per address, counters cleared "
            "before each request (untimed)",
            "client": "django.test.Client in the measuring process (full middleware stack, no network)",
        },
        "databases": databases,
        "checks": checks,
        "ok": bool(checks) and all(all(c.values()) for c in checks.values()),
    }
