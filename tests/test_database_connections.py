"""A dropped database connection (PostgreSQL restarted, a failover, `pg_terminate_backend`) costs no
request that starts after it: persistent connections are health-checked before their first use in a
request (CONN_HEALTH_CHECKS). A request whose connection dies while it runs may fail; the next succeeds.

The backends killed here are only those of this test's own database (other test runs share the
PostgreSQL server), and never the killer's own connection.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpResponse
from django.urls import path

pytestmark = pytest.mark.postgres_only

STARTUP_BOUND_SECONDS = 180  # a bound against a hang: `serve` collects static files first
SEARCH = "/api/native/v1/offers?latitude=48.8566&longitude=2.3522&radius_km=20&date=week&limit=5"
# Never the killer's own connection, nor the ones the caller spares (the test's own Django connection).
OTHER_BACKENDS = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND NOT (pid = ANY(%s))"
)


def _killer() -> psycopg.Connection:
    """A second connection to the test database, outside Django."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def _terminate_other_backends(spare: tuple[int, ...] = ()) -> int:
    """Kills the other connections to this test database (but `spare`) and waits until they are gone."""
    with _killer() as killer:
        query = f"SELECT count(pg_terminate_backend(pid)) {OTHER_BACKENDS}"
        killed = killer.execute(query, [list(spare)]).fetchone()[0]
        deadline = time.monotonic() + 10
        while _count(killer, spare) and time.monotonic() < deadline:
            time.sleep(0.05)
    return killed


def _count(killer: psycopg.Connection, spare: tuple[int, ...]) -> int:
    return killer.execute(f"SELECT count(*) {OTHER_BACKENDS}", [list(spare)]).fetchone()[0]


def _other_backends(spare: tuple[int, ...] = ()) -> int:
    with _killer() as killer:
        return _count(killer, spare)


def _own_backend() -> tuple[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return (cursor.fetchone()[0],)


# --- A real server: `passculture serve`, whose worker thread keeps its connection (CONN_MAX_AGE) -------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


@pytest.fixture
def server(tmp_path):
    """One gthread worker with one thread, as `make run` serves (there with 4): one connection, reused
    from request to request. Stopped (SIGTERM, then SIGKILL) whatever the test's outcome."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=_database_url(),
        PASSCULTURE_VAR_DIR=str(tmp_path),
        EMAIL_BACKEND="locmem",
        ADRESSE_API_URL="",
        DEBUG="1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "passculture", "serve", "--port", str(port), "--threads", "1", "--no-jobs"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_BOUND_SECONDS
        while _status(base + SEARCH) is None and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.mark.enable_socket
@pytest.mark.django_db
def test_the_first_request_after_the_database_dropped_the_connection_succeeds(server):
    mine = _own_backend()
    assert _status(server + SEARCH) == 200
    assert _other_backends(spare=mine) == 1  # the worker kept its connection open between requests

    # At least the worker's: under load another short-lived connection (the server starting its next
    # thread) may be there too; what matters is that the next request succeeds.
    assert _terminate_other_backends(spare=mine) >= 1

    assert _status(server + SEARCH) == 200
    assert _status(server + SEARCH) == 200


# --- In-process: a connection that dies in the middle of a request -----------------------------------


def _query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _dies_midway(request):
    _query()
    _terminate_other_backends()  # this request's own backend
    _query()
    return HttpResponse("unreachable")


def _answers(request):
    _query()
    return HttpResponse("ok")


urlpatterns = [path("dies-midway/", _dies_midway), path("answers/", _answers)]


def _serve(handler: WSGIHandler, url: str) -> int:
    """One request through Django's WSGI handler as a server calls it: the request signals fire, so
    connections are checked and closed as in production (Django's test client skips that)."""
    environ = {"PATH_INFO": url, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_connection_dies_midway_fails_alone_and_the_next_one_succeeds(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    handler = WSGIHandler()
    assert _serve(handler, "/answers/") == 200

    assert _serve(handler, "/dies-midway/") == 500

    assert _serve(handler, "/answers/") == 200
