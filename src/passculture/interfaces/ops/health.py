"""/readyz: may this process take traffic? Each check runs in its own thread with a deadline, so a
database or broker that hangs costs at most CHECK_TIMEOUT, never the probe's whole budget. A failed
check says which one and the kind of failure, never a message (it may hold a host or a password)."""

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from passculture.core.common import request_id
from passculture.core.common.time import now as utcnow
from passculture.core.notifications import selectors as outbox
from passculture.core.providers.ticketing import selectors as ticketing

CHECK_TIMEOUT = 2.0
BROKER_CONNECT_TIMEOUT = 1.0
# Once every migration is applied it stays so for this process's code: not asked again.
_migrations_applied = False


class NotReady(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _in_own_connection(func):
    """Runs `func` in the calling (check) thread with its own database connection, closed afterwards."""

    def wrapper():
        try:
            return func()
        finally:
            connections.close_all()

    return wrapper


@_in_own_connection
def check_database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


@_in_own_connection
def check_migrations() -> dict:
    global _migrations_applied
    if _migrations_applied:
        return {}
    missing = unapplied_migrations()
    if missing:
        # Names of our own migrations: no secret, and they tell the operator what to run.
        raise NotReady(f"{len(missing)} migration(s) not applied")
    _migrations_applied = True
    return {}


def check_cache() -> dict:
    key = f"readyz:{request_id.generate()}"
    cache.set(key, "1", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise NotReady("cache does not keep values")
    return {"backend": "redis" if settings.CACHE_URL else "local"}


def check_broker() -> dict:
    from kombu import Connection

    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_CONNECT_TIMEOUT,
        transport_options={"max_retries": 0, "socket_timeout": BROKER_CONNECT_TIMEOUT},
    ) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT)
    return {}


@_in_own_connection
def check_outbox() -> dict:
    at = utcnow()
    return {"emails": outbox.outbox_backlog(at), "ticketing_calls": ticketing.call_backlog(at)}


def _checks() -> dict:
    checks = {
        "database": check_database,
        "migrations": check_migrations,
        "cache": check_cache,
        "outbox": check_outbox,
    }
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    return checks


# Informative: a backlog does not make a web node unfit for traffic (it is alerted on from the metrics).
INFORMATIVE = frozenset({"outbox"})


def readiness(timeout: float = CHECK_TIMEOUT) -> tuple[bool, dict]:
    checks = _checks()
    results: dict = {}
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    try:
        started = time.monotonic()
        futures = {name: pool.submit(func) for name, func in checks.items()}
        for name, future in futures.items():
            left = max(timeout - (time.monotonic() - started), 0.01)
            try:
                results[name] = {"ok": True, **(future.result(timeout=left) or {})}
            except FutureTimeout:
                results[name] = {"ok": False, "error": "timeout"}
            except NotReady as error:
                results[name] = {"ok": False, "error": error.reason}
            except Exception as error:
                results[name] = {"ok": False, "error": type(error).__name__}
    finally:
        # A hung check is left to finish (or time out) on its own: the answer does not wait for it.
        pool.shutdown(wait=False, cancel_futures=True)
    ready = all(result["ok"] for name, result in results.items() if name not in INFORMATIVE)
    return ready, results
