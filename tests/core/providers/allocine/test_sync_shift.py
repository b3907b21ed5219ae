"""The daily import as it really happens: the next day's feed no longer lists the first day, lists a new
one, and changed a few showtimes (benchmarks/scenarios/allocine_shift.py measures it nationally)."""

import datetime as dt

import pytest
from django.db import connection

from passculture.core.bookings import services as bookings
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.allocine import sync
from passculture.core.providers.allocine.models import AllocineImportRun, AllocineVanishedShowtime
from passculture.core.providers.allocine.sync import ALERT_KIND
from tests.conftest import utc
from tests.core.providers.allocine.test_sync import Allocine, _connect, _sync

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 12, 0)  # 13h00 in Paris
FIRST_DAY = dt.date(2026, 12, 2)
MOVIE_ID = "TW92aWU6NDAwMDAx"
REF = f"allocine:{MOVIE_ID}"
TIMES = ("14:00", "20:30")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _showtime(day: dt.date, time: str, version: str = "LOCAL") -> dict:
    return {
        "startsAt": f"{day.isoformat()}T{time}:00",
        "diffusionVersion": version,
        "projection": ["DIGITAL"],
        "experience": None,
        "languages": ["FRENCH"],
        "service": [],
    }


def _week(first_day: dt.date, *, changed: dict | None = None) -> dict:
    """Seven days of showtimes at TIMES from `first_day`; `changed`: {(day, time): version}."""
    showtimes = [
        _showtime(day, time, (changed or {}).get((day, time), "LOCAL"))
        for day in (first_day + dt.timedelta(days=offset) for offset in range(7))
        for time in TIMES
    ]
    movie = {
        "id": MOVIE_ID,
        "internalId": 400001,
        "title": "Le Jour d'après",
        "type": "COMMERCIAL",
        "runtime": "PT1H40M0S",
        "synopsis": "Un film.",
    }
    return {
        "movieShowtimeList": {"totalCount": 1, "edges": [{"node": {"movie": movie, "showtimes": showtimes}}]}
    }


def _start(day: dt.date, time: str) -> dt.datetime:
    hour, minute = map(int, time.split(":"))
    return utc(day.year, day.month, day.day, hour - 1, minute)  # Paris is UTC+1 in December


def _stock(day: dt.date, time: str) -> Stock:
    return Stock.objects.get(offer__provider_ref=REF, beginning_datetime=_start(day, time), is_deleted=False)


@pytest.fixture
def imported(venue, allocine: Allocine):
    venue.timezone = "Europe/Paris"
    venue.save()
    allocine.serve("P0001", _week(FIRST_DAY))
    settings_obj = _connect(venue)
    run = _sync(settings_obj, allocine)
    assert run.showtimes_created == 14
    return settings_obj


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


def test_the_next_days_feed_adds_the_new_day_and_leaves_past_showtimes_as_history(
    imported, allocine, time_machine, beneficiary
):
    booked = _stock(FIRST_DAY, "14:00")
    bookings.book_offer(beneficiary, booked.pk, 1)
    # The night after the first day: its showtimes are over, and no longer in the feed.
    time_machine.move_to(utc(2026, 12, 3, 2, 0), tick=False)
    allocine.serve("P0001", _week(FIRST_DAY + dt.timedelta(days=1)))

    run = _sync(imported, allocine)

    new_day = FIRST_DAY + dt.timedelta(days=7)
    assert (run.showtimes_created, run.showtimes_updated, run.showtimes_deleted) == (2, 0, 0)
    assert run.status == AllocineImportRun.Status.OK
    assert [_stock(new_day, time).booking_limit_datetime for time in TIMES] == [
        _start(new_day, time) for time in TIMES
    ]
    # Past showtimes are history: neither deleted nor alerted, booked or not.
    assert _stock(FIRST_DAY, "14:00") == booked and _stock(FIRST_DAY, "20:30")
    assert not AllocineVanishedShowtime.objects.exists()
    assert Stock.objects.filter(offer__provider_ref=REF, is_deleted=False).count() == 16


def test_a_shifted_feed_deletes_its_unbooked_future_showtimes_and_keeps_and_alerts_the_booked_one(
    imported, allocine, time_machine, beneficiary
):
    booked = _stock(FIRST_DAY, "20:30")
    bookings.book_offer(beneficiary, booked.pk, 1)
    unbooked = _stock(FIRST_DAY, "14:00")
    # The first day has not started yet, and the feed already dropped it.
    time_machine.move_to(utc(2026, 12, 2, 3, 0), tick=False)
    allocine.serve("P0001", _week(FIRST_DAY + dt.timedelta(days=1)))

    run = _sync(imported, allocine)
    again = _sync(imported, allocine)

    assert (run.showtimes_created, run.showtimes_deleted, run.showtimes_kept_booked) == (2, 1, 1)
    assert run.status == AllocineImportRun.Status.PARTIAL
    assert Stock.objects.get(pk=unbooked.pk).is_deleted
    assert _stock(FIRST_DAY, "20:30") == booked
    assert AllocineVanishedShowtime.objects.get(resolved_at__isnull=True).stock_id == booked.pk
    email = OutboxEmail.objects.get(kind=ALERT_KIND)
    assert "Le Jour d'après" in email.text_body and "1 place(s) réservée(s)" in email.text_body
    # The next run finds the alert open: no second email, nothing else to do.
    assert (again.showtimes_created, again.showtimes_deleted, again.showtimes_kept_booked) == (0, 0, 1)
    assert OutboxEmail.objects.filter(kind=ALERT_KIND).count() == 1


def test_a_changed_version_replaces_the_showtime_and_a_new_price_updates_the_others(
    imported, allocine, time_machine
):
    day = FIRST_DAY + dt.timedelta(days=3)
    old = _stock(day, "20:30")
    time_machine.move_to(utc(2026, 12, 1, 18, 0), tick=False)
    allocine.serve("P0001", _week(FIRST_DAY, changed={(day, "20:30"): "ORIGINAL"}))
    imported.price_cents = 850
    imported.save()

    run = _sync(imported, allocine)

    assert (run.showtimes_created, run.showtimes_deleted, run.showtimes_updated) == (1, 1, 13)
    assert Stock.objects.get(pk=old.pk).is_deleted
    replaced = _stock(day, "20:30")
    assert (replaced.version, replaced.price_cents) == ("VO", 850)
    assert set(
        Stock.objects.filter(offer__provider_ref=REF, is_deleted=False).values_list("price_cents", flat=True)
    ) == {850}


def test_new_showtimes_hold_every_column_an_imported_showtime_had(imported):
    stock = _stock(FIRST_DAY, "14:00")
    offer = Offer.objects.get(provider_ref=REF)

    assert stock.offer == offer and stock.price_category.offer == offer
    assert (stock.price_cents, stock.price_category.price_cents, stock.quantity) == (700, 700, 80)
    assert (stock.booked_quantity, stock.version, stock.is_deleted) == (0, "VF", False)
    assert stock.booking_limit_datetime == stock.beginning_datetime == _start(FIRST_DAY, "14:00")
    assert stock.provider_ref == f"{REF}:2026-12-02T14:00:00:VF"
    assert (stock.id_at_provider, stock.features, stock.edited_fields) == ("", [], [])
    assert stock.created_at == stock.updated_at == NOW


@pytest.mark.postgres_only
def test_the_import_commits_without_waiting_for_the_disk_and_resets_the_setting(
    imported, allocine, monkeypatch
):
    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    seen = []
    observe = sync._observe

    def observed(run) -> None:  # each venue's run, once it is over: still in the import's connection
        seen.append(synchronous_commit())
        observe(run)

    monkeypatch.setattr(sync, "_observe", observed)
    before = synchronous_commit()

    _sync(imported, allocine)
    sync.sync_all(client=allocine.client())

    assert (seen, synchronous_commit()) == (["off", "off"], before)
    assert before != "off"


@pytest.mark.postgres_only
def test_a_shift_sends_its_writes_its_memo_and_the_runs_end_in_one_round_trip(
    imported, allocine, time_machine
):
    from django.test.utils import CaptureQueriesContext

    # The night after the first day, a new price: showtimes created (the new day) and updated (the price).
    time_machine.move_to(utc(2026, 12, 3, 2, 0), tick=False)
    allocine.serve(
        "P0001",
        _week(
            FIRST_DAY + dt.timedelta(days=1),
            changed={(FIRST_DAY + dt.timedelta(days=3), "14:00"): "ORIGINAL"},
        ),
    )
    imported.price_cents = 850
    imported.save()

    with CaptureQueriesContext(connection) as queries:
        run = _sync(imported, allocine)

    statements = [
        query["sql"]
        for query in queries.captured_queries
        if not query["sql"].startswith(("SET ", "RESET ", "SAVEPOINT ", "RELEASE SAVEPOINT "))
    ]
    (batch,) = [sql for sql in statements if '"offers_stock"' in sql and sql.lstrip().startswith("UPDATE")]
    # The deletion, its audit entry, the price update, the run's end and the memo: one query.
    assert [
        name in batch for name in ('"common_auditlog"', '"allocine_allocineimportrun"', "jsonb_build_object")
    ] == [True] * 3
    # The run, the films, the offers, the showtimes (with their alerts), the new price of the import's
    # category and the batch (the COPY of the new showtimes is not captured).
    assert len(statements) == 6, statements
    run.refresh_from_db()
    assert (run.status, run.showtimes_created, run.showtimes_deleted, run.showtimes_updated) == (
        "ok",
        3,
        1,
        11,
    )
    imported.refresh_from_db()
    assert (
        imported.last_import_memo["state"] and imported.last_import_memo["version"] == sync.memo.MEMO_VERSION
    )
    assert _sync(imported, allocine).programme_unchanged


# --- A booked showtime moved within its day (issue 16 point 2, decision 0030) ---------------------


def _moved_week(first_day: dt.date, moves: dict) -> dict:
    """`_week`, with the showtimes of `moves` ({(day, time): new time}) at their new time."""
    feed = _week(first_day)
    showtimes = feed["movieShowtimeList"]["edges"][0]["node"]["showtimes"]
    for (day, time), new_time in moves.items():
        old = f"{day.isoformat()}T{time}:00"
        (showtime,) = [s for s in showtimes if s["startsAt"] == old]
        showtime["startsAt"] = f"{day.isoformat()}T{new_time}:00"
    return feed


def test_a_booked_showtime_moved_within_its_day_keeps_its_bookings_and_tells_them(
    imported, allocine, beneficiary
):
    day = FIRST_DAY + dt.timedelta(days=1)
    booked = _stock(day, "20:30")
    booking = bookings.book_offer(beneficiary, booked.pk, 1)
    allocine.serve("P0001", _moved_week(FIRST_DAY, {(day, "20:30"): "21:15"}))

    run = _sync(imported, allocine)
    again = _sync(imported, allocine)

    moved = Stock.objects.get(pk=booked.pk)
    assert (moved.beginning_datetime, moved.booking_limit_datetime) == (
        _start(day, "21:15"),
        _start(day, "21:15"),
    )
    assert (
        run.showtimes_created,
        run.showtimes_updated,
        run.showtimes_deleted,
        run.showtimes_kept_booked,
    ) == (
        0,
        1,
        0,
        0,
    )
    assert run.status == AllocineImportRun.Status.OK
    assert not AllocineVanishedShowtime.objects.exists() and not OutboxEmail.objects.filter(kind=ALERT_KIND)
    (email,) = OutboxEmail.objects.filter(kind="showtime_moved_beneficiary", related_id=str(booking.pk))
    assert email.to == [beneficiary.email]
    assert "20h30" in email.text_body and "21h15" in email.text_body
    booking.refresh_from_db()
    # B-MOVE: free cancellation until 48 h after the notice, never after the new start.
    assert booking.stock_id == booked.pk
    assert booking.cancellation_limit_datetime == min(NOW + dt.timedelta(hours=48), _start(day, "21:15"))
    # The next run sees the showtime where it is now: nothing to do, nobody told twice.
    assert (again.showtimes_created, again.showtimes_updated, again.showtimes_deleted) == (0, 0, 0)
    assert OutboxEmail.objects.filter(kind="showtime_moved_beneficiary").count() == 1
    assert Stock.objects.filter(offer__provider_ref=REF, is_deleted=False).count() == 14


def test_an_ambiguous_move_is_left_to_the_cinema(imported, allocine, beneficiary):
    """Both showtimes of a day booked and both moved: which went where is a guess, so nothing moves."""
    day = FIRST_DAY + dt.timedelta(days=1)
    for time in TIMES:
        bookings.book_offer(beneficiary if time == "14:00" else _other_beneficiary(), _stock(day, time).pk, 1)
    allocine.serve("P0001", _moved_week(FIRST_DAY, {(day, "14:00"): "15:00", (day, "20:30"): "21:00"}))

    run = _sync(imported, allocine)

    assert (run.showtimes_created, run.showtimes_kept_booked) == (2, 2)
    assert AllocineVanishedShowtime.objects.filter(resolved_at__isnull=True).count() == 2
    assert not OutboxEmail.objects.filter(kind="showtime_moved_beneficiary").exists()


def test_a_showtime_moved_to_another_day_is_not_taken_for_a_move(imported, allocine, beneficiary):
    day = FIRST_DAY + dt.timedelta(days=1)
    booked = _stock(day, "20:30")
    bookings.book_offer(beneficiary, booked.pk, 1)
    feed = _moved_week(FIRST_DAY, {})
    showtimes = feed["movieShowtimeList"]["edges"][0]["node"]["showtimes"]
    (showtime,) = [s for s in showtimes if s["startsAt"] == f"{day.isoformat()}T20:30:00"]
    showtime["startsAt"] = f"{(day + dt.timedelta(days=1)).isoformat()}T22:45:00"
    allocine.serve("P0001", feed)

    run = _sync(imported, allocine)

    assert Stock.objects.get(pk=booked.pk).beginning_datetime == _start(day, "20:30")
    assert (run.showtimes_created, run.showtimes_kept_booked) == (1, 1)
    assert not OutboxEmail.objects.filter(kind="showtime_moved_beneficiary").exists()


def _other_beneficiary():
    from passculture.core.credit.factories import DepositFactory

    return DepositFactory().user
