"""Sign-in throttling: failed attempts are counted per client and identifier in Django's cache.

The cache must be shared by every worker in production (Redis) for the limit to hold across them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .exceptions import InvalidCredentials, TooManySigninAttempts
from .models import User
from .services import authenticate_user

DEFAULT_MAX_FAILURES = 10
DEFAULT_WINDOW_SECONDS = 60


def _max_failures() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES", DEFAULT_MAX_FAILURES))


def _window_seconds() -> int:
    return int(getattr(settings, "SIGNIN_FAILURE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def _key(client: str, identifier: str) -> str:
    # Hashed: identifiers are personal data and may hold characters some cache backends refuse in keys.
    digest = hashlib.sha256(f"{client}|{(identifier or '').strip().lower()}".encode()).hexdigest()
    return f"signin-failures:{digest}"


def _record_failure(key: str) -> None:
    # add() sets the expiry on the first failure only: a fixed window that retries cannot keep open.
    if cache.add(key, 1, timeout=_window_seconds()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=_window_seconds())


def authenticate_throttled(identifier: str, password: str, *, client: str) -> User:
    """authenticate_user, refused once a client has failed too often with the same identifier.

    A blocked attempt is refused before the password is checked, so guessing gains nothing."""
    key = _key(client, identifier)
    if (cache.get(key) or 0) >= _max_failures():
        raise TooManySigninAttempts(retry_after=_window_seconds())
    try:
        user = authenticate_user(identifier, password)
    except InvalidCredentials:
        _record_failure(key)
        raise
    cache.delete(key)
    return user
