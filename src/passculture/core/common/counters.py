"""Fixed-window counters shared by every worker, counted atomically: the store behind the rate limits.

- With `RATE_LIMIT_REDIS_URL` (the `CACHE_URL` setting): in Redis, each counter a hash changed by one Lua
  script per operation (increment and expiry set together).
- Otherwise in the database table `common_ratecounter`, by single-statement upserts, which PostgreSQL
  and SQLite both run atomically. Expired rows are reused in place and purged by the hourly job
  `purge_expired_counters`.

Either way the count returned by `increment` is the one this call made, so a caller that refuses past
`limit` lets at most `limit` calls through per window, however many processes or machines race.
See docs/decisions/0015-rate-limit-counters.md.
"""

import functools
import math
import secrets
import time
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction

from .exceptions import ServiceUnavailable
from .models import RateCounter

REDIS_PREFIX = "passculture:counter:"


@dataclass(frozen=True)
class Tick:
    """What one increment saw: the count it made, the seconds left in the window, and the window's
    identity (for `release`)."""

    count: int
    seconds_left: int
    window: str


class CounterStore(Protocol):
    def increment(self, key: str, window_seconds: int) -> Tick: ...

    def release(self, key: str, window: str) -> None: ...

    def reset(self, key: str) -> None: ...

    def count(self, key: str) -> int: ...

    def clear(self) -> None: ...


def _now_ms() -> int:
    return int(time.time() * 1000)


def _seconds(milliseconds: int) -> int:
    return max(1, math.ceil(milliseconds / 1000))


class DatabaseCounterStore:
    """Counters in `common_ratecounter`. Each operation is one statement committed at once: inside an
    outer transaction a refused sign-in could be rolled back uncounted, and on PostgreSQL the row lock
    would be held for the rest of that transaction, so `durable=True` refuses to run there."""

    table = RateCounter._meta.db_table

    def _execute(self, sql: str, params: list) -> list[tuple]:
        table = connection.ops.quote_name(self.table)
        with transaction.atomic(durable=True), connection.cursor() as cursor:
            cursor.execute(sql.format(table=table), params)
            return cursor.fetchall() if cursor.description else []

    def increment(self, key: str, window_seconds: int) -> Tick:
        now = _now_ms()
        # An expired row restarts at 1 with a new window in the same statement: no separate reset
        # that two workers could both do.
        rows = self._execute(
            'INSERT INTO {table} ("key", "count", "expires_at") VALUES (%s, 1, %s) '
            'ON CONFLICT ("key") DO UPDATE SET '
            '"count" = CASE WHEN {table}."expires_at" <= %s THEN 1 ELSE {table}."count" + 1 END, '
            '"expires_at" = CASE WHEN {table}."expires_at" <= %s THEN excluded."expires_at" '
            'ELSE {table}."expires_at" END '
            'RETURNING "count", "expires_at"',
            [key, now + window_seconds * 1000, now, now],
        )
        count, expires_at = rows[0]
        return Tick(int(count), _seconds(int(expires_at) - now), str(expires_at))

    def release(self, key: str, window: str) -> None:
        self._execute(
            'UPDATE {table} SET "count" = "count" - 1 WHERE "key" = %s AND "expires_at" = %s AND "count" > 0',
            [key, int(window)],
        )

    def reset(self, key: str) -> None:
        self._execute('DELETE FROM {table} WHERE "key" = %s', [key])

    def count(self, key: str) -> int:
        row = RateCounter.objects.filter(key=key, expires_at__gt=_now_ms()).values_list("count", flat=True)
        return next(iter(row), 0)

    def clear(self) -> None:
        RateCounter.objects.all().delete()


# KEYS[1] the counter; ARGV[1] the window in ms; ARGV[2] a fresh window id. The first increment of a
# window sets its id and expiry in the same script, so no counter can live without an expiry.
_INCREMENT = """
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
if n == 1 then
  redis.call('HSET', KEYS[1], 'w', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl, redis.call('HGET', KEYS[1], 'w')}
"""
# Takes the slot back only within the window it was taken in.
_RELEASE = """
if redis.call('HGET', KEYS[1], 'w') == ARGV[1] then
  redis.call('HINCRBY', KEYS[1], 'n', -1)
end
return 0
"""


def _redis_answers(method):
    """Redis down or unreachable: the limited action is refused with SERVICE_UNAVAILABLE (503), never let
    through uncounted (that would lift every limit during an outage) nor answered with a 500."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        from redis.exceptions import RedisError

        try:
            return method(*args, **kwargs)
        except RedisError as error:
            raise ServiceUnavailable() from error

    return wrapper


class RedisCounterStore:
    """Counters in Redis (`CACHE_URL`): shared by every worker of every machine, expired by Redis itself."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._increment = self.client.register_script(_INCREMENT)
        self._release = self.client.register_script(_RELEASE)

    @_redis_answers
    def increment(self, key: str, window_seconds: int) -> Tick:
        count, ttl, window = self._increment(
            keys=[REDIS_PREFIX + key], args=[window_seconds * 1000, secrets.token_hex(8)]
        )
        return Tick(
            int(count), _seconds(int(ttl)), window.decode() if isinstance(window, bytes) else str(window)
        )

    @_redis_answers
    def release(self, key: str, window: str) -> None:
        self._release(keys=[REDIS_PREFIX + key], args=[window])

    @_redis_answers
    def reset(self, key: str) -> None:
        self.client.delete(REDIS_PREFIX + key)

    @_redis_answers
    def count(self, key: str) -> int:
        value = self.client.hget(REDIS_PREFIX + key, "n")
        return int(value) if value is not None else 0

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=REDIS_PREFIX + "*", count=1000))
        if keys:
            self.client.delete(*keys)


@cache
def _redis_store(url: str) -> RedisCounterStore:
    # One client (and connection pool) per process; redis-py opens new connections after a fork.
    return RedisCounterStore(url)


def get_store() -> CounterStore:
    url = getattr(settings, "RATE_LIMIT_REDIS_URL", "")
    return _redis_store(url) if url else DatabaseCounterStore()


def purge_expired_counters() -> dict:
    """The job: deletes the database counters whose window is over (Redis expires its own)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lte=_now_ms()).delete()
    return {"deleted": deleted}
