"""The national Allociné import: 2,000 theatres, ~20 films and ~300 showtimes each, from a local server.

A national day is generated deterministically (same seed, same feeds): a catalogue of films with a
long-tailed popularity (a few films play almost everywhere, most in a handful of theatres), each theatre
showing about 20 of them over the next seven days in its own local time (a few theatres are overseas),
in VF and VO, with some 3D / IMAX / 4DX / Dolby / 35 mm showtimes and some special events that the
import must leave out. The feeds are written in the real `movieShowtimeList` shape and served by a local
HTTP server in another process (it checks the Bearer key, answers `movieShowtimeList?theater=<id>`), so
the import goes through the real `AllocineClient`, as the daily job does: settings ALLOCINE_API_URL and
ALLOCINE_API_KEY point at the server and `sync_all()` runs with no injected client.

Measured, each in its own phase: the first import (empty database), an unchanged re-import (same
feeds, a clock one hour later so every showtime is still in the future) and the daily shift (the next
day's feeds, allocine_shift.py: the first day gone, a new day, about 5 % of the rest changed, some
prices changed and booked showtimes vanishing; the clock at 03:00 in Paris the night after the first
day, when the daily job runs: the dropped day is yesterday): wall time, CPU time of this
process, showtimes/s, peak RSS of this process during the phase, SQL statements. The result checks
exact counts (offers, stocks), that the re-import created/updated/deleted nothing, the shift's counts
against the generator's, that every run is ok, and the targets: first import under 60 s, re-import at
least 3 times faster, the daily shift at least 4 times faster than the first import.

Posters: a real feed has one poster URL per film, and the import downloads, checks, resizes and stores
it once per film (on the Film every theatre's offer links to), after the venue's commit. That is image work,
not the import's database work, and it would measure the local disk and Pillow rather than the sync;
so the timed national replay sends `poster: null` (a shape the real feed also has). `--posters` serves
a small JPEG for every film and the same phases then include the poster path (at most once a day per
film, so the re-import fetches none).
"""

import argparse
import contextlib
import datetime as dt
import logging
import os
import platform
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.databases import database_name, recreate_postgres, with_database
from benchmarks.scenarios import allocine_shift
from benchmarks.scenarios.allocine_feeds import (
    API_KEY,
    API_PATH,
    FIRST_DAY_OFFSET,
    Day,
    allocine_server,
    theater_id,
    venue_place,
    venue_siren,
    venue_siret,
)

# Re-exported: the scenario's tests and callers name them here.
from benchmarks.scenarios.allocine_feeds import TheaterFeed as TheaterFeed
from benchmarks.scenarios.allocine_feeds import build_catalogue as build_catalogue
from benchmarks.scenarios.allocine_feeds import build_theater_feed as build_theater_feed

DEFAULT_DATABASE_NAME = "passculture_bench_allocine"
FIRST_IMPORT_TARGET_S = 60.0
REIMPORT_SPEEDUP_TARGET = 3.0
SHIFT_SPEEDUP_TARGET = 4.0
RE_IMPORT_DELAY = dt.timedelta(hours=1)


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--theaters", type=int, default=2000, help="theatres (venues) imported")
    group.add_argument("--films-per-theater", type=int, default=20, help="films in each feed")
    group.add_argument(
        "--showtimes-per-theater", type=int, default=300, help="showtimes in each feed (all versions)"
    )
    group.add_argument(
        "--catalogue", type=int, default=0, help="films of the national catalogue (default 15 x films)"
    )
    group.add_argument("--seed", type=int, default=1)
    group.add_argument(
        "--posters",
        action="store_true",
        help="feeds carry poster URLs served as a small JPEG (default: poster null, see the doc)",
    )
    group.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_ALLOCINE_DATABASE_URL") or "",
        help="PostgreSQL database to DROP, recreate and drop at the end (default: the server of "
        f"BENCH_DATABASE_URL or DATABASE_URL, else 127.0.0.1, database {DEFAULT_DATABASE_NAME})",
    )
    group.add_argument(
        "--allow-drop",
        action="store_true",
        help="allow dropping a database whose name does not contain 'bench'",
    )
    group.add_argument("--keep-database", action="store_true", help="do not drop the database at the end")
    group.add_argument(
        "--no-shortcut",
        action="store_true",
        help="compare every showtime even when the programme is unchanged (ALLOCINE_SKIP_UNCHANGED=False)",
    )
    group.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write a pyinstrument profile of each import phase to DIR (pip install pyinstrument)",
    )


# --- Database -----------------------------------------------------------------------------------


def create_venues(day: Day) -> None:
    """Validated offerers and venues on the theatre list, with import settings; in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from passculture.core.offerers.constants import ValidationStatus
    from passculture.core.offerers.models import Offerer, Venue
    from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings

    now = timezone.now()
    with transaction.atomic():
        offerers = Offerer.objects.bulk_create(
            Offerer(
                siren=venue_siren(index),
                name=f"Cinémas du banc d'essai {index}",
                validation_status=ValidationStatus.VALIDATED,
                validated_at=now,
            )
            for index in range(day.theaters)
        )
        venues = []
        for index, offerer in enumerate(offerers):
            department, tz, postal_code, city = venue_place(index)
            venues.append(
                Venue(
                    offerer=offerer,
                    name=f"Cinéma Banc d'essai {index}",
                    siret=venue_siret(index),
                    address=f"{index % 200 + 1} rue du Cinéma",
                    postal_code=postal_code,
                    city=city,
                    department_code=department,
                    timezone=tz,
                    booking_email=f"cinema{index}@bench.example.com",
                    validation_status=ValidationStatus.VALIDATED,
                )
            )
        venues = Venue.objects.bulk_create(venues)
        theaters = AllocineTheater.objects.bulk_create(
            AllocineTheater(siret=venue_siret(index), theater_id=theater_id(index), internal_id=str(index))
            for index in range(day.theaters)
        )
        # Varied settings: price 4 to 9 EUR, a fifth with unlimited seats, a third duo.
        AllocineVenueSettings.objects.bulk_create(
            AllocineVenueSettings(
                venue=venue,
                theater=theater,
                price_cents=400 + 50 * (index % 11),
                quantity=None if index % 5 == 0 else 80 + 20 * (index % 10),
                is_duo=index % 3 == 0,
            )
            for index, (venue, theater) in enumerate(zip(venues, theaters, strict=True))
        )


# --- Phases -------------------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux resets the process's peak RSS (VmHWM) when "5" is written to clear_refs."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _server_cpu_s() -> float | None:
    """CPU time (user + system) of the PostgreSQL backend serving this process's connection, when the
    server runs on this host (/proc readable): the database's share of a phase, which this process's
    CPU time leaves out and which, unlike wall time, does not depend on the machine's load."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields 14 and 15 of proc(5) (utime, stime), counted after the command's closing parenthesis.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backends_cpu_s(database: str) -> dict[int, float]:
    """CPU time of each PostgreSQL backend serving `database` on this host, by pid (its process title
    reads `postgres: <user> <database> <client> <state>`)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                title = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


class _WorkerBackends:
    """The CPU time of the backends of the import's worker processes (parallel.py), which end with their
    worker: sampled every 0.1 s during the phase (the last tenth of a second of each is missed)."""

    def __init__(self, database: str, exclude: set[int]) -> None:
        self.database, self.exclude = database, exclude
        self.before = _backends_cpu_s(database)
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.last.update(_backends_cpu_s(self.database))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.last.update(_backends_cpu_s(self.database))
        return sum(
            cpu - self.before.get(pid, 0.0) for pid, cpu in self.last.items() if pid not in self.exclude
        )


class _Phase:
    """Wall time, CPU time, SQL statements and peak RSS of this process during one phase, the CPU time
    of the database's backend, and those of the import's worker processes and of their backends."""

    def __init__(self) -> None:
        self.statements = 0

    def _count(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "_Phase":
        from django.db import connection

        self.peak_reset = _reset_peak_rss()
        self.rss_before_kb = _status_kb("VmRSS")
        self.server_cpu0 = _server_cpu_s()  # not counted as the phase's statements
        self.workers_backends = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), current_database()")
                pid, database = cursor.fetchone()
            self.workers_backends = _WorkerBackends(database, {pid})
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        self.cpu0 = time.process_time()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall_s = time.perf_counter() - self.t0
        self.cpu_s = time.process_time() - self.cpu0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The worker processes, waited for by sync_all before it returns.
        self.workers_cpu_s = (children.ru_utime + children.ru_stime) - (
            self.children0.ru_utime + self.children0.ru_stime
        )
        self.workers_backends_cpu_s = self.workers_backends.stop() if self.workers_backends else None
        self._wrapper.__exit__(*exc)
        server_cpu = _server_cpu_s() if self.server_cpu0 is not None else None
        self.server_cpu_s = server_cpu - self.server_cpu0 if server_cpu is not None else None
        # Without the reset (not Linux), the peak is the process's since it started.
        self.peak_rss_kb = _status_kb("VmHWM") if self.peak_reset else None
        if self.peak_rss_kb is None:
            self.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _runs_summary(since_id: int) -> dict:
    from django.db.models import Count, Sum

    from passculture.core.providers.allocine.models import AllocineImportRun

    runs = AllocineImportRun.objects.filter(pk__gt=since_id)
    counted = (
        "films_seen",
        "offers_created",
        "offers_updated",
        "showtimes_created",
        "showtimes_updated",
        "showtimes_deleted",
        "showtimes_kept_booked",
        "posters_fetched",
        "posters_failed",
    )
    sums = runs.aggregate(**{name: Sum(name) for name in counted})
    unchanged = runs.filter(programme_unchanged=True).count()
    by_status = dict(runs.values_list("status").annotate(count=Count("id")).order_by("status"))
    errors = [error for (run_errors,) in runs.values_list("errors")[:2000] for error in run_errors]
    return {
        "runs": runs.count(),
        "by_status": by_status,
        "programme_unchanged": unchanged,
        **{name: sums[name] or 0 for name in counted},
        "error_samples": errors[:5],
    }


def _db_counts() -> dict:
    from passculture.core.films.models import Film
    from passculture.core.offers.models import Offer, Stock

    return {
        "films": Film.objects.count(),
        "offers_without_film": Offer.objects.filter(film__isnull=True).count(),
        "offers": Offer.objects.count(),
        "stocks": Stock.objects.count(),
        "live_stocks": Stock.objects.filter(is_deleted=False).count(),
    }


@contextlib.contextmanager
def _profiled(profile_dir: Path | None, name: str):
    if profile_dir is None:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        profile_dir.mkdir(parents=True, exist_ok=True)
        (profile_dir / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
        (profile_dir / f"{name}.html").write_text(profiler.output_html())


def _import_phase(at: dt.datetime, name: str, profile_dir: Path | None) -> dict:
    from django.db.models import Max

    from passculture.core.providers.allocine.models import AllocineImportRun
    from passculture.core.providers.allocine.sync import sync_all

    last_run = AllocineImportRun.objects.aggregate(last=Max("id"))["last"] or 0
    with _Phase() as phase, _profiled(profile_dir, name):
        job = sync_all(at=at)
    return {
        "at": at.isoformat(timespec="seconds"),
        "wall_s": round(phase.wall_s, 2),
        "cpu_s": round(phase.cpu_s, 2),
        "server_cpu_s": round(phase.server_cpu_s, 2) if phase.server_cpu_s is not None else None,
        # ALLOCINE_IMPORT_PROCESSES > 1: the workers' CPU and their backends' (cpu_s and server_cpu_s are
        # this process's and its own backend's).
        "processes": _processes(),
        "workers_cpu_s": round(phase.workers_cpu_s, 2),
        "workers_server_cpu_s": (
            round(phase.workers_backends_cpu_s, 2) if phase.workers_backends_cpu_s is not None else None
        ),
        "peak_rss_mb": round(phase.peak_rss_kb / 1024, 1),
        "rss_before_mb": round(phase.rss_before_kb / 1024, 1) if phase.rss_before_kb else None,
        "sql_statements": phase.statements,
        "job": job,
        "runs": _runs_summary(last_run),
        "db": _db_counts(),
    }


def _processes() -> int:
    from passculture.core.providers.allocine import parallel

    return parallel.configured_processes()


def measure(day: Day, *, log=print, profile_dir: Path | None = None) -> dict:
    """Creates the venues, serves the feeds, runs the first import, the unchanged re-import and the daily
    shift, and checks them. Runs on the configured database (a fresh one in `run`, the test database in
    tests)."""
    from django.test import override_settings

    day.check()
    with allocine_server(day) as (base_url, totals, server_counters, shift_feeds):
        log(
            f"  {totals['feeds']} feeds served from {base_url}: {totals['showtimes']} showtimes, "
            f"{totals['films']} films ({totals['distinct_films']} distinct), "
            f"{totals['feed_bytes'] / 1e6:.0f} MB of JSON",
            flush=True,
        )
        t0 = time.perf_counter()
        create_venues(day)
        setup_s = time.perf_counter() - t0
        log(f"  {day.theaters} offerers, venues, theatres and settings created in {setup_s:.1f} s")
        media = tempfile.mkdtemp(prefix="bench-allocine-media-")
        try:
            with override_settings(
                ALLOCINE_API_URL=base_url + API_PATH,
                ALLOCINE_API_KEY=API_KEY,
                ALLOCINE_SKIP_UNCHANGED=day.shortcut,
                MEDIA_ROOT=media,
            ):
                first_at = _now()
                log("  first import...", flush=True)
                first = _import_phase(first_at, "first_import", profile_dir)
                log(_phase_line("first import", first, totals), flush=True)
                log("  unchanged re-import...", flush=True)
                again = _import_phase(first_at + RE_IMPORT_DELAY, "reimport", profile_dir)
                log(_phase_line("re-import", again, totals), flush=True)
                prepared = allocine_shift.prepare_shift(day.theaters, totals["shift_booked_refs"])
                shift_feeds()
                log("  daily shift...", flush=True)
                shift = _import_phase(allocine_shift.shift_clock(day.first_day), "shift", profile_dir)
                log(_phase_line("daily shift", shift, totals), flush=True)
        finally:
            shutil.rmtree(media, ignore_errors=True)
    for phase in (first, again, shift):
        phase["showtimes_per_s"] = round(totals["showtimes"] / phase["wall_s"], 1)
        phase["stocks_per_s"] = round(totals["expected_stocks"] / phase["wall_s"], 1)
    ratio = first["wall_s"] / again["wall_s"] if again["wall_s"] else None
    shift_ratio = first["wall_s"] / shift["wall_s"] if shift["wall_s"] else None
    checks = _checks(day, totals, first, again, server_counters, ratio)
    checks.update(allocine_shift.shift_checks(day.theaters, totals, prepared, again["db"], shift))
    checks["shift_4x_faster"] = shift_ratio is not None and shift_ratio >= SHIFT_SPEEDUP_TARGET
    log(f"  first / re-import {ratio or 0:.2f}, first / daily shift {shift_ratio or 0:.2f}", flush=True)
    return {
        "params": {
            "theaters": day.theaters,
            "films_per_theater": day.films_per_theater,
            "showtimes_per_theater": day.showtimes_per_theater,
            "catalogue": day.catalogue_size,
            "seed": day.seed,
            "posters": day.posters,
            "shortcut": day.shortcut,
            "first_day_local": day.first_day.isoformat(),
            "transport": "HTTP/1.1 to a local server in another process; sync_all() without client",
        },
        "feeds": totals,
        "server_requests": server_counters,
        "setup_s": round(setup_s, 2),
        "first_import": first,
        "reimport": again,
        "speedup": round(ratio, 2) if ratio else None,
        "shift": {
            **shift,
            "repriced_venues": prepared["repriced_venues"],
            "booked": len(prepared["booked_stock_ids"]),
        },
        "shift_speedup": round(shift_ratio, 2) if shift_ratio else None,
        "checks": checks,
        "ok": all(value is True for value in checks.values()),
    }


def _now() -> dt.datetime:
    from passculture.core.common.time import now

    return now()


def _phase_line(name: str, phase: dict, totals: dict) -> str:
    runs = phase["runs"]
    return (
        f"  {name}: {phase['wall_s']} s wall, {phase['cpu_s']} s CPU "
        f"(+ {phase['server_cpu_s']} s in the database's backend; workers {phase['workers_cpu_s']} s "
        f"+ {phase['workers_server_cpu_s']} s in their backends), "
        f"{totals['showtimes'] / phase['wall_s']:.0f} showtimes/s, peak RSS {phase['peak_rss_mb']} MB, "
        f"{phase['sql_statements']} SQL; runs {runs['by_status']}, offers +{runs['offers_created']} "
        f"~{runs['offers_updated']}, showtimes +{runs['showtimes_created']} ~{runs['showtimes_updated']} "
        f"-{runs['showtimes_deleted']}, posters {runs['posters_fetched']}, "
        f"unchanged programmes {runs['programme_unchanged']}"
    )


def _checks(day: Day, totals: dict, first: dict, again: dict, server: dict, ratio) -> dict:
    theaters = day.theaters
    offers, stocks = totals["expected_offers"], totals["expected_stocks"]
    # One Film per distinct (non special) movie, shared by every theatre; its poster is fetched once.
    films = totals["distinct_films"]
    posters = films if day.posters else 0
    one, two = first["runs"], again["runs"]
    return {
        "first_all_runs_ok": one["runs"] == theaters and one["by_status"] == {"ok": theaters},
        "first_offers_created": one["offers_created"] == offers and first["db"]["offers"] == offers,
        "first_stocks_created": one["showtimes_created"] == stocks
        and first["db"]["stocks"] == stocks
        and first["db"]["live_stocks"] == stocks,
        "first_films_seen": one["films_seen"] == totals["films"],
        "first_one_film_per_movie": first["db"]["films"] == films and first["db"]["offers_without_film"] == 0,
        "first_posters_fetched": one["posters_fetched"] == posters and one["posters_failed"] == 0,
        "reimport_all_runs_ok": two["runs"] == theaters and two["by_status"] == {"ok": theaters},
        "reimport_changes_nothing": all(
            two[name] == 0
            for name in (
                "offers_created",
                "offers_updated",
                "showtimes_created",
                "showtimes_updated",
                "showtimes_deleted",
                "showtimes_kept_booked",
                "posters_fetched",
                "posters_failed",
            )
        )
        and again["db"] == first["db"],
        "reimport_films_seen": two["films_seen"] == totals["films"],
        "first_compares_everything": one["programme_unchanged"] == 0,
        # The shortcut needs PostgreSQL; without it (or on SQLite) every theatre is compared again.
        "reimport_unchanged_programmes": two["programme_unchanged"]
        == (theaters if day.shortcut and _is_postgresql() else 0),
        "every_feed_fetched_three_times": server.get("feeds") == 3 * theaters
        and not server.get("unauthorized"),
        "first_import_under_60_s": first["wall_s"] < FIRST_IMPORT_TARGET_S,
        "reimport_3x_faster": ratio is not None and ratio >= REIMPORT_SPEEDUP_TARGET,
    }


def _is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# --- Run ----------------------------------------------------------------------------------------

TIMING_CHECKS = ("first_import_under_60_s", "reimport_3x_faster", "shift_4x_faster")


def default_database_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base.startswith(("postgres://", "postgresql://")):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    return with_database(base, DEFAULT_DATABASE_NAME)


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django
    from django.conf import settings

    django.setup()
    logging.getLogger("passculture").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
    settings.DEBUG = False  # DEBUG keeps every SQL statement in memory, which production does not


def _environment() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "load_average_at_start": [round(value, 2) for value in load] if load else None,
    }


def run(args: argparse.Namespace) -> dict:
    url = args.database_url or default_database_url()
    name = database_name(url)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"allocine_national needs PostgreSQL, got {url!r}")
    if "bench" not in name and not args.allow_drop:
        raise SystemExit(f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop")
    first_day = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=FIRST_DAY_OFFSET)
    day = Day(
        theaters=args.theaters,
        films_per_theater=args.films_per_theater,
        showtimes_per_theater=args.showtimes_per_theater,
        catalogue=args.catalogue,
        seed=args.seed,
        first_day=first_day,
        posters=args.posters,
        shortcut=not args.no_shortcut,
    )
    day.check()
    print(f"allocine_national on {name}: recreate, migrate...", flush=True)
    recreate_postgres(url)
    try:
        _setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        environment = _environment()
        result = measure(day, profile_dir=args.profile)
        connection.close()
    finally:
        if not args.keep_database:
            recreate_postgres(url, drop_only=True)
    return {"environment": environment, **result}
