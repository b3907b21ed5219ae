"""Scenario `bookings_export`: a cinema exports 50,000 bookings to Excel from the pro portal.

Issue 14, point 3: the XLSX export of 50,000 rows was written inside the request (about 30 s, longer
than a proxy waits). Above export_jobs.JOB_THRESHOLD rows the request now only records a job; a worker
(or runjobs) writes the file and the pro downloads it from the job's page.

Measured, through Django's test client on the real URL conf and middleware (no network):
- before: GET /pro/reservations/export.xlsx with the threshold raised above the row count, i.e. the
  file written within the request, as it was;
- after: POST /pro/reservations/export.xlsx, which counts the rows and records the job;
- the job itself: export_jobs.run_export_job (the worker's time, off the request);
- the CSV export, streamed within the request (consumed to the end), for comparison.
Checks: the job's file is re-read and holds exactly the offerer's rows (countermarks compared with the
database), the job says DONE with rows_done == rows_total, and the request that enqueues answers a
redirect to the job page.

Data are written with bulk_create (not timed): one offerer and venue, 20 films, 500 showtimes, 5,000
beneficiaries, N bookings (default 50,000), plus another offerer's bookings that must not appear.
"""

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

from benchmarks.databases import database_name, drop_postgres, recreate_postgres, recreate_sqlite
from benchmarks.scenarios.offer_search import setup_django

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passculture_bench_bookings_export"
DEFAULT_SQLITE_PATH = ROOT / "var" / "bench" / "bookings_export.sqlite3"
TARGET_REQUEST_SECONDS = 2.0
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--database",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="postgresql (--database-url, recreated) or sqlite (var/bench/bookings_export.sqlite3)",
    )
    group.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    group.add_argument(
        "--allow-drop", action="store_true", help="drop a database without 'bench' in its name"
    )
    group.add_argument("--keep-database", action="store_true")
    group.add_argument("--bookings", type=int, default=50_000)
    group.add_argument("--users", type=int, default=5_000)
    group.add_argument("--offers", type=int, default=20)
    group.add_argument("--stocks-per-offer", type=int, default=25)
    group.add_argument("--skip-before", action="store_true", help="do not time the old in-request XLSX")


def token(number: int) -> str:
    digits = []
    for _ in range(6):
        number, rest = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def generate(args) -> dict:
    from django.utils import timezone

    from passculture.core.bookings.models import Booking
    from passculture.core.offerers.factories import MembershipFactory, VenueFactory
    from passculture.core.offers.factories import OfferFactory
    from passculture.core.offers.models import Stock
    from passculture.core.users.factories import ProFactory
    from passculture.core.users.models import User

    now = timezone.now()
    venue = VenueFactory(name="Ciné Bench", timezone="Europe/Paris")
    other = VenueFactory(name="Ciné d'à côté")
    pro = ProFactory(email="bench-pro@example.com")
    MembershipFactory(user=pro, offerer=venue.offerer)
    users = User.objects.bulk_create(
        [
            User(
                email=f"jeune{i}@example.com",
                first_name=f"Prénom{i}",
                last_name=f"Nom{i % 997}",
                phone_number=f"+336{i:08d}",
            )
            for i in range(args.users)
        ],
        batch_size=2_000,
    )
    offers = [OfferFactory(venue=venue, name=f"Film {i}") for i in range(args.offers)]
    stocks = Stock.objects.bulk_create(
        [
            Stock(
                offer=offer,
                price_cents=750,
                quantity=None,
                beginning_datetime=now + dt.timedelta(days=1 + s % 14, hours=s % 10),
            )
            for offer in offers
            for s in range(args.stocks_per_offer)
        ]
    )
    by_offer: dict[int, list] = {}
    for stock in stocks:
        by_offer.setdefault(stock.offer_id, []).append(stock)

    def booking(i: int, stock, user) -> Booking:
        return Booking(
            user=user,
            stock=stock,
            offer_id=stock.offer_id,
            venue_id=venue.pk,
            offerer_id=venue.offerer_id,
            quantity=1 + i % 2,
            amount_cents=750,
            token=token(i),
            booked_at=now - dt.timedelta(minutes=i),
        )

    batch = []
    for i in range(args.bookings):
        offer = offers[(i // len(users)) % len(offers)]  # (user, offer) pairs stay unique
        stock = by_offer[offer.pk][i % len(by_offer[offer.pk])]
        batch.append(booking(i, stock, users[i % len(users)]))
        if len(batch) >= 5_000:
            Booking.objects.bulk_create(batch)
            batch = []
    if batch:
        Booking.objects.bulk_create(batch)
    other_stock = Stock.objects.create(
        offer=OfferFactory(venue=other, name="Film d'à côté"), price_cents=500, beginning_datetime=now
    )
    Booking.objects.bulk_create(
        [
            Booking(
                user=users[i],
                stock=other_stock,
                offer_id=other_stock.offer_id,
                venue_id=other.pk,
                offerer_id=other.offerer_id,
                amount_cents=500,
                token=token(10**8 + i),
                booked_at=now,
            )
            for i in range(100)
        ]
    )
    return {"pro": pro, "offerer_id": venue.offerer_id, "bookings": args.bookings}


def timed(label: str, func):
    mark = time.perf_counter()
    result = func()
    seconds = round(time.perf_counter() - mark, 3)
    print(f"  {label}: {seconds} s", flush=True)
    return seconds, result


def run(args: argparse.Namespace) -> dict:
    if args.database == "postgresql":
        name = database_name(args.database_url)
        if "bench" not in name and not args.allow_drop:
            raise SystemExit(
                f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop"
            )
        recreate_postgres(args.database_url)
        url = args.database_url
    else:
        recreate_sqlite(DEFAULT_SQLITE_PATH)
        url = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    os.environ.setdefault("BOOKING_EXPORTS_ROOT", str(ROOT / "var" / "bench" / "exports"))
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    from passculture.core.bookings import export_jobs
    from passculture.core.bookings.models import Booking, BookingExportJob, ExportJobStatus

    settings.ALLOWED_HOSTS = ["*"]
    print(f"bookings_export on {args.database}: migrate, generate...", flush=True)
    mark = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    data = generate(args)
    setup_s = round(time.perf_counter() - mark, 1)
    print(f"  data ready in {setup_s} s", flush=True)

    client = Client()
    client.force_login(data["pro"])
    xlsx = reverse("pro:bookings-export-xlsx")
    timings: dict[str, float] = {}

    if not args.skip_before:
        threshold = export_jobs.JOB_THRESHOLD
        export_jobs.JOB_THRESHOLD = args.bookings + 1  # the old behaviour: the file within the request
        seconds, response = timed("before: XLSX within the request", lambda: client.get(xlsx))
        export_jobs.JOB_THRESHOLD = threshold
        assert response.status_code == 200, response.status_code
        timings["before_xlsx_request_s"] = seconds
        timings["before_xlsx_bytes"] = len(response.content)

    seconds, response = timed("after: XLSX request (records the job)", lambda: client.post(xlsx))
    timings["after_xlsx_request_s"] = seconds
    job = BookingExportJob.objects.order_by("-id").first()
    redirected = response.status_code == 302 and response["Location"].endswith(f"/exports/{job.pk}/")

    seconds, status = timed("job: the worker writes the file", lambda: export_jobs.run_export_job(job.pk))
    timings["job_run_s"] = seconds
    job.refresh_from_db()
    path = export_jobs.export_file_path(job)
    sheet = load_workbook(path, read_only=True).active
    tokens = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = set(Booking.objects.filter(offerer_id=data["offerer_id"]).values_list("token", flat=True))
    download_s, download = timed(
        "download of the job's file",
        lambda: b"".join(
            client.get(reverse("pro:bookings-export-job-download", args=[job.pk])).streaming_content
        ),
    )
    timings["download_s"] = download_s

    csv_s, _ = timed(
        "CSV streamed within the request",
        lambda: b"".join(client.get(reverse("pro:bookings-export-csv")).streaming_content),
    )
    timings["csv_request_s"] = csv_s
    file_size = path.stat().st_size
    path.unlink(missing_ok=True)
    connection.close()
    if args.database == "postgresql" and not args.keep_database:
        drop_postgres(args.database_url)

    checks = {
        "request_redirects_to_the_job": redirected,
        "job_done": status == ExportJobStatus.DONE and job.rows_done == job.rows_total == args.bookings,
        "file_holds_exactly_the_offerers_rows": len(tokens) == len(expected) and set(tokens) == expected,
        "download_is_the_file": len(download) == file_size,
        "request_under_target": timings["after_xlsx_request_s"] < TARGET_REQUEST_SECONDS,
    }
    return {
        "ok": all(checks.values()),
        "database": args.database,
        "bookings": args.bookings,
        "job_threshold": export_jobs.JOB_THRESHOLD,
        "setup_s": setup_s,
        "timings": timings,
        "checks": checks,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
