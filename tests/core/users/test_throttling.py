import contextlib
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from passculture.core.common.exceptions import DomainError, NotFound
from passculture.core.common.models import AuditLog
from passculture.core.users import services, throttling
from passculture.core.users.constants import Role
from passculture.core.users.exceptions import (
    AccountInactive,
    InvalidCredentials,
    NotAProfessional,
    RateLimited,
    TooManySigninAttempts,
)
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from passculture.core.users.throttling import RateLimit, authenticate_throttled
from passculture.core.users.validation import check_portal_access

# The counters live in the database by default (core.common.counters).
pytestmark = pytest.mark.django_db

WRONG = "Wrong-password-2026"


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


def test_a_request_refused_by_one_limit_is_counted_by_none():
    other = RateLimit("other", 10, 600)
    for _ in range(3):
        throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"), (other, "user-1"))

    for _ in range(5):
        with pytest.raises(RateLimited):
            throttling.hit((THREE_PER_TEN_MINUTES, "1.2.3.4"), (other, "user-1"))

    assert throttling.used(other, "user-1") == 3


def test_a_reservation_keeps_only_the_slots_of_failures():
    for _ in range(5):
        with throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4")):
            pass  # a success gives its slot back
    for _ in range(3):
        with pytest.raises(NotFound), throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4")):
            raise NotFound()

    with pytest.raises(RateLimited):
        throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4"))


def test_a_reservation_keeps_only_the_errors_its_failure_test_accepts():
    for _ in range(5):
        with (
            pytest.raises(InvalidCredentials),
            throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4"), failure=lambda e: e.code == "NOT_FOUND"),
        ):
            raise InvalidCredentials()

    assert throttling.used(THREE_PER_TEN_MINUTES, "1.2.3.4") == 0


def test_failures_in_flight_hold_their_slots_so_parallel_requests_cannot_pass_the_limit():
    """The race of 'read the count, do the work, then count the failure': every request in flight passed
    the check. Here six requests are in flight at once, as in parallel workers."""
    outcomes = []
    with pytest.raises(NotFound), contextlib.ExitStack() as in_flight:
        for _ in range(6):
            try:
                in_flight.enter_context(throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4")))
                outcomes.append("working")
            except RateLimited:
                outcomes.append("refused")
        raise NotFound()  # every one in flight fails

    assert outcomes == ["working"] * 3 + ["refused"] * 3
    with pytest.raises(RateLimited):
        throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4"))


# --- Concurrency, audit, roles: every login goes through authenticate_throttled -------------------------


def test_passwords_in_flight_hold_their_slots_so_parallel_attempts_cannot_pass_the_limit(
    settings, user, monkeypatch
):
    """Each password check here starts the next attempt before it fails, as parallel workers do: with
    'check the count, check the password, then count', every one of them would be checked."""
    settings.SIGNIN_MAX_FAILURES = 3
    checked: list[int] = []
    real = services.authenticate_user

    def slow_check(identifier, password, **kwargs):
        checked.append(len(checked))
        if len(checked) < 6:
            with pytest.raises((TooManySigninAttempts, InvalidCredentials)):
                authenticate_throttled(user.email, WRONG, client="1.2.3.4")
        return real(identifier, password, **kwargs)

    monkeypatch.setattr(throttling, "authenticate_user", slow_check)

    with pytest.raises(InvalidCredentials):
        authenticate_throttled(user.email, WRONG, client="1.2.3.4")

    assert len(checked) == 3


def test_successful_sign_ins_count_against_neither_the_address_nor_the_account(settings, user):
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 3
    settings.SIGNIN_MAX_FAILURES_PER_IDENTIFIER = 3

    for _ in range(10):
        assert authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4") == user


def test_the_right_password_of_a_deactivated_account_is_not_counted_as_a_guess(settings, user):
    settings.SIGNIN_MAX_FAILURES = 3
    user.is_active = False
    user.save()
    for _ in range(5):
        with pytest.raises(AccountInactive):
            authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")
    user.is_active = True
    user.save()

    assert authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4") == user


def test_an_account_refused_by_the_login_s_requirement_is_answered_and_counted_as_a_wrong_password(
    settings, user
):
    settings.SIGNIN_MAX_FAILURES = 3
    assert user.role == Role.BENEFICIARY
    for _ in range(3):
        with pytest.raises(InvalidCredentials) as exc:
            authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4", require=check_portal_access)
        assert not isinstance(exc.value, NotAProfessional)

    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")


def _blocked_entries():
    return list(AuditLog.objects.filter(action=throttling.SIGNIN_BLOCKED).order_by("id"))


def test_a_blocked_sign_in_is_audited_once_per_window_with_the_account_never_the_password(user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(user, 10)
        for _ in range(5):
            with pytest.raises(TooManySigninAttempts):
                authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")

        entries = _blocked_entries()
        assert [(e.target_type, e.target_id, e.actor_label, e.data["counter"]) for e in entries] == [
            ("users.user", str(user.pk), "1.2.3.4", "pair")
        ]
        assert entries[0].data == {"counter": "pair", "limit": 10, "window_seconds": 60}

        traveller.shift(dt.timedelta(seconds=61))
        fail(user, 10)
        with pytest.raises(TooManySigninAttempts):
            authenticate_throttled(user.email, TEST_PASSWORD, client="1.2.3.4")

    assert len(_blocked_entries()) == 2


def test_a_blocked_sign_in_on_an_unknown_address_is_audited_with_a_hash_of_it(db):
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            authenticate_throttled("Nobody@Example.com", WRONG, client="1.2.3.4")
    with pytest.raises(TooManySigninAttempts):
        authenticate_throttled("nobody@example.com", WRONG, client="1.2.3.4")

    (entry,) = _blocked_entries()
    assert entry.target_id == "" and len(entry.data["identifier_hash"]) == 64
    stored = str(entry.data) + entry.actor_label
    assert "nobody" not in stored.lower() and WRONG not in stored


def test_the_address_and_the_account_limits_are_audited_apart(settings, db):
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 2
    for n in range(2):
        with pytest.raises(InvalidCredentials):
            authenticate_throttled(f"person{n}@example.com", WRONG, client="1.2.3.4")
    for _ in range(3):
        with pytest.raises(TooManySigninAttempts):
            authenticate_throttled("someone-else@example.com", WRONG, client="1.2.3.4")

    assert [entry.data["counter"] for entry in _blocked_entries()] == ["client"]


def test_only_domain_errors_are_failures_a_crash_gives_the_slot_back():
    with pytest.raises(ZeroDivisionError), throttling.reserve((THREE_PER_TEN_MINUTES, "1.2.3.4")):
        1 / 0  # noqa: B018

    assert throttling.used(THREE_PER_TEN_MINUTES, "1.2.3.4") == 0
    assert issubclass(RateLimited, DomainError)
