import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from passculture.core.users import throttling
from passculture.core.users.exceptions import InvalidCredentials, RateLimited, TooManySigninAttempts
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from passculture.core.users.throttling import RateLimit, authenticate_throttled

WRONG = "Wrong-password-2026"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


def fail(user, times, client="1.2.3.4"):
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            authenticate_throttled(user.email, WRONG, client=client)


def test_nine_failures_still_let_the_right_password_in(user):
    fail(user, 9)

    assert authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4") == user


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(user):
    fail(user, 10)

    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")


def test_failures_are_counted_per_identifier(user):
    fail(user, 10)
    other = UserFactory()

    assert authenticate_throttled(other.email, TEST_PASSWORD, client="1.2.3.4") == other


def test_failures_are_counted_per_client(user):
    fail(user, 10, client="1.2.3.4")

    assert authenticate_throttled(user.email, TEST_PASSWORD, client="5.6.7.8") == user


def test_the_identifier_case_does_not_dodge_the_limit(user):
    fail(user, 10)

    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled(user.email.upper(), TEST_PASSWORD, client="1.2.3.4")


def test_a_success_resets_the_count(user):
    fail(user, 9)
    authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")
    fail(user, 9)

    assert authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4") == user


def test_the_window_starts_at_the_first_failure_and_lasts_a_minute(user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(user, 5)
        traveller.shift(dt.timedelta(seconds=50))
        fail(user, 5)
        with pytest.raises(TooManySigninAttempts):
            authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")

        traveller.shift(dt.timedelta(seconds=11))

        assert authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4") == user


def test_one_client_failing_on_many_accounts_is_blocked_on_every_account(settings, db):
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 5
    victims = UserFactory.create_batch(5)
    for victim in victims:
        fail(victim, 1)
    other = UserFactory()

    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled(other.email, TEST_PASSWORD, client="1.2.3.4")
    assert authenticate_throttled(other.email, TEST_PASSWORD, client="9.9.9.9") == other


def test_many_clients_failing_on_one_account_block_it_for_everyone(settings, user):
    settings.SIGNIN_MAX_FAILURES_PER_IDENTIFIER = 5
    for n in range(5):
        fail(user, 1, client=f"10.0.0.{n}")

    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled(user.email, TEST_PASSWORD, client="10.0.0.99")


def test_the_refusal_says_how_long_to_wait(user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(user, 10)
        traveller.shift(dt.timedelta(seconds=20))
        with pytest.raises(TooManySigninAttempts) as exc:
            authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")

    assert exc.value.details["retry_after"] == 40
    assert "40 secondes" in exc.value.message


# --- Generic rate limits ---------------------------------------------------------------------------

THREE_PER_TEN_MINUTES = RateLimit("test", 3, 600, "Trop d'essais : réessayez dans {wait}.")


def test_a_rate_limit_lets_its_quota_through_then_refuses():
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))

        with pytest.raises(RateLimited) as exc:
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))

    assert exc.value.code == "RATE_LIMITED"
    assert exc.value.message == "Trop d'essais : réessayez dans 10 minutes."
    assert exc.value.details["retry_after"] == 600


def test_a_rate_limit_counts_each_value_apart():
    for _ in range(3):
        throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))

    throttling.hit((THREE_PER_TEN_MINUTES, "5.6.7.8"))


def test_a_rate_limit_ignores_the_case_of_its_value():
    for _ in range(3):
        throttling.hit((THREE_PER_TEN_MINUTES, "Claire@Example.com"))

    with pytest.raises(RateLimited):
        throttling.hit((THREE_PER_TEN_MINUTES, "claire@example.com "))


def test_a_rate_limit_window_ends_and_refusals_do_not_extend_it():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))
        traveller.shift(dt.timedelta(minutes=9))
        with pytest.raises(RateLimited) as exc:
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))
        assert exc.value.details["retry_after"] == 60

        traveller.shift(dt.timedelta(minutes=1, seconds=1))

        throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"))


def test_check_refuses_without_counting_and_count_counts_without_refusing():
    throttling.check((THREE_PER_TEN_MINUTES, "1.2.3.4"))
    for _ in range(5):
        throttling.count((THREE_PER_TEN_MINUTES, "1.2.3.4"))

    with pytest.raises(RateLimited):
        throttling.check((THREE_PER_TEN_MINUTES, "1.2.3.4"))


def test_a_request_refused_by_one_limit_is_counted_by_none():
    other = RateLimit("other", 10, 600)
    for _ in range(3):
        throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"), (other, "user-1"))

    for _ in range(5):
        with pytest.raises(RateLimited):
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"), (other, "user-1"))

    assert cache.get(other.key("user-1")) == 3
