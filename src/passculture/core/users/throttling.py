"""Throttling in Django's cache, in fixed windows.

- Sign-in: failed attempts are counted per client and identifier pair, per client alone (one address
  trying many accounts) and per identifier alone (many addresses trying one account).
- Rate limits (`RateLimit`, `hit`, `check`, `count`): requests that cost something to someone (an
  email sent, a registry call) or that could be used to guess (countermarks) are counted per client,
  per user or per target; past the limit they are refused with RATE_LIMITED and the wait in French.

The cache must be shared by every worker in production (Redis) for the limits to hold across them.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .exceptions import InvalidCredentials, RateLimited, TooManySigninAttempts
from .models import User
from .services import authenticate_user

DEFAULT_MAX_FAILURES = 10
# Looser than the pair limit: offices and mobile carriers put many people behind one address, and a
# per-account limit lets anyone lock a known account out for the window.
DEFAULT_MAX_FAILURES_PER_CLIENT = 50
DEFAULT_MAX_FAILURES_PER_IDENTIFIER = 30
DEFAULT_WINDOW_SECONDS = 60


def _max_failures() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES", DEFAULT_MAX_FAILURES))


def _max_failures_per_client() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_CLIENT", DEFAULT_MAX_FAILURES_PER_CLIENT))


def _max_failures_per_identifier() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_IDENTIFIER", DEFAULT_MAX_FAILURES_PER_IDENTIFIER))


def _window_seconds() -> int:
    return int(getattr(settings, "SIGNIN_FAILURE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int


def _key(scope: str, value: str) -> str:
    # Hashed: identifiers are personal data and may hold characters some cache backends refuse in keys.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"signin-failures:{scope}:{digest}"


def _counters(client: str, identifier: str) -> list[_Counter]:
    identifier = (identifier or "").strip().lower()
    return [
        _Counter(_key("pair", f"{client}|{identifier}"), _max_failures()),
        _Counter(_key("client", client), _max_failures_per_client()),
        _Counter(_key("identifier", identifier), _max_failures_per_identifier()),
    ]


def _record_failure(key: str, window: int | None = None) -> None:
    # add() sets the expiry on the first failure only: a fixed window that retries cannot keep open.
    window = window or _window_seconds()
    if cache.add(key, 1, timeout=window):
        cache.set(f"{key}:until", time.time() + window, timeout=window)
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        cache.set(f"{key}:until", time.time() + window, timeout=window)


def _seconds_left(key: str, window: int | None = None) -> int:
    until = cache.get(f"{key}:until")
    if until is None:
        return window or _window_seconds()
    return max(1, math.ceil(until - time.time()))


def wait_label(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def authenticate_throttled(identifier: str, password: str, *, client: str) -> User:
    """authenticate_user, refused once a client, an identifier or the pair has failed too often.

    A blocked attempt is refused before the password is checked, so guessing gains nothing. The
    error carries `retry_after` (seconds until the window that blocks ends) and says it in French."""
    counters = _counters(client, identifier)
    blocked = [c for c in counters if (cache.get(c.key) or 0) >= c.limit]
    if blocked:
        retry_after = max(_seconds_left(c.key) for c in blocked)
        raise TooManySigninAttempts(
            f"Trop de tentatives de connexion : réessayez dans {wait_label(retry_after)}.",
            retry_after=retry_after,
        )
    try:
        user = authenticate_user(identifier, password)
    except InvalidCredentials:
        for counter in counters:
            _record_failure(counter.key)
        raise
    # Only the pair is forgiven: a success on one account must not reset an address's count.
    cache.delete(counters[0].key)
    return user


# --- Rate limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per `window_seconds` for one value (an address, a user id, an email).

    `message` is French and says what is limited; "{wait}" becomes the time left, e.g. "3 minutes"."""

    scope: str
    limit: int
    window_seconds: int
    message: str = "Trop de demandes : réessayez dans {wait}."

    def key(self, value: object) -> str:
        digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()
        return f"rate:{self.scope}:{digest}"


def check(*pairs: tuple[RateLimit, object]) -> None:
    """Raises RateLimited if any (limit, value) pair has used up its window; counts nothing."""
    blocked = [
        (rule, rule.key(value)) for rule, value in pairs if (cache.get(rule.key(value)) or 0) >= rule.limit
    ]
    if not blocked:
        return
    waits = [(_seconds_left(key, rule.window_seconds), rule) for rule, key in blocked]
    retry_after, rule = max(waits, key=lambda item: item[0])
    raise RateLimited(rule.message.format(wait=wait_label(retry_after)), retry_after=retry_after)


def count(*pairs: tuple[RateLimit, object]) -> None:
    """Counts one event for each (limit, value) pair."""
    for rule, value in pairs:
        _record_failure(rule.key(value), rule.window_seconds)


def hit(*pairs: tuple[RateLimit, object]) -> None:
    """One more request: refused (RateLimited) once any pair used up its window, else counted.

    A refused request is not counted, so a client that keeps trying waits out the same window."""
    check(*pairs)
    count(*pairs)


# --- Limits of the beneficiaries' account routes (the app's pages and the native API share them) ----

HOUR = 3600
QUARTER_HOUR = 15 * 60
# A school or a family behind one address may sign up several people in an hour; a script trying
# addresses (to learn which have an account, or to send confirmation emails to strangers) may not.
SIGNUP_PER_CLIENT = RateLimit(
    "beneficiary-signup:client",
    10,
    HOUR,
    "Trop d'inscriptions depuis votre connexion : réessayez dans {wait}.",
)
LINK_REQUESTS = "Trop de demandes de lien : réessayez dans {wait}."
RESET_REQUESTS = "Trop de demandes de réinitialisation : réessayez dans {wait}."


def email_request_limits(name: str, message: str) -> tuple[RateLimit, RateLimit]:
    """The limits of a request that sends an email (a confirmation link, a password reset), counted
    whether or not the address has an account: 10 per client and 3 per typed address in 15 minutes,
    so nobody floods a mailbox nor learns which addresses exist."""
    return (
        RateLimit(f"{name}:client", 10, QUARTER_HOUR, message),
        RateLimit(f"{name}:email", 3, QUARTER_HOUR, message),
    )


# The beneficiaries' (app pages and native API) and the pros' (portal) are counted apart.
RESEND_CONFIRMATION_PER_CLIENT, RESEND_CONFIRMATION_PER_EMAIL = email_request_limits(
    "beneficiary-resend-confirmation", LINK_REQUESTS
)
PASSWORD_RESET_PER_CLIENT, PASSWORD_RESET_PER_EMAIL = email_request_limits(
    "beneficiary-password-reset", RESET_REQUESTS
)
PRO_RESEND_CONFIRMATION_PER_CLIENT, PRO_RESEND_CONFIRMATION_PER_EMAIL = email_request_limits(
    "pro-resend-confirmation", LINK_REQUESTS
)
PRO_PASSWORD_RESET_PER_CLIENT, PRO_PASSWORD_RESET_PER_EMAIL = email_request_limits(
    "pro-password-reset", RESET_REQUESTS
)
# Routes where a signed-in person types their password again (change, deletion): a stolen session
# must not become a way to guess it.
PASSWORD_CHECK_PER_USER = RateLimit(
    "beneficiary-password-check:user", 10, QUARTER_HOUR, "Trop de tentatives : réessayez dans {wait}."
)
