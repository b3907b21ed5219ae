"""The counters behind the rate limits, on both stores: the database table (default) and Redis (CACHE_URL)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from passculture.core.common import counters
from passculture.core.common.models import RateCounter
from tests.helpers import redis_answers, redis_test_db

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, redis_test_db(5)
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


def use_redis_counters(settings) -> counters.CounterStore:
    """Points the rate limits at Redis (as CACHE_URL does), or skips the test when Redis is not running."""
    if not redis_answers(REDIS_HOST, REDIS_PORT):
        pytest.skip(
            f"needs a Redis server at {REDIS_HOST}:{REDIS_PORT} (CACHE_URL in production); start redis-server"
        )
    settings.RATE_LIMIT_REDIS_URL = REDIS_URL
    store = counters.get_store()
    store.clear()
    return store


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def store(request, settings, db):
    if request.param == "database":
        yield counters.get_store()
        return
    store = use_redis_counters(settings)
    yield store
    store.clear()


def test_the_database_is_the_store_unless_redis_is_configured(settings):
    settings.RATE_LIMIT_REDIS_URL = ""
    assert isinstance(counters.get_store(), counters.DatabaseCounterStore)

    settings.RATE_LIMIT_REDIS_URL = REDIS_URL
    assert isinstance(counters.get_store(), counters.RedisCounterStore)


def test_each_increment_returns_the_count_it_made(store):
    assert [store.increment("k", 60).count for _ in range(3)] == [1, 2, 3]
    assert store.count("k") == 3
    assert store.count("other") == 0


def test_the_window_starts_at_the_first_increment(store):
    first = store.increment("k", 60)
    again = store.increment("k", 60)

    assert first.window == again.window
    assert 59 <= again.seconds_left <= 60


def test_a_release_gives_one_slot_back(store):
    tick = store.increment("k", 60)
    store.increment("k", 60)

    store.release("k", tick.window)

    assert store.count("k") == 1


def test_a_reset_forgets_the_counter(store):
    store.increment("k", 60)
    store.reset("k")

    assert store.increment("k", 60).count == 1


def test_an_expired_window_restarts_at_one_and_a_late_release_leaves_the_new_window_alone(db):
    store = counters.DatabaseCounterStore()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        old = store.increment("k", 60)
        store.increment("k", 60)
        traveller.shift(dt.timedelta(seconds=60))

        new = store.increment("k", 60)
        store.release("k", old.window)

    assert (new.count, new.seconds_left) == (1, 60)
    assert new.window != old.window
    assert RateCounter.objects.get(key="k").count == 1


def test_the_database_counters_never_join_an_outer_transaction(db):
    """Rolled back with it, a refused sign-in would go uncounted: the store refuses to run there."""
    with transaction.atomic(), pytest.raises(RuntimeError):
        counters.DatabaseCounterStore().increment("k", 60)


def test_the_purge_job_deletes_only_the_counters_whose_window_is_over(db):
    store = counters.DatabaseCounterStore()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        store.increment("short", 10)
        store.increment("long", 3600)
        traveller.shift(dt.timedelta(seconds=11))

        assert counters.purge_expired_counters() == {"deleted": 1}

    assert list(RateCounter.objects.values_list("key", flat=True)) == ["long"]


def test_the_purge_is_a_scheduled_job():
    from passculture.core.jobs.schedule import get_job

    assert get_job("purge_rate_counters").load() is counters.purge_expired_counters
