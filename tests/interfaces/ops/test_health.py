"""/healthz (the process is alive) and /readyz (may it take traffic?): each check's failure answers
503 naming the check, never a host or a password, and in bounded time."""

import json
import socket
import time
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor

from passculture.interfaces.ops import health
from tests.helpers import redis_answers, redis_test_db


def free_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed when the block ends: nothing listens there


@pytest.fixture(autouse=True)
def _migrations_checked_afresh(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: pytest-django would fail the test on any database access.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_probes_pass_the_host_check_and_the_https_redirect(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["www.example.org"]
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8000")
        assert response.status_code == 200, path


def test_probes_need_no_sign_in_nor_a_session(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response and not response.cookies


def test_readyz_reports_every_check_and_the_outbox_backlog(client, db):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["ready"] is True
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "migrations",
        "cache",
        "outbox",
    }
    assert body["checks"]["outbox"]["emails"]["pending"] == 0
    assert "ticketing_calls" in body["checks"]["outbox"]
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_when_the_broker_is_down(client, settings, db):
    port = free_closed_port()
    settings.CELERY_BROKER_URL = f"redis://:broker-password@127.0.0.1:{port}/0"
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < health.CHECK_TIMEOUT + 1
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    text = response.content.decode()
    assert "broker-password" not in text and str(port) not in text and "127.0.0.1" not in text


@pytest.mark.redis
def test_readyz_checks_a_live_broker(client, settings, db):
    if not redis_answers():
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:6379/{redis_test_db(5)}"
    response = client.get("/readyz")
    assert response.json()["checks"]["broker"] == {"ok": True}


def test_readyz_is_503_when_a_migration_is_not_applied(client, db, monkeypatch):
    # The code knows a migration the database has not run: the executor's plan is not empty.
    future = SimpleNamespace(app_label="jobs", name="9999_future")
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [(future, False)])
    assert health.unapplied_migrations() == ["jobs.9999_future"]
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False, "error": "1 migration(s) not applied"}


def test_the_migration_plan_is_read_once_all_are_applied(client, db, monkeypatch):
    calls = []
    real = health.unapplied_migrations
    monkeypatch.setattr(health, "unapplied_migrations", lambda: calls.append(1) or real())
    client.get("/readyz")
    client.get("/readyz")
    assert calls == [1]


def test_readyz_is_503_when_the_database_fails_and_says_only_the_kind_of_error(client, db, monkeypatch):
    def down():
        raise OperationalError('connection to server at "db.internal" failed: password=hunter2')

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "hunter2" not in response.content.decode() and "db.internal" not in response.content.decode()


def test_readyz_is_503_when_the_cache_does_not_answer(client, db, monkeypatch):
    from django.core.cache import caches

    def refuse(*args, **kwargs):
        raise ConnectionError("redis://:secret@cache:6379")

    # On the backend's class: each thread (the check runs in its own) has its own cache object.
    monkeypatch.setattr(type(caches["default"]), "set", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert "secret" not in response.content.decode()


def test_a_hung_check_costs_its_timeout_not_more(db, monkeypatch):
    monkeypatch.setattr(health, "check_cache", lambda: time.sleep(1.5))
    started = time.monotonic()
    ready, checks = health.readiness(timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert ready is False
    assert checks["cache"] == {"ok": False, "error": "timeout"}


def test_an_outbox_backlog_alone_does_not_make_the_node_unready(db, monkeypatch):
    def broken():
        raise RuntimeError("backlog query failed")

    monkeypatch.setattr(health, "check_outbox", broken)
    ready, checks = health.readiness()
    assert ready is True
    assert checks["outbox"]["ok"] is False


def test_probes_only_answer_get(client):
    assert client.post("/healthz").status_code == 405


def test_readyz_body_is_json_without_internals(client, db):
    text = client.get("/readyz").content.decode()
    json.loads(text)
    assert "Traceback" not in text and "sqlite" not in text.lower() and "postgres" not in text.lower()
