"""The daily import in several worker processes (parallel.py, worker.py), on PostgreSQL: the workers are
other interpreters with their own connections, so they see only committed rows (transactional tests), and
they read the feeds from a real local HTTP server."""

import copy
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from passculture.core.films.models import Film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer
from passculture.core.providers.allocine import parallel, sync
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import UNEXPECTED_ERROR_MESSAGE, sync_all
from tests.conftest import utc
from tests.core.providers.allocine.test_sync import POSTER

FEEDS = Path(__file__).parent / "feeds"
NORMAL = json.loads((FEEDS / "normal_theater.json").read_text())
AT = utc(2026, 12, 1, 12, 0)  # the feed's showtimes are after it; the workers' clocks are not frozen
KEY = "test-key"
VENUES = 7


def on_postgres(test):
    """Committed rows (the workers' connections see nothing else), PostgreSQL only."""
    return pytest.mark.postgres_only(pytest.mark.django_db(transaction=True)(test))


@pytest.fixture
def feeds(httpserver: HTTPServer, settings, tmp_path, monkeypatch):
    """Every theatre shows the same five films, posters served by the same server."""
    feed = copy.deepcopy(NORMAL)
    for edge in feed["movieShowtimeList"]["edges"]:
        movie = edge["node"]["movie"]
        movie["poster"] = {"url": httpserver.url_for(f"/posters/{movie['id']}.jpg")}
    body = json.dumps(feed)

    def answer(request: Request) -> Response:
        if request.path.startswith("/posters/"):
            return Response(POSTER, content_type="image/jpeg")
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return Response(status=401)
        return Response(body, content_type="application/json")

    httpserver.expect_request("/api/query/movieShowtimeList").respond_with_handler(answer)
    httpserver.expect_request(re.compile("^/posters/")).respond_with_handler(answer)
    settings.ALLOCINE_API_URL = httpserver.url_for("/api/query")
    settings.ALLOCINE_API_KEY = KEY
    settings.ALLOCINE_IMPORT_PROCESSES = 2
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Chunks of two venues, workers for a handful: the hand-out is exercised.
    monkeypatch.setattr(sync, "RUNS_STARTED_TOGETHER", 2)
    monkeypatch.setattr(parallel, "MIN_VENUES_PER_PROCESS", 1)
    return feed


def _venues(count: int = VENUES) -> list[AllocineVenueSettings]:
    connected = []
    for index in range(count):
        venue = VenueFactory()
        theater = AllocineTheater.objects.create(siret=venue.siret, theater_id=f"P{index:04d}")
        connected.append(
            AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700, quantity=80)
        )
    return connected


@pytest.fixture
def trigger():
    """`trigger(name, venue_id, body)`: runs `body` when an offer of that venue is inserted (from any
    process: the workers' too); dropped at the end of the test."""
    table = Offer._meta.db_table
    names: list[str] = []

    def add(name: str, venue_id: int, body: str) -> None:
        names.append(name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF NEW.venue_id = {venue_id} THEN "
                f"{body} END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f'CREATE TRIGGER {name} BEFORE INSERT ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()'
            )

    yield add
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


@on_postgres
def test_two_workers_import_every_venue_and_create_each_film_once(feeds):
    venues = _venues()

    results = sync_all(at=AT)

    assert results == {"venues": VENUES, "ok": VENUES, "partial": 0, "error": 0, "skipped": 0}
    for settings_obj in venues:
        assert Offer.objects.filter(venue=settings_obj.venue).count() == 4
        run = AllocineImportRun.objects.get(venue=settings_obj.venue)
        assert run.status == AllocineImportRun.Status.OK and run.finished_at is not None
    # One film per offer of a theatre (the feed's special event makes none), whoever created it.
    assert Film.objects.count() == 4
    assert not Offer.objects.filter(film__isnull=True).exists()
    assert all(film.poster for film in Film.objects.filter(offers__isnull=False).distinct())
    # Both workers imported (their backends' application_name is not kept; their runs are).
    assert AllocineImportRun.objects.count() == VENUES


@on_postgres
def test_a_venue_that_fails_in_a_worker_is_an_error_run_and_the_others_import(feeds, trigger):
    venues = _venues()
    failing = venues[3]
    trigger("allocine_test_fail", failing.venue_id, "RAISE EXCEPTION 'broken venue';")

    results = sync_all(at=AT)

    assert (results["venues"], results["ok"], results["error"]) == (VENUES, VENUES - 1, 1)
    run = AllocineImportRun.objects.get(venue=failing.venue)
    assert run.status == AllocineImportRun.Status.ERROR and run.errors == [UNEXPECTED_ERROR_MESSAGE]
    assert not Offer.objects.filter(venue=failing.venue).exists()
    for settings_obj in venues:
        if settings_obj != failing:
            assert Offer.objects.filter(venue=settings_obj.venue).count() == 4


def _kill_the_worker_stuck_in_pg_sleep(killed: list[int], stop: threading.Event) -> None:
    from django.db import connections

    try:
        while not stop.is_set():
            with connections["default"].cursor() as cursor:
                cursor.execute(
                    "SELECT pid, application_name FROM pg_stat_activity "
                    "WHERE wait_event = 'PgSleep' AND application_name LIKE 'allocine-import-%%'"
                )
                row = cursor.fetchone()
                if row is not None:
                    backend, application = row
                    worker = int(application.rsplit("-", 1)[1])
                    os.kill(worker, signal.SIGKILL)
                    killed.append(worker)
                    # The backend would sleep on, holding its locks: ended too.
                    cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
                    return
            time.sleep(0.05)
    finally:
        connections["default"].close()


@on_postgres
def test_a_killed_worker_loses_no_venue(feeds, trigger):
    venues = _venues()
    stuck = venues[2]
    trigger("allocine_test_sleep", stuck.venue_id, "PERFORM pg_sleep(60);")
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=_kill_the_worker_stuck_in_pg_sleep, args=(killed, stop))
    killer.start()
    try:
        results = sync_all(at=AT)
    finally:
        stop.set()
        killer.join()

    assert len(killed) == 1
    # The venue being imported: an error run; those the worker had not started: imported by the other
    # worker (or this process).
    assert (results["venues"], results["ok"], results["error"]) == (VENUES, VENUES - 1, 1)
    run = AllocineImportRun.objects.get(venue=stuck.venue)
    assert run.status == AllocineImportRun.Status.ERROR and run.errors == [UNEXPECTED_ERROR_MESSAGE]
    for settings_obj in venues:
        assert AllocineImportRun.objects.filter(venue=settings_obj.venue).count() == 1
        if settings_obj != stuck:
            assert Offer.objects.filter(venue=settings_obj.venue).count() == 4
            assert AllocineImportRun.objects.get(venue=settings_obj.venue).status == "ok"


@on_postgres
def test_the_workers_log_with_the_job_s_request_id(feeds, capfd):
    from passculture.core.common import request_id

    _venues(2)
    with request_id.bound("job-parallel-test-id"):
        sync_all(at=AT)

    lines = [line for line in capfd.readouterr().err.splitlines() if "allocine: venue" in line]
    assert len(lines) == 2
    assert all("job-parallel-test-id" in line for line in lines)


@on_postgres
def test_the_setting_says_how_many_workers(settings, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_VENUES_PER_PROCESS", 1)
    settings.ALLOCINE_IMPORT_PROCESSES = 2
    assert parallel.process_count(100) == 2
    assert parallel.process_count(1) == 1
    settings.ALLOCINE_IMPORT_PROCESSES = 0
    assert parallel.process_count(100) == min(len(os.sched_getaffinity(0)), parallel.MAX_PROCESSES)


@on_postgres
def test_one_process_imports_every_venue_in_this_process(feeds, settings, monkeypatch):
    settings.ALLOCINE_IMPORT_PROCESSES = 1
    _venues(3)
    monkeypatch.setattr(parallel, "sync_in_processes", _no_workers)

    assert sync_all(at=AT)["ok"] == 3


def _no_workers(*args, **kwargs):
    raise AssertionError("no worker process expected")


@pytest.mark.django_db
def test_sqlite_or_an_open_transaction_means_this_process(settings, monkeypatch):
    # SQLite writes one transaction at a time; on PostgreSQL this test's rows are not committed (the
    # test runs in a transaction), which workers would not see.
    monkeypatch.setattr(parallel, "MIN_VENUES_PER_PROCESS", 1)
    settings.ALLOCINE_IMPORT_PROCESSES = 4
    assert parallel.process_count(100) == 1


@on_postgres
def test_the_workers_start_from_a_daemonic_process(feeds):
    # A Celery prefork child is daemonic: multiprocessing refuses it children, the workers are not
    # started with multiprocessing.
    import multiprocessing

    from tests.core.providers.allocine.daemon_import import run_sync_all

    _venues(4)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(
        target=run_sync_all, args=(parallel.worker_config(AT), AT, results), daemon=True
    )
    process.start()
    processes, outcome = results.get(timeout=120)
    process.join()

    assert processes == 2
    assert outcome == {"venues": 4, "ok": 4, "partial": 0, "error": 0, "skipped": 0}
    assert Offer.objects.count() == 16
