"""The geolocated search at national scale, in-process and over HTTP, on SQLite and PostgreSQL.

Data (deterministic for a seed): 2,000 cinemas placed in real communes of the packaged gazetteer,
chosen with a weight of population^0.85 (a big city gets many cinemas, small towns some: flatter than
population alone, like the real map of French screens), each spread around its commune's centre by up
to a few kilometres (more in a big city); overseas communes included, with their timezones. 10,000
films spread over the cinemas (more in big cities) with titles from a catalogue of accented titles,
and 300,000 future showtimes over the next 14 days (10:00 to 22:40 local time), with a realistic share
of limited, sold-out and deleted showtimes, inactive offers and structures awaiting validation.

Measured: the search "within 20 km of a point, next 7 days, nearest first, 20 results" at 200 points
(most near a cinema, some in areas without any cinema within the radius):
- in-process: core.offers.search (parameters checked, the page built with its offers and showtimes);
- over HTTP: GET /api/native/v1/offers through a real gunicorn server (one gthread worker, like
  `passculture serve`), one keep-alive client, sequential requests.
p50 / p95 / p99 / max per database. Checks: the results equal a brute-force reference (every bookable
showtime loaded once, filtered and sorted in plain Python) at a sample of points, the HTTP answers
equal the in-process ones, and the target: p95 under 50 ms in-process.

Each database runs in its own process (Django is configured once per process): a separate SQLite file
and a separate PostgreSQL database (`passculture_bench_search`), both recreated.
"""

import argparse
import logging
import math
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.databases import (
    database_kinds,
    run_on_each_database,
)

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passculture_bench_search"
DEFAULT_SQLITE_PATH = ROOT / "var" / "bench" / "offer_search.sqlite3"
TARGET_P95_MS = 50.0
EARTH_RADIUS_KM = 6371.0088
HORIZON_DAYS = 14
# No showtime starts within this delay after generation: the HTTP run, a few minutes later, must see
# the same bookable showtimes as the in-process run.
FIRST_START_DELAY_HOURS = 3
SLOTS = [(hour, minute) for hour in range(10, 23) for minute in (0, 20, 40)]
SERVER_START_TIMEOUT = 60
CHUNK = 20_000

TITLE_HEADS = [
    "L'Été", "Léon", "Le Cœur", "La Fièvre", "Les Échos", "Une Saison", "Le Dernier Été", "L'Île",
    "Océan", "La Forêt", "Les Rêveurs", "Éclipse", "Le Château", "Mémoire", "La Fête", "Nuit",
    "Après la pluie", "Les Anges", "Le Mystère", "Bérénice", "Noël", "L'Étrange", "Au-delà",
    "Désir", "Le Phénix", "Aïda", "L'Évasion", "Le Piège", "Ça tourne", "Là-haut",
]  # fmt: skip
TITLE_TAILS = [
    "", " dernier", " de Paris", " à Marseille", " du Nord", " rouge", " brûlé", " éternel",
    " sous la mer", " des étoiles", " : le retour", " 2", " et moi", " d'hiver", " en été",
]  # fmt: skip


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default: both)",
    )
    group.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SEARCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL database to DROP and recreate (default {DEFAULT_DATABASE_URL})",
    )
    group.add_argument("--sqlite-path", type=Path, default=DEFAULT_SQLITE_PATH, help="SQLite file, recreated")
    group.add_argument(
        "--allow-drop", action="store_true", help="allow dropping a database whose name lacks 'bench'"
    )
    group.add_argument("--venues", type=int, default=2000)
    group.add_argument("--offers", type=int, default=10_000)
    group.add_argument("--showtimes", type=int, default=300_000)
    group.add_argument("--points", type=int, default=200, help="search points (one search each)")
    group.add_argument("--empty-share", type=float, default=0.15, help="share of points without cinema")
    group.add_argument("--radius", type=int, default=20)
    group.add_argument("--limit", type=int, default=20)
    group.add_argument("--reference-points", type=int, default=30, help="points checked by brute force")
    group.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    group.add_argument("--seed", type=int, default=1)
    group.add_argument(
        "--keep-database", action="store_true", help="keep the databases at the end (to EXPLAIN queries)"
    )


# --- Geometry and statistics --------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Written again here so that the reference does not lean on the code it checks."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def offset_point(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    d, b = km / EARTH_RADIUS_KM, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def percentiles_ms(seconds: list[float]) -> dict:
    if not seconds:
        return {}
    ms = sorted(s * 1000 for s in seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {
        "count": len(ms),
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "max": round(ms[-1], 2),
        "mean": round(statistics.fmean(ms), 2),
    }


# --- Databases ----------------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["ADRESSE_API_URL"] = ""  # never the network
    os.environ.pop("CELERY_BROKER_URL", None)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # DEBUG keeps every SQL statement in memory, which production does not
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise


# --- Data ---------------------------------------------------------------------------------------


def _communes():
    from passculture.core.geo.gazetteer import get_gazetteer

    return [
        c
        for c in get_gazetteer().communes
        if c.has_centre and c.precision == "commune" and not c.is_arrondissement and c.population
    ]


def _titles(rng: random.Random) -> list[str]:
    titles = sorted({head + tail for head in TITLE_HEADS for tail in TITLE_TAILS})
    rng.shuffle(titles)
    return titles


def generate(args: argparse.Namespace, at) -> dict:
    """Bulk-creates offerers, venues, offers and showtimes; returns what the points need."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from passculture.core.common.text import fold
    from passculture.core.films.models import Film
    from passculture.core.offerers.constants import ValidationStatus
    from passculture.core.offerers.geography import timezone_for_department
    from passculture.core.offerers.models import Offerer, Venue
    from passculture.core.offers.constants import Category
    from passculture.core.offers.models import Offer, Stock

    rng = random.Random(args.seed)
    communes = _communes()
    chosen = rng.choices(communes, weights=[c.population**0.85 for c in communes], k=args.venues)
    offerer_count = max(args.venues // 10, 1)
    with transaction.atomic():
        offerers = Offerer.objects.bulk_create(
            Offerer(
                siren=f"{900_000_000 + i}",
                name=f"Exploitant {i}",
                # One structure in 100 awaits validation: its cinemas must never be found.
                validation_status=ValidationStatus.NEW if i % 100 == 99 else ValidationStatus.VALIDATED,
            )
            for i in range(offerer_count)
        )
        venues = []
        for i, commune in enumerate(chosen):
            # Spread around the town centre: a few hundred metres in a village, several km in Paris.
            spread = min(8.0, 0.5 + math.sqrt(commune.population) / 200)
            lat, lon = offset_point(
                commune.latitude, commune.longitude, spread * math.sqrt(rng.random()), rng.uniform(0, 360)
            )
            offerer = offerers[i % offerer_count]
            venues.append(
                Venue(
                    offerer=offerer,
                    name=f"Cinéma {commune.name} {i}",
                    siret=f"{offerer.siren}{i:05d}",
                    address=f"{i} place du Cinéma",
                    postal_code=commune.postal_codes[0] if commune.postal_codes else "00000",
                    city=commune.name,
                    department_code=commune.department,
                    latitude=f"{lat:.6f}",
                    longitude=f"{lon:.6f}",
                    timezone=timezone_for_department(commune.department),
                    validation_status=ValidationStatus.PENDING
                    if i % 200 == 199
                    else ValidationStatus.VALIDATED,
                )
            )
        venues = Venue.objects.bulk_create(venues, batch_size=CHUNK)

        # Every cinema shows at least one film; the others go mostly to the big towns.
        weights = [1 + math.log10(commune.population) for commune in chosen]
        films_per_venue = [1] * len(venues)
        for index in rng.choices(range(len(venues)), weights=weights, k=max(args.offers - len(venues), 0)):
            films_per_venue[index] += 1
        titles = _titles(rng)
        popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(titles))]
        # One Film per title, shared by the cinemas that show it (issue 13): the search grouped by film
        # merges them. A re-release ("(reprise)") is a film of its own.
        films = {
            film.title: film
            for film in Film.objects.bulk_create(
                [Film(title=title, title_key=fold(title)[:200]) for title in dict.fromkeys(titles)]
                + [
                    Film(title=title + " (reprise)", title_key=fold(title + " (reprise)")[:200])
                    for title in dict.fromkeys(titles)
                ],
                batch_size=CHUNK,
            )
        }
        offers = []
        for venue, count in zip(venues, films_per_venue, strict=True):
            for title in dict.fromkeys(rng.choices(titles, weights=popularity, k=count)):
                offers.append(
                    Offer(
                        venue=venue,
                        film=films[title],
                        name=title,
                        description="Un film.",
                        category=Category.SHOWTIME,
                        duration_minutes=rng.randint(80, 160),
                        languages=["fr"],
                        is_duo=rng.random() < 0.3,
                        is_active=rng.random() >= 0.02,
                    )
                )
        # Duplicated titles in one cinema were merged above: top up with other titles.
        while len(offers) < args.offers:
            venue = rng.choice(venues)
            title = rng.choice(titles) + " (reprise)"
            offers.append(Offer(venue=venue, film=films[title], name=title, category=Category.SHOWTIME))
        offers = Offer.objects.bulk_create(offers[: args.offers], batch_size=CHUNK)

        zones = {venue.pk: ZoneInfo(venue.timezone) for venue in venues}
        first_start = at + dt.timedelta(hours=FIRST_START_DELAY_HOURS)
        base = args.showtimes // len(offers)
        extra = set(rng.sample(range(len(offers)), args.showtimes - base * len(offers)))
        batch: list = []
        created = 0
        for index, offer in enumerate(offers):
            zone = zones[offer.venue_id]
            local_today = at.astimezone(zone).date()
            for _ in range(base + (1 if index in extra else 0)):
                hour, minute = rng.choice(SLOTS)
                day = local_today + dt.timedelta(days=rng.randrange(HORIZON_DAYS))
                start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)
                if start < first_start:
                    start += dt.timedelta(days=HORIZON_DAYS)
                quantity = rng.choice([None, None, 60, 90, 120, 200, 300])
                booked = 0
                if quantity is not None:
                    roll = rng.random()
                    booked = quantity if roll < 0.04 else (rng.randrange(quantity) if roll < 0.5 else 0)
                batch.append(
                    Stock(
                        offer=offer,
                        price_cents=rng.choice([450, 550, 650, 700, 750, 850, 950, 1100]),
                        quantity=quantity,
                        booked_quantity=booked,
                        beginning_datetime=start,
                        booking_limit_datetime=start,
                        version=rng.choice(["VF", "VF", "VF", "VO"]),
                        is_deleted=rng.random() < 0.02,
                    )
                )
                if len(batch) >= CHUNK:
                    Stock.objects.bulk_create(batch)
                    created += len(batch)
                    batch = []
        if batch:
            Stock.objects.bulk_create(batch)
            created += len(batch)
    return {
        "venues": [(float(v.latitude), float(v.longitude)) for v in venues],
        "counts": {
            "offerers": len(offerers),
            "venues": len(venues),
            "offers": len(offers),
            "showtimes": created,
            "overseas_venues": sum(1 for v in venues if v.timezone != "Europe/Paris"),
            "films": len(films),
        },
    }


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # PostgreSQL: statistics, and the visibility map that lets the covering index answer alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def make_points(args: argparse.Namespace, venues: list[tuple[float, float]]) -> list[dict]:
    rng = random.Random(args.seed + 1)
    empty_count = round(args.points * args.empty_share)
    points = []
    for _ in range(args.points - empty_count):
        lat, lon = rng.choice(venues)
        lat, lon = offset_point(lat, lon, rng.uniform(0, 10), rng.uniform(0, 360))
        points.append({"latitude": round(lat, 6), "longitude": round(lon, 6), "kind": "near"})
    communes = _communes()
    while len(points) < args.points:
        commune = rng.choice(communes)
        if all(haversine_km(commune.latitude, commune.longitude, la, lo) > args.radius for la, lo in venues):
            points.append({"latitude": commune.latitude, "longitude": commune.longitude, "kind": "empty"})
    rng.shuffle(points)
    return points


# --- Measures -----------------------------------------------------------------------------------


def search_in_process(point: dict, args: argparse.Namespace, at, *, grouped: bool = False):
    """One search as the app runs it: per showing (GET /offers) or grouped by film (GET /films)."""
    from passculture.core.offers.search import build_search_params, search_films, search_showtimes

    params = build_search_params(
        at=at,
        latitude=point["latitude"],
        longitude=point["longitude"],
        radius_km=args.radius,
        date="week",
        limit=args.limit,
    )
    return (search_films if grouped else search_showtimes)(params, at=at)


def _summary(page) -> list[tuple]:
    return [
        (r.offer.pk, r.next_start.isoformat(), r.showtime_count, r.min_price_cents, r.max_price_cents)
        for r in page.results
    ]


def _grouped_summary(page) -> list[tuple]:
    return [(*row, r.cinema_count) for row, r in zip(_summary(page), page.results, strict=True)]


def measure_in_process(
    args: argparse.Namespace, points: list[dict], *, grouped: bool = False
) -> tuple[dict, list[int]]:
    from django.utils import timezone

    for point in points[:10]:  # warm-up: imports, the gazetteer, caches, prepared plans
        search_in_process(point, args, timezone.now(), grouped=grouped)
    durations, cpu, sizes = [], [], []
    for point in points:
        c0, t0 = time.process_time(), time.perf_counter()
        page = search_in_process(point, args, timezone.now(), grouped=grouped)
        durations.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        sizes.append(len(page.results))
    # Wall time is what a user waits for; this process's CPU time tells the code's own cost apart from
    # the database's and from the other processes of a busy machine.
    return {**percentiles_ms(durations), "client_cpu": percentiles_ms(cpu)}, sizes


def reference_rows(at):
    """Every bookable showtime of the next 7 local days, with plain filters written for the benchmark."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db.models import Q

    from passculture.core.offerers.constants import ValidationStatus
    from passculture.core.offers.constants import Category
    from passculture.core.offers.models import Stock

    rows = (
        Stock.objects.filter(
            is_deleted=False,
            beginning_datetime__gt=at,
            offer__is_active=True,
            offer__category=Category.SHOWTIME,
            offer__venue__validation_status=ValidationStatus.VALIDATED,
            offer__venue__offerer__validation_status=ValidationStatus.VALIDATED,
        )
        .filter(Q(booking_limit_datetime__isnull=True) | Q(booking_limit_datetime__gt=at))
        .values_list(
            "offer_id",
            "offer__film_id",
            "offer__venue_id",
            "beginning_datetime",
            "quantity",
            "booked_quantity",
            "price_cents",
            "offer__venue__latitude",
            "offer__venue__longitude",
            "offer__venue__timezone",
        )
    )
    films: dict[int, dict] = {}
    for offer_id, film_id, venue_id, start, quantity, booked, price, lat, lon, tz in rows.iterator(
        chunk_size=CHUNK
    ):
        if quantity is not None and booked >= quantity:
            continue
        zone = ZoneInfo(tz)
        today = at.astimezone(zone).date()
        if not today <= start.astimezone(zone).date() <= today + dt.timedelta(days=6):
            continue
        film = films.setdefault(
            offer_id,
            {
                "lat": float(lat),
                "lon": float(lon),
                "starts": [],
                "prices": [],
                "film": film_id if film_id is not None else -offer_id,
                "venue": venue_id,
            },
        )
        film["starts"].append(start)
        film["prices"].append(price)
    return films


def reference_search(films: dict, point: dict, radius: int, limit: int) -> list[tuple]:
    found = []
    for offer_id, film in films.items():
        distance = haversine_km(point["latitude"], point["longitude"], film["lat"], film["lon"])
        if distance <= radius:
            found.append((distance, min(film["starts"]), offer_id, film))
    found.sort(key=lambda item: item[:3])
    return [
        (offer_id, start.isoformat(), len(film["starts"]), min(film["prices"]), max(film["prices"]))
        for _distance, start, offer_id, film in found[:limit]
    ]


def reference_grouped_search(films: dict, point: dict, radius: int, limit: int) -> list[tuple]:
    """One row per film: its nearest showing (then soonest), and the cinemas in the circle showing it."""
    found, cinemas = [], defaultdict(set)
    for offer_id, film in films.items():
        distance = haversine_km(point["latitude"], point["longitude"], film["lat"], film["lon"])
        if distance <= radius:
            found.append((distance, min(film["starts"]), offer_id, film))
            cinemas[film["film"]].add(film["venue"])
    found.sort(key=lambda item: item[:3])
    rows, seen = [], set()
    for _distance, start, offer_id, film in found:
        if film["film"] in seen:
            continue
        seen.add(film["film"])
        rows.append(
            (
                offer_id,
                start.isoformat(),
                len(film["starts"]),
                min(film["prices"]),
                max(film["prices"]),
                len(cinemas[film["film"]]),
            )
        )
        if len(rows) == limit:
            break
    return rows


def check_against_reference(args, points: list[dict], at) -> dict:
    films = reference_rows(at)
    sample = points[: args.reference_points]
    mismatches = []
    for point in sample:
        expected = reference_search(films, point, args.radius, args.limit)
        got = _summary(search_in_process(point, args, at))
        if got != expected:
            mismatches.append({"point": point, "expected": expected[:3], "got": got[:3]})
        expected = reference_grouped_search(films, point, args.radius, args.limit)
        got = _grouped_summary(search_in_process(point, args, at, grouped=True))
        if got != expected:
            mismatches.append({"grouped": True, "point": point, "expected": expected[:3], "got": got[:3]})
    return {"points_checked": len(sample), "mismatches": len(mismatches), "samples": mismatches[:3]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_http(args: argparse.Namespace, url: str, points: list[dict]) -> dict:
    import httpx
    from django.utils import timezone

    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="offer-search-benchmark-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        ADRESSE_API_URL="",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT / "src"),
    )
    command = [
        sys.executable, "-m", "gunicorn", "passculture.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "gthread", "--threads", "2",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/api/native/v1/offers"
    films_url = f"http://127.0.0.1:{port}/api/native/v1/films"
    try:
        with httpx.Client(timeout=30) as client:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                try:
                    client.get(base, params={"limit": 1})
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            "the HTTP server did not start: " + server.stderr.read().decode()[-2000:]
                        ) from None
                    time.sleep(0.2)

            def query(point: dict, url: str = base) -> httpx.Response:
                return client.get(
                    url,
                    params={
                        "latitude": point["latitude"],
                        "longitude": point["longitude"],
                        "radius_km": args.radius,
                        "date": "week",
                        "limit": args.limit,
                    },
                )

            for point in points[:10]:
                query(point)
            durations, statuses, same = [], set(), 0
            compared = points[: args.reference_points]
            for point in points:
                t0 = time.perf_counter()
                response = query(point)
                durations.append(time.perf_counter() - t0)
                statuses.add(response.status_code)
            for point in compared:
                body = query(point).json()
                here = [r[0] for r in _summary(search_in_process(point, args, timezone.now()))]
                same += [r["offer"]["id"] for r in body["results"]] == here
            # The same points grouped by film (GET /films), after the per-showing ones.
            for point in points[:10]:
                query(point, films_url)
            grouped_durations = []
            for point in points:
                t0 = time.perf_counter()
                response = query(point, films_url)
                grouped_durations.append(time.perf_counter() - t0)
                statuses.add(response.status_code)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return {
        "server": "gunicorn, 1 gthread worker (2 threads), DEBUG=0; one keep-alive client, sequential",
        "latency_ms": percentiles_ms(durations),
        "grouped_latency_ms": percentiles_ms(grouped_durations),
        "statuses": sorted(statuses),
        "points_compared_with_in_process": len(compared),
        "points_identical": same,
    }


def _environment(vendor: str) -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{vendor} {version}",
        "cpus": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


def run_database(kind: str, url: str, args: argparse.Namespace, results) -> None:
    """One database, in its own process."""
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        at = timezone.now()
        data = generate(args, at)
        analyze()
        generation_s = round(time.perf_counter() - started, 1)
        print(f"  [{kind}] data ready in {generation_s} s: {data['counts']}", flush=True)
        points = make_points(args, data["venues"])
        load_before = [round(v, 2) for v in os.getloadavg()]
        in_process, sizes = measure_in_process(args, points)
        print(f"  [{kind}] in-process: {in_process}", flush=True)
        grouped, _sizes = measure_in_process(args, points, grouped=True)
        print(f"  [{kind}] in-process, grouped by film: {grouped}", flush=True)
        reference = check_against_reference(args, points, timezone.now())
        print(f"  [{kind}] reference: {reference['mismatches']} mismatch(es)", flush=True)
        environment = _environment(connection.vendor)
        connection.close()
        http = None if args.no_http else measure_http(args, url, points)
        if http:
            print(f"  [{kind}] HTTP: {http['latency_ms']}", flush=True)
            print(f"  [{kind}] HTTP, grouped by film: {http['grouped_latency_ms']}", flush=True)
        empty_points = [size for size, point in zip(sizes, points, strict=True) if point["kind"] == "empty"]
        results.put(
            {
                "kind": kind,
                "environment": {**environment, "load_average_before_measure": load_before},
                "setup_s": generation_s,
                "counts": data["counts"],
                "points": {
                    "total": len(points),
                    "near_a_cinema": sum(1 for p in points if p["kind"] == "near"),
                    "without_cinema_in_radius": len(empty_points),
                    "results_per_search": {
                        "mean": round(statistics.fmean(sizes), 1),
                        "zero": sizes.count(0),
                        "full_page": sizes.count(args.limit),
                    },
                },
                "in_process_ms": in_process,
                "in_process_grouped_ms": grouped,
                "http": http,
                "reference": reference,
            }
        )
    except Exception as error:  # reported in the result; the run fails its checks
        import traceback

        results.put({"kind": kind, "fatal": repr(error), "traceback": traceback.format_exc()[-3000:]})


def run(args: argparse.Namespace) -> dict:
    kinds = database_kinds(args)
    if args.radius not in (5, 10, 20, 50, 100):
        raise SystemExit("--radius: 5, 10, 20, 50 or 100")
    databases = run_on_each_database(
        kinds,
        args,
        lambda kind, url: f"offer_search on {kind} ({url}): migrate, generate, measure...",
        run_database,
    )
    checks = {}
    for kind, result in databases.items():
        if "fatal" in result:
            checks[kind] = {"ran": False}
            continue
        http = result["http"]
        checks[kind] = {
            "results_match_reference": result["reference"]["mismatches"] == 0,
            "p95_in_process_under_50_ms": result["in_process_ms"]["p95"] < TARGET_P95_MS,
            "grouped_p95_in_process_under_50_ms": result["in_process_grouped_ms"]["p95"] < TARGET_P95_MS,
            "http_all_200": http is None or http["statuses"] == [200],
            "http_same_results": http is None
            or http["points_identical"] == http["points_compared_with_in_process"],
        }
    return {
        "params": {
            "venues": args.venues,
            "offers": args.offers,
            "showtimes": args.showtimes,
            "points": args.points,
            "empty_share": args.empty_share,
            "search": f"within {args.radius} km, date=week (7 local days), nearest first, limit {args.limit}",
            "seed": args.seed,
            "target_p95_ms_in_process": TARGET_P95_MS,
        },
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": [round(v, 2) for v in os.getloadavg()]},
        "databases": databases,
        "checks": checks,
        "ok": bool(checks) and all(all(c.values()) and c.get("ran", True) for c in checks.values()),
    }
