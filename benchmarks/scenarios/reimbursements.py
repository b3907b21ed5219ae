"""Scenario `reimbursements`: a year of used bookings, priced, put in one batch, and its files.

Issue 6, point 8: 1,000,000 used bookings over 2,000 venues and one year, some venues above each
threshold of the scale (20,000 / 40,000 / 150,000 EUR). The timed path is what
`passculture payments generate --cutoff 2026-12-01 --out DIR --workers 2` does, without the PDFs:
`price_bookings` (every booking priced once, in order, against its venue's revenue of the year; two
worker processes by default), `generate_payment_batch` (one line per venue, pricings frozen), then
`write_batch_files(..., with_pdf=False)`: the SEPA order, the accounting CSV and every venue's
statement CSV. Statement PDFs are built when a cinema downloads its own (docs/decisions/0014), so they
are timed apart: the largest venue's PDF and a sample of the others.

It is the worst case: a whole year in one batch (the first batch of a backlog). Day to day a batch
pays a fortnight.

Data are written in bulk with SQL (not timed); the checks are independent of the code measured:
- the expected pricing of every booking is recomputed in one SQL query (window sum by venue and year,
  the rate of the bracket reached, half-up rounding) and compared row by row;
- the batch holds exactly the bookings it must (validated before the cut-off, venue with an accepted
  bank account), and its lines sum to its pricings;
- the SEPA file is valid against the XSD, its control sum equals the lines; the accounting CSV and
  each statement CSV are re-read and summed.
"""

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.databases import (
    copy_postgres,
    database_name,
    drop_postgres,
    recreate_postgres,
    save_postgres_template,
)
from benchmarks.scenarios.offer_search import setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passculture_bench_reimbursements"
# Issue 17 point 9: a year in one batch, pricing in one process, under 45 s (60 s before).
TARGET_SECONDS = 45.0
PARIS = ZoneInfo("Europe/Paris")
PRICES_CENTS = [450, 550, 650, 700, 750, 850, 950, 1100]
WEEKS = 52
# The bookings' shows span the 52 weeks before the cut-off; validation 48 h after the show.
VALIDATION_DELAY = dt.timedelta(hours=48)


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    group.add_argument(
        "--allow-drop", action="store_true", help="drop a database without 'bench' in its name"
    )
    group.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    group.add_argument("--bookings", type=int, default=1_000_000)
    group.add_argument("--venues", type=int, default=2_000)
    group.add_argument("--offers-per-venue", type=int, default=5)
    group.add_argument("--users", type=int, default=20_000)
    group.add_argument(
        "--zipf", type=float, default=0.8, help="venue size ~ 1 / rank^zipf (0.8: a few above 150,000 EUR)"
    )
    group.add_argument("--cutoff", type=dt.date.fromisoformat, default=dt.date(2026, 12, 1))
    group.add_argument("--without-bank-account", type=float, default=0.02, help="share of venues")
    group.add_argument("--custom-rules", type=int, default=20, help="venues with a 50 %% custom rule")
    group.add_argument(
        "--workers", type=int, default=2, help="pricing processes (price_bookings(workers=...))"
    )
    group.add_argument("--pdf-sample", type=int, default=20, help="statement PDFs timed apart")
    group.add_argument("--seed", type=int, default=6)
    group.add_argument(
        "--data-template",
        metavar="NAME",
        help="reuse the data of the PostgreSQL database NAME when it exists (a copy, in seconds), else "
        "generate them and keep a copy named NAME: for measuring again after a change (same --seed and "
        "sizes; drop NAME after a migration)",
    )


# --- Data ------------------------------------------------------------------------------------------


def french_iban(number: int) -> str:
    """A valid French IBAN (RIB key and IBAN check digits right) at bank 30006, branch 00001."""
    bank, branch, account = "30006", "00001", f"{number:011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    digits = "".join(str(int(char, 36)) for char in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"


def venue_sizes(args: argparse.Namespace) -> list[int]:
    """Bookings per venue, ~ 1/rank^zipf, every venue at least 20, summing exactly to --bookings."""
    weights = [1 / (rank + 1) ** args.zipf for rank in range(args.venues)]
    total = sum(weights)
    sizes = [max(20, int(args.bookings * w / total)) for w in weights]
    sizes[0] += args.bookings - sum(sizes)
    rng = random.Random(args.seed)
    rng.shuffle(sizes)  # the big venues are not the first ids
    return sizes


def generate(args: argparse.Namespace, at: dt.datetime) -> dict:
    from django.db import connection, transaction

    from passculture.core.bookings.models import Booking
    from passculture.core.finance.constants import BankAccountStatus
    from passculture.core.finance.models import BankAccount, CustomReimbursementRule
    from passculture.core.offerers.constants import ValidationStatus
    from passculture.core.offerers.models import Offerer, Venue
    from passculture.core.offers.constants import Category
    from passculture.core.offers.models import Offer, Stock
    from passculture.core.users.models import User

    rng = random.Random(args.seed)
    sizes = venue_sizes(args)
    instant = dt.datetime.combine(args.cutoff, dt.time(), tzinfo=PARIS)
    first_show = instant - dt.timedelta(weeks=WEEKS)
    with transaction.atomic():
        offerers = Offerer.objects.bulk_create(
            Offerer(
                siren=f"{800_000_000 + i}",
                name=f"Exploitant {i}",
                validation_status=ValidationStatus.VALIDATED,
            )
            for i in range(max(args.venues // 4, 1))
        )
        venues = Venue.objects.bulk_create(
            Venue(
                offerer=offerers[i % len(offerers)],
                name=f"Cinéma {i}",
                siret=f"{offerers[i % len(offerers)].siren}{i:05d}",
                address=f"{i} rue du Cinéma",
                postal_code="75011",
                city="Paris",
                department_code="75",
                validation_status=ValidationStatus.VALIDATED,
            )
            for i in range(args.venues)
        )
        offers = Offer.objects.bulk_create(
            Offer(venue=venue, name=f"Film {i} de {venue.name}", category=Category.SHOWTIME, is_duo=True)
            for venue in venues
            for i in range(args.offers_per_venue)
        )
        User.objects.bulk_create(
            (
                User(email=f"jeune{i}@example.com", first_name=f"Prénom{i}", last_name=f"Nom{i}")
                for i in range(args.users)
            ),
            batch_size=5000,
        )
        first_user = User.objects.order_by("id").values_list("id", flat=True).first()
        without_account = set(rng.sample(range(args.venues), round(args.venues * args.without_bank_account)))
        decided = instant - dt.timedelta(days=400)
        BankAccount.objects.bulk_create(
            BankAccount(
                venue=venue,
                holder=venue.offerer.name,
                iban=french_iban(index + 1),
                bic="AGRIFRPP",
                status=BankAccountStatus.ACCEPTED,
                submitted_at=decided,
                decided_at=decided,
            )
            for index, venue in enumerate(venues)
            if index not in without_account
        )
        ruled = rng.sample([i for i in range(args.venues) if i not in without_account], args.custom_rules)
        CustomReimbursementRule.objects.bulk_create(
            CustomReimbursementRule(
                venue=venues[i], rate=Decimal("0.5"), valid_from=first_show, reason="Benchmark"
            )
            for i in ruled
        )

        stock_table = Stock._meta.db_table
        booking_table = Booking._meta.db_table
        with connection.cursor() as cursor:
            # One show a week per offer, at 20:00 Paris; each offer has its own price.
            cursor.execute(
                f"""
                INSERT INTO {stock_table} (offer_id, price_cents, quantity, booked_quantity,
                    beginning_datetime, booking_limit_datetime, version, is_deleted, provider_ref,
                    id_at_provider, features, edited_fields, created_at, updated_at)
                SELECT o.id, (ARRAY{PRICES_CENTS})[1 + o.id %% {len(PRICES_CENTS)}], NULL, 0,
                    %s + w * interval '7 days', %s + w * interval '7 days', 'VF', false, '', '', '[]', '[]',
                    %s, %s
                FROM (SELECT unnest(%s::bigint[]) AS id) o, generate_series(0, {WEEKS - 1}) w
                """,
                [
                    first_show + dt.timedelta(hours=20),
                    first_show + dt.timedelta(hours=20),
                    at,
                    at,
                    [offer.pk for offer in offers],
                ],
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_venue (venue_id bigint, offerer_id bigint, n int, base bigint,"
                " offer_ids bigint[])"
            )
            offers_of: dict[int, list[int]] = {}
            for offer in offers:
                offers_of.setdefault(offer.venue_id, []).append(offer.pk)
            base = 0
            rows = []
            for venue, size in zip(venues, sizes, strict=True):
                rows.append((venue.pk, venue.offerer_id, size, base, offers_of[venue.pk]))
                base += size
            cursor.executemany("INSERT INTO bench_venue VALUES (%s, %s, %s, %s, %s)", rows)
            # Booking g of a venue: offer g mod k, a pseudo-random week, one user per (offer, g / k) so
            # that no user books the same offer twice; one in seven is a duo. A few minutes after the
            # show + 48 h so that validation times are distinct and not in id order.
            k = args.offers_per_venue
            cursor.execute(
                f"""
                INSERT INTO {booking_table} (user_id, deposit_id, stock_id, offer_id, venue_id, offerer_id,
                    quantity, amount_cents, price_category_label, is_digital, token, status, booked_at,
                    cancellation_limit_datetime,
                    used_at, validated_by_id, validated_by_label, cancelled_at, cancellation_reason,
                    reimbursed_at, expiry_reminder_sent_at)
                SELECT %(first_user)s + ((g / {k}) + v.venue_id * 997) %% %(users)s, NULL, s.id, s.offer_id,
                    v.venue_id, v.offerer_id, CASE WHEN g %% 7 = 0 THEN 2 ELSE 1 END, s.price_cents, '', false,
                    upper(lpad(to_hex(v.base + g), 6, '0')), 'USED', s.beginning_datetime - interval '3 days',
                    NULL, s.beginning_datetime + %(delay)s + ((g * 7) %% 3000) * interval '1 second',
                    NULL, 'auto', NULL, '', NULL, NULL
                FROM bench_venue v
                CROSS JOIN generate_series(1, v.n) g
                JOIN {stock_table} s ON s.offer_id = v.offer_ids[1 + g %% {k}]
                    AND s.beginning_datetime = %(first)s + ((g * 7919 + v.venue_id * 31) %% {WEEKS})
                        * interval '7 days'
                """,
                {
                    "first_user": first_user,
                    "users": args.users,
                    "delay": VALIDATION_DELAY,
                    "first": first_show + dt.timedelta(hours=20),
                },
            )
            cursor.execute("DROP TABLE bench_venue")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "offerers": len(offerers),
        "venues": len(venues),
        "offers": len(offers),
        "users": args.users,
        "bookings": Booking.objects.count(),
        "venues_without_bank_account": len(without_account),
        "venues_with_custom_rule": len(ruled),
        "largest_venue_bookings": max(sizes),
        "smallest_venue_bookings": min(sizes),
    }


# --- Checks ----------------------------------------------------------------------------------------

# The expected pricing, recomputed by PostgreSQL from the bookings alone (scale from 2021-09-01).
REFERENCE_SQL = """
WITH b AS (
    SELECT b.id, b.venue_id, b.amount_cents * b.quantity AS amount,
        extract(year FROM b.used_at AT TIME ZONE 'Europe/Paris')::int AS year,
        sum(b.amount_cents * b.quantity) OVER (
            PARTITION BY b.venue_id, extract(year FROM b.used_at AT TIME ZONE 'Europe/Paris')
            ORDER BY b.used_at, b.id) AS revenue_after
    FROM {booking} b
    WHERE b.status = 'USED' AND b.used_at <= %(at)s
), expected AS (
    SELECT b.*, CASE
            WHEN r.venue_id IS NOT NULL THEN 0.5
            WHEN b.revenue_after <= 2000000 THEN 1
            WHEN b.revenue_after <= 4000000 THEN 0.95
            WHEN b.revenue_after <= 15000000 THEN 0.92
            ELSE 0.90 END AS rate
    FROM b LEFT JOIN {rule} r ON r.venue_id = b.venue_id
)
SELECT count(*) AS bookings,
    count(p.id) AS priced,
    count(*) FILTER (WHERE p.id IS NOT NULL AND (
        p.revenue_after_cents <> e.revenue_after OR p.year <> e.year OR p.rate <> e.rate
        OR p.reimbursed_cents <> round(e.amount * e.rate))) AS mismatches,
    coalesce(sum(round(e.amount * e.rate)), 0) AS expected_reimbursed,
    count(*) FILTER (WHERE e.revenue_after > 2000000) AS above_20k,
    count(DISTINCT e.venue_id) FILTER (WHERE e.revenue_after > 2000000) AS venues_above_20k,
    count(DISTINCT e.venue_id) FILTER (WHERE e.revenue_after > 4000000) AS venues_above_40k,
    count(DISTINCT e.venue_id) FILTER (WHERE e.revenue_after > 15000000) AS venues_above_150k
FROM expected e LEFT JOIN {pricing} p ON p.booking_id = e.id
"""


def check_pricing(at: dt.datetime) -> dict:
    from django.db import connection

    from passculture.core.bookings.models import Booking
    from passculture.core.finance.models import CustomReimbursementRule, Pricing

    sql = REFERENCE_SQL.format(
        booking=Booking._meta.db_table,
        rule=CustomReimbursementRule._meta.db_table,
        pricing=Pricing._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"at": at})
        names = [column.name for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    row["expected_reimbursed"] = int(row["expected_reimbursed"])
    row["pricings_total"] = Pricing.objects.count()
    return row


def _euros(text: str) -> int:
    """'1 234,56' -> 123456 cents."""
    return int(
        Decimal(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")) * 100
    )


def _csv_sum(content: bytes, column: str) -> tuple[int, int]:
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    rows = list(reader)
    return len(rows), sum(_euros(row[column]) for row in rows)


def check_batch(batch, instant: dt.datetime, files: dict) -> dict:
    from django.db.models import Sum

    from passculture.core.bookings.models import Booking
    from passculture.core.finance.constants import BankAccountStatus, PricingStatus
    from passculture.core.finance.files.sepa import schema_path
    from passculture.core.finance.models import BankAccount, Pricing

    paid_venues = BankAccount.objects.filter(status=BankAccountStatus.ACCEPTED).values("venue_id")
    expected = Booking.objects.filter(used_at__lt=instant, venue_id__in=paid_venues)
    in_batch = Pricing.objects.filter(payment_line__batch=batch)
    lines = batch.lines.all()
    line_total = lines.aggregate(total=Sum("amount_cents"))["total"] or 0
    pricing_total = in_batch.aggregate(total=Sum("reimbursed_cents"))["total"] or 0

    import xmlschema

    sepa = files["sepa"]
    schema = xmlschema.XMLSchema(str(schema_path()))
    schema.validate(sepa)
    document = schema.to_dict(sepa)
    header = document["CstmrCdtTrfInitn"]["GrpHdr"]
    control_cents = int(Decimal(str(header["CtrlSum"])) * 100)
    accounting_rows, accounting_cents = _csv_sum(files["accounting"], files["amount_column"])
    statement_rows = statement_cents = 0
    for content in files["statements"]:
        rows, cents = _csv_sum(content, files["amount_column"])
        statement_rows += rows
        statement_cents += cents
    return {
        "bookings_expected_in_batch": expected.count(),
        "bookings_in_batch": in_batch.count(),
        "waiting_not_processable": Pricing.objects.filter(status=PricingStatus.PRICED).count(),
        "lines": lines.count(),
        "lines_total_cents": line_total,
        "pricings_total_cents": pricing_total,
        "sepa_transactions": int(header["NbOfTxs"]),
        "sepa_control_sum_cents": control_cents,
        "accounting_csv_rows": accounting_rows,
        "accounting_csv_cents": accounting_cents,
        "statement_csv_files": len(files["statements"]),
        "statement_csv_rows": statement_rows,
        "statement_csv_cents": statement_cents,
    }


# --- Timed path ------------------------------------------------------------------------------------


def timed_path(args: argparse.Namespace, at: dt.datetime, out_dir: Path) -> tuple[dict, object, dict]:
    """What the batch job and `passculture payments generate --out DIR` do: price, batch, files."""
    from passculture.core.finance import batches
    from passculture.core.finance.pricing import price_bookings

    timings: dict[str, float] = {}
    started = time.perf_counter()
    priced = price_bookings(at, workers=args.workers)
    timings["pricing_s"] = time.perf_counter() - started

    mark = time.perf_counter()
    batch = batches.generate_payment_batch(args.cutoff, at=at)
    timings["batch_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    paths = batches.write_batch_files(batch, out_dir, with_pdf=False)
    timings["files_s"] = time.perf_counter() - mark
    timings["total_s"] = time.perf_counter() - started
    return (
        {key: round(value, 2) for key, value in timings.items()} | {"priced": priced},
        batch,
        _read_files(paths),
    )


def _read_files(paths: list[Path]) -> dict:
    from passculture.core.finance.files.tables import STATEMENT_COLUMNS

    by_kind: dict = {"statements": []}
    for path in paths:
        if path.name.startswith("virements-"):
            by_kind["sepa"] = path.read_bytes()
        elif path.name.startswith("comptabilite-"):
            by_kind["accounting"] = path.read_bytes()
        elif path.suffix == ".csv":
            by_kind["statements"].append(path.read_bytes())
    by_kind["amount_column"] = next(
        column.header for column in STATEMENT_COLUMNS if column.key == "reimbursed"
    )
    by_kind["sepa_bytes"] = len(by_kind["sepa"])
    by_kind["accounting_bytes"] = len(by_kind["accounting"])
    return by_kind


def time_pdfs(args: argparse.Namespace, batch) -> dict:
    """Statement PDFs, built one at a time as a cinema downloads its own."""
    from django.db.models import Count

    from passculture.core.finance import batches
    from passculture.core.finance.models import Pricing

    sizes = dict(
        Pricing.objects.filter(payment_line__batch=batch)
        .order_by()
        .values_list("venue_id")
        .annotate(n=Count("id"))
    )
    largest = max(sizes, key=sizes.get)
    rng = random.Random(args.seed)
    sample = rng.sample(sorted(sizes), min(args.pdf_sample, len(sizes)))
    result = {}
    mark = time.perf_counter()
    content = batches.batch_file(batch, f"releve-{batch.cutoff:%Y-%m-%d}-lieu-{largest}.pdf").content
    result["largest_venue"] = {
        "bookings": sizes[largest],
        "seconds": round(time.perf_counter() - mark, 2),
        "bytes": len(content),
    }
    mark = time.perf_counter()
    rows = 0
    for venue_id in sample:
        batches.batch_file(batch, f"releve-{batch.cutoff:%Y-%m-%d}-lieu-{venue_id}.pdf")
        rows += sizes[venue_id]
    seconds = time.perf_counter() - mark
    result["sample"] = {
        "venues": len(sample),
        "bookings": rows,
        "seconds": round(seconds, 2),
        "median_venue_bookings": sorted(sizes[v] for v in sample)[len(sample) // 2],
        "rows_per_second": round(rows / seconds) if seconds else None,
    }
    return result


def _booking_count() -> int:
    from passculture.core.bookings.models import Booking

    return Booking.objects.count()


def run(args: argparse.Namespace) -> dict:
    name = database_name(args.database_url)
    if "bench" not in name and not args.allow_drop:
        raise SystemExit(f"refusing to drop database {name!r} (no 'bench' in its name): pass --allow-drop")
    at = dt.datetime.combine(args.cutoff, dt.time(12), tzinfo=PARIS)  # the day after the cut-off: the job
    at += dt.timedelta(days=1)
    mark = time.perf_counter()
    copied = bool(args.data_template) and copy_postgres(args.database_url, args.data_template)
    if not copied:
        recreate_postgres(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    if copied:
        print(f"reimbursements on {name}: data copied from {args.data_template}", flush=True)
        call_command("migrate", verbosity=0, interactive=False)  # the migrations added since the copy
        counts = {"copied_from": args.data_template, "bookings": _booking_count()}
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        print(f"reimbursements on {name}: migrate, generate...", flush=True)
        call_command("migrate", verbosity=0, interactive=False)
        counts = generate(args, at)
        if args.data_template:
            connection.close()
            save_postgres_template(args.database_url, args.data_template)
    setup_s = round(time.perf_counter() - mark, 1)
    print(f"  data ready in {setup_s} s: {counts}", flush=True)

    load_before = [round(v, 2) for v in os.getloadavg()]
    out_dir = Path(tempfile.mkdtemp(prefix="bench-reimbursements-"))
    timings, batch, files = timed_path(args, at, out_dir)
    print(f"  timed path: {timings}", flush=True)
    instant = dt.datetime.combine(args.cutoff, dt.time(), tzinfo=PARIS)
    pricing = check_pricing(at)
    print(f"  pricing check: {pricing}", flush=True)
    batch_checks = check_batch(batch, instant, files)
    print(f"  batch check: {batch_checks}", flush=True)
    pdfs = time_pdfs(args, batch)
    print(f"  statement PDFs (on demand, not in the timed path): {pdfs}", flush=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()
    if not args.keep_database:
        drop_postgres(args.database_url)

    checks = {
        "every_booking_priced_once": pricing["priced"] == pricing["bookings"] == pricing["pricings_total"],
        "pricing_equals_sql_reference": pricing["mismatches"] == 0,
        "some_venues_above_each_threshold": min(
            pricing["venues_above_20k"], pricing["venues_above_40k"], pricing["venues_above_150k"]
        )
        > 0,
        "batch_holds_what_it_must": batch_checks["bookings_in_batch"]
        == batch_checks["bookings_expected_in_batch"],
        "lines_sum_to_pricings": batch_checks["lines_total_cents"] == batch_checks["pricings_total_cents"],
        "sepa_control_sum_equals_lines": batch_checks["sepa_control_sum_cents"]
        == batch_checks["lines_total_cents"],
        "accounting_csv_sums": batch_checks["accounting_csv_rows"] == batch_checks["bookings_in_batch"]
        and batch_checks["accounting_csv_cents"] == batch_checks["lines_total_cents"],
        "statements_sum": batch_checks["statement_csv_rows"] == batch_checks["bookings_in_batch"]
        and batch_checks["statement_csv_cents"] == batch_checks["lines_total_cents"],
        "under_target": timings["total_s"] < TARGET_SECONDS,
    }
    return {
        "params": {
            key: getattr(args, key)
            for key in (
                "bookings",
                "venues",
                "offers_per_venue",
                "users",
                "zipf",
                "cutoff",
                "without_bank_account",
                "custom_rules",
                "workers",
                "seed",
            )
        }
        | {"target_seconds": TARGET_SECONDS},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": server_version,
            "load_average_before_timed_path": load_before,
            "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
        },
        "setup_s": setup_s,
        "counts": counts,
        "timings": timings,
        "pricing": pricing,
        "batch": batch_checks
        | {"sepa_bytes": files["sepa_bytes"], "accounting_bytes": files["accounting_bytes"]},
        "statement_pdfs_on_demand": pdfs,
        "checks": checks,
        "ok": all(checks.values()),
    }
