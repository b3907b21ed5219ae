"""Scenario `cinema_sessions`: cinemas' ticketing software pushes their programme through the public API.

Issue 15: `PUT /public/offers/v1/events/cinema_sessions` takes a cinema's whole programme in one call.
Goal: each push under 1 s, the whole country (2,000 cinemas pushing a week, 600,000 showtimes) under
10 minutes.

Measured through a real gunicorn server (DEBUG=0) on loopback, with httpx clients authenticated by
provider keys, as a vendor's software would call it:
- one push of 850 showtimes (the API's limit: 25 films x 17 starts x 2 prices) into an empty cinema, then
  the same push again (nothing to change), then a push with every price and a tenth of the seats changed;
- the country: N cinemas (default 2,000) of P providers, each pushing its week (default 300 showtimes:
  10 films x 10 starts x 3 prices), through C concurrent clients (default: as many as gunicorn workers);
- the first 100 cinemas push their week again (unchanged): nothing may change.
Every request's time is taken by its client (request sent to answer read): on loopback, that is the
server's time plus a few milliseconds of HTTP.

Checks: every answer is 204; the database then holds exactly the pushed showtimes (per cinema, with the
right categories and prices), pushing again changes no row (updated_at unchanged) and creates nothing.

Data (not timed) are written in bulk: offerers, venues, providers, active links, films, one key per
provider (created by the real key service).
"""

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.databases import database_name, drop_postgres, recreate_postgres
from benchmarks.scenarios.offer_search import SERVER_START_TIMEOUT, _free_port, percentiles_ms, setup_django

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passculture_bench_cinema_sessions"
PUSH_TARGET_S = 1.0
COUNTRY_TARGET_S = 600.0
PATH = "/public/offers/v1/events/cinema_sessions"
BIG_PUSHES = 5  # cinemas each pushing 850 showtimes: one sample would be one draw of the machine's load


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    group.add_argument(
        "--allow-drop", action="store_true", help="drop a database without 'bench' in its name"
    )
    group.add_argument("--keep-database", action="store_true")
    group.add_argument("--cinemas", type=int, default=2_000)
    group.add_argument("--providers", type=int, default=20)
    group.add_argument("--films", type=int, default=300)
    group.add_argument("--films-per-cinema", type=int, default=10)
    group.add_argument("--starts-per-film", type=int, default=10)
    group.add_argument(
        "--prices", type=int, default=3, help="price categories per film (and stocks per start)"
    )
    group.add_argument("--workers", type=int, default=2, help="gunicorn workers (sync)")
    group.add_argument("--clients", type=int, default=0, help="concurrent clients (default: --workers)")


ENVIRONMENT = "production"  # the server runs with DEBUG=0: keys must be made for its environment


# --- Data ---------------------------------------------------------------------------------------


def generate(args) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from passculture.core.films.models import Film
    from passculture.core.offerers.constants import ValidationStatus
    from passculture.core.offerers.models import Offerer, Venue
    from passculture.core.providers.ticketing import keys
    from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
    from passculture.core.users.factories import StaffFactory

    now = timezone.now()
    count = args.cinemas + BIG_PUSHES  # the last ones take the single 850-showtime pushes
    with transaction.atomic():
        offerers = Offerer.objects.bulk_create(
            Offerer(
                siren=f"8{index:08d}",
                name=f"Cinémas connectés {index}",
                validation_status=ValidationStatus.VALIDATED,
                validated_at=now,
            )
            for index in range(count)
        )
        venues = Venue.objects.bulk_create(
            Venue(
                offerer=offerer,
                name=f"Cinéma connecté {index}",
                siret=f"8{index:08d}00011",
                address=f"{index % 200 + 1} rue du Cinéma",
                postal_code=f"{1 + index % 95:02d}000",
                city=f"Ville {index}",
                department_code=f"{1 + index % 95:02d}",
                timezone="Europe/Paris" if index % 40 else "Indian/Reunion",
                booking_email=f"cinema{index}@bench.example.com",
                validation_status=ValidationStatus.VALIDATED,
            )
            for index, offerer in enumerate(offerers)
        )
        providers = Provider.objects.bulk_create(
            Provider(name=f"Logiciel de caisse {index}") for index in range(args.providers)
        )
        VenueProviderLink.objects.bulk_create(
            VenueProviderLink(
                venue=venue,
                provider=providers[index % len(providers)],
                venue_id_at_provider=f"C{index}",
                status=LinkStatus.ACTIVE,
            )
            for index, venue in enumerate(venues)
        )
        Film.objects.bulk_create(
            Film(title=f"Film {index}", title_key=f"film {index}", allocine_id=str(100_000 + index))
            for index in range(max(args.films, 25))
        )
    staff = StaffFactory(email="bench-staff@example.com")
    provider_keys = [keys.create_provider_key(p.pk, actor=staff, label="banc").clear_key for p in providers]
    return {
        "venues": [(venue.pk, index % len(providers)) for index, venue in enumerate(venues)],
        "keys": provider_keys,
    }


def programme(
    venue_id: int, first_film: int, films: int, starts: int, prices: int, *, total_films: int, shift: int = 0
) -> dict:
    """A week: `films` films, each with `prices` categories and `starts` starts spread over 7 days, one
    stock per start and category. `shift` changes every price and a tenth of the quantities."""
    monday = dt.datetime.now(dt.UTC).replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=2
    )
    offers = []
    for f in range(films):
        film = (first_film + f) % total_films
        categories = [
            {"price": 500 + 150 * p + shift, "label": f"Tarif {p}", "idAtProvider": f"P{p}"}
            for p in range(prices)
        ]
        stocks = []
        for s in range(starts):
            start = monday + dt.timedelta(days=s % 7, hours=(s // 7) * 3, minutes=5 * f)
            for p in range(prices):
                changed = shift and (s + p) % 10 == 0
                stocks.append(
                    {
                        "beginningDatetime": start.isoformat(),
                        "priceCategoryIdAtProvider": f"P{p}",
                        "quantity": 120 + (7 if changed else 0),
                        "idAtProvider": f"F{film}-S{s}-P{p}",
                        "features": ["VO", "3D"] if s % 5 == 0 else ["VF"],
                    }
                )
        offers.append(
            {"filmId": f"allocine_id:{100_000 + film}", "priceCategories": categories, "stocks": stocks}
        )
    return {"venueId": venue_id, "offers": offers}


def stock_counts(venue_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from passculture.core.offers.models import Stock

    rows = (
        Stock.objects.filter(offer__venue_id__in=venue_ids, is_deleted=False)
        .values("offer__venue_id")
        .annotate(n=Count("id"))
    )
    return {row["offer__venue_id"]: row["n"] for row in rows}


def last_change(venue_ids: list[int]):
    from django.db.models import Max

    from passculture.core.offers.models import PriceCategory, Stock

    return (
        Stock.objects.filter(offer__venue_id__in=venue_ids).aggregate(m=Max("updated_at"))["m"],
        PriceCategory.objects.filter(offer__venue_id__in=venue_ids).aggregate(m=Max("updated_at"))["m"],
        Stock.objects.filter(offer__venue_id__in=venue_ids).count(),
    )


# --- HTTP ---------------------------------------------------------------------------------------


def start_server(args, url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="cinema-sessions-benchmark-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        ADRESSE_API_URL="",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT / "src"),
    )
    env.pop("CELERY_BROKER_URL", None)
    env["PASSCULTURE_ENV"] = ENVIRONMENT
    command = [
        sys.executable, "-m", "gunicorn", "passculture.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "120",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return server, f"http://127.0.0.1:{port}"


def wait_until_up(server: subprocess.Popen, base: str) -> None:
    import httpx

    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        try:
            httpx.get(base + "/public/offers/v1/events", timeout=5)
            return
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "the server did not start: " + server.stderr.read().decode()[-2000:]
                ) from None
            time.sleep(0.3)


class Pusher:
    """One keep-alive httpx client per thread and key."""

    def __init__(self, base: str):
        self.base = base
        self.local = threading.local()

    def push(self, key: str, body: dict) -> tuple[int, float, str]:
        import httpx

        clients = getattr(self.local, "clients", None)
        if clients is None:
            clients = self.local.clients = {}
        client = clients.get(key)
        if client is None:
            client = clients[key] = httpx.Client(
                base_url=self.base, timeout=120, headers={"Authorization": f"Bearer {key}"}
            )
        mark = time.perf_counter()
        response = client.put(PATH, json=body)
        seconds = time.perf_counter() - mark
        return response.status_code, seconds, response.text[:300] if response.status_code != 204 else ""


def timed_push(pusher: Pusher, label: str, key: str, body: dict) -> float:
    status, seconds, text = pusher.push(key, body)
    print(f"  {label}: {status} in {seconds:.3f} s {text}", flush=True)
    if status != 204:
        raise RuntimeError(f"{label}: {status} {text}")
    return round(seconds, 3)


# --- Run ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    name = database_name(args.database_url)
    if "bench" not in name and not args.allow_drop:
        raise SystemExit(f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop")
    recreate_postgres(args.database_url)
    os.environ["PASSCULTURE_ENV"] = ENVIRONMENT
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    print("cinema_sessions: migrate, generate...", flush=True)
    mark = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    data = generate(args)
    connection.close()
    setup_s = round(time.perf_counter() - mark, 1)
    print(f"  data ready in {setup_s} s", flush=True)

    server, base = start_server(args, args.database_url)
    checks: dict[str, bool] = {}
    timings: dict = {}
    try:
        wait_until_up(server, base)
        pusher = Pusher(base)
        keys = data["keys"]
        venues = data["venues"][: args.cinemas]
        total_films = max(args.films, 25)
        timed_push(pusher, "warm-up (another cinema's small week)", keys[venues[0][1]], programme(
            venues[0][0], 0, 1, 1, 1, total_films=args.films
        ))  # fmt: skip
        # Single pushes of 850 showtimes, each into an empty cinema; then the last one again (nothing to
        # change) and changed (every price, a tenth of the seats).
        create_s, big_ids = [], []
        for number, (big_venue, big_provider) in enumerate(data["venues"][args.cinemas :], start=1):
            big = programme(big_venue, number * 25, 25, 17, 2, total_films=total_films)
            create_s.append(timed_push(pusher, f"850 showtimes, created ({number})", keys[big_provider], big))
            big_ids.append(big_venue)
        timings["push_850_create_s"] = create_s
        big_key = keys[big_provider]
        before = last_change([big_venue])
        timings["push_850_same_s"] = timed_push(pusher, "850 showtimes, unchanged", big_key, big)
        checks["same_push_changes_nothing"] = last_change([big_venue]) == before
        big_changed = programme(big_venue, BIG_PUSHES * 25, 25, 17, 2, total_films=total_films, shift=10)
        timings["push_850_changed_s"] = timed_push(
            pusher, "850 showtimes, prices and some seats changed", big_key, big_changed
        )
        counts = stock_counts(big_ids)
        checks["big_pushes_hold_850"] = all(counts.get(v) == 850 for v in big_ids)

        # The country.
        week = args.films_per_cinema * args.starts_per_film * args.prices
        bodies = [
            (keys[provider], programme(
                venue_id, index * 7, args.films_per_cinema, args.starts_per_film, args.prices,
                total_films=args.films,
            ))
            for index, (venue_id, provider) in enumerate(venues)
        ]  # fmt: skip
        clients = args.clients or args.workers
        print(f"  country: {len(bodies)} cinemas x {week} showtimes, {clients} clients...", flush=True)
        mark = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            results = list(pool.map(lambda pair: pusher.push(*pair), bodies))
        total_s = round(time.perf_counter() - mark, 1)
        statuses = sorted({status for status, _, _ in results})
        failures = [text for status, _, text in results if status != 204][:3]
        timings["country_total_s"] = total_s
        timings["country_push_ms"] = percentiles_ms([seconds for _, seconds, _ in results])
        print(f"  country: {total_s} s, statuses {statuses} {failures}", flush=True)
        print(f"  per push: {timings['country_push_ms']}", flush=True)
        venue_ids = [venue_id for venue_id, _ in venues]
        counts = stock_counts(venue_ids)
        checks["every_answer_204"] = statuses == [204]
        checks["every_cinema_holds_its_week"] = all(counts.get(v) == week for v in venue_ids)

        # A hundred cinemas push the same week again.
        again = list(range(min(100, len(bodies))))
        before = last_change([venues[i][0] for i in again])
        mark = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            repeat = list(pool.map(lambda i: pusher.push(*bodies[i]), again))
        timings["repeat_100_total_s"] = round(time.perf_counter() - mark, 2)
        timings["repeat_push_ms"] = percentiles_ms([seconds for _, seconds, _ in repeat])
        checks["repeat_answers_204"] = {status for status, _, _ in repeat} == {204}
        checks["repeat_changes_nothing"] = last_change([venues[i][0] for i in again]) == before

        checks["push_850_under_1_s"] = (
            max(*timings["push_850_create_s"], timings["push_850_same_s"], timings["push_850_changed_s"])
            < PUSH_TARGET_S
        )
        checks["country_pushes_under_1_s"] = timings["country_push_ms"]["max"] < PUSH_TARGET_S * 1000
        checks["country_under_10_min"] = total_s < COUNTRY_TARGET_S
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        connection.close()
        if not args.keep_database:
            drop_postgres(args.database_url)

    return {
        "ok": all(checks.values()),
        "cinemas": args.cinemas,
        "showtimes_per_cinema": args.films_per_cinema * args.starts_per_film * args.prices,
        "server": f"gunicorn, {args.workers} sync workers, DEBUG=0, PostgreSQL on the same machine",
        "setup_s": setup_s,
        "timings": timings,
        "checks": checks,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
        },
    }
