"""The limits hold across processes, on both stores: several real processes (forked workers, each with
its own database or Redis connection) sign in with wrong passwords at once, and at most the limit of
passwords is checked in the window."""

import multiprocessing
import traceback

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connections

from passculture.core.users import throttling
from passculture.core.users.exceptions import InvalidCredentials, RateLimited, TooManySigninAttempts
from passculture.core.users.factories import UserFactory
from tests.core.common.test_counters import use_redis_counters

FORK = multiprocessing.get_context("fork")
PROCESSES = 8
ATTEMPTS_PER_PROCESS = 3
LIMIT = 5
WRONG = "Wrong-password-2026"
CLIENT = "203.0.113.50"
DEADLINE = 120  # seconds: a bound against a hung process, not a performance assertion


class Gate:
    """Shared by the forked processes: counts the passwords checked, and holds each check until every
    process has reached a check or been refused. So the attempts are all in flight together whatever
    the machine's load: read the count, check the password, then count the failure, and every one of
    them would be checked."""

    def __init__(self, parties: int):
        self.parties = parties
        self.condition = FORK.Condition()
        self.arrived = FORK.Value("i", 0, lock=False)  # guarded by the condition's lock
        self.checked = FORK.Value("i", 0, lock=False)

    def check_then_wait(self) -> None:
        with self.condition:
            self.checked.value += 1
            self.arrived.value += 1
            self.condition.notify_all()
            self.condition.wait_for(lambda: self.arrived.value >= self.parties, timeout=DEADLINE)

    def refused(self) -> None:
        with self.condition:
            self.arrived.value += 1
            self.condition.notify_all()


class GatedHasher(MD5PasswordHasher):
    """The tests' fast hasher, through the gate: stands for argon2's slow check."""

    gate: Gate | None = None

    def verify(self, password, encoded):
        if self.gate is not None:
            self.gate.check_then_wait()
        return super().verify(password, encoded)


def _sign_in_with_wrong_passwords(email: str, results) -> None:
    outcomes: list[str] = []
    try:
        for _ in range(ATTEMPTS_PER_PROCESS):
            try:
                throttling.authenticate_throttled(email, WRONG, client=CLIENT)
            except TooManySigninAttempts:
                GatedHasher.gate.refused()  # type: ignore[union-attr]
                outcomes.append("refused")
            except InvalidCredentials:
                outcomes.append("checked")
    except Exception:
        outcomes.append(traceback.format_exc())
    finally:
        connections.close_all()
        results.put(outcomes)


def _hit(rule: throttling.RateLimit, results) -> None:
    outcomes: list[str] = []
    try:
        for _ in range(ATTEMPTS_PER_PROCESS):
            try:
                throttling.hit((rule, CLIENT))
                outcomes.append("counted")
            except RateLimited:
                outcomes.append("refused")
    except Exception:
        outcomes.append(traceback.format_exc())
    finally:
        connections.close_all()
        results.put(outcomes)


def _in_processes(target, *args) -> list[str]:
    """Runs `target(*args, results)` in PROCESSES forked processes at once; their outcomes, together."""
    results = FORK.Queue()
    # Each process opens its own connection: a forked PostgreSQL socket must not be shared. (An in-memory
    # SQLite test database is not closed by this: each process reads its own copy.)
    connections.close_all()
    processes = [FORK.Process(target=target, args=(*args, results)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    outcomes = [outcome for _ in processes for outcome in results.get(timeout=DEADLINE)]
    for process in processes:
        process.join(DEADLINE)
    unexpected = [outcome for outcome in outcomes if outcome not in {"checked", "refused", "counted"}]
    assert not unexpected, unexpected[0]
    return outcomes


@pytest.fixture
def racing_sign_ins(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.GatedHasher"]
    settings.SIGNIN_MAX_FAILURES = LIMIT
    settings.SIGNIN_FAILURE_WINDOW_SECONDS = 3600  # the whole race in one window, however slow
    user = UserFactory()
    gate = Gate(PROCESSES)
    GatedHasher.gate = gate
    yield user, gate
    GatedHasher.gate = None


def _assert_at_most_the_limit_is_checked(user, gate) -> None:
    outcomes = _in_processes(_sign_in_with_wrong_passwords, user.email)

    assert gate.checked.value == LIMIT
    assert outcomes.count("checked") == LIMIT
    assert outcomes.count("refused") == PROCESSES * ATTEMPTS_PER_PROCESS - LIMIT


def _assert_a_rate_limit_counts_exactly_its_limit() -> None:
    rule = throttling.RateLimit("test-processes", 7, 3600)

    outcomes = _in_processes(_hit, rule)

    assert outcomes.count("counted") == 7


@pytest.mark.postgres_only  # an in-memory SQLite test database is one per process: nothing to share
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_check_at_most_the_limit_of_passwords_with_the_database_store(racing_sign_ins):
    _assert_at_most_the_limit_is_checked(*racing_sign_ins)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_pass_a_rate_limit_exactly_its_limit_times_with_the_database_store():
    _assert_a_rate_limit_counts_exactly_its_limit()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_check_at_most_the_limit_of_passwords_with_the_redis_store(
    settings, racing_sign_ins
):
    store = use_redis_counters(settings)
    try:
        _assert_at_most_the_limit_is_checked(*racing_sign_ins)
    finally:
        store.clear()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_parallel_processes_pass_a_rate_limit_exactly_its_limit_times_with_the_redis_store(settings):
    store = use_redis_counters(settings)
    try:
        _assert_a_rate_limit_counts_exactly_its_limit()
    finally:
        store.clear()
