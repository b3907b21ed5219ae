"""Bearer tokens of the native app API (JWT, HS256).

A short-lived access token authenticates each call; a long-lived refresh token, sent only to the
refresh route, gets a new access token without asking for the password again. The `type` claim keeps
one from being used as the other.

The `pwd` claim is a short keyed hash of the user's password hash: changing the password (a reset after
a stolen phone, an admin's change) voids every token issued before, like Django voids sessions.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from passculture.core.common.time import now as utcnow

from .exceptions import InvalidToken, TokenExpired
from .models import User
from .selectors import get_user

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"
PASSWORD_CLAIM_SALT = "passculture.users.tokens.password"  # noqa: S105 - an HMAC salt, not a secret
PASSWORD_CLAIM_LENGTH = 10


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def password_claim(user: User) -> str:
    """Changes with the password hash; keyed with SECRET_KEY so the token reveals nothing of the hash."""
    return salted_hmac(PASSWORD_CLAIM_SALT, user.password, algorithm="sha256").hexdigest()[
        :PASSWORD_CLAIM_LENGTH
    ]


def _issue(user: User, token_type: str, lifetime_seconds: int, at: dt.datetime | None) -> str:
    at = at or utcnow()
    payload = {
        "sub": str(user.pk),
        "type": token_type,
        "iat": int(at.timestamp()),
        "exp": int((at + dt.timedelta(seconds=lifetime_seconds)).timestamp()),
        "jti": secrets.token_hex(8),
        "pwd": password_claim(user),
    }
    return jwt.encode(payload, settings.SECRET_KEY, algorithm=ALGORITHM)


def issue_access_token(user: User, *, at: dt.datetime | None = None) -> str:
    return _issue(user, ACCESS, settings.ACCESS_TOKEN_LIFETIME_SECONDS, at)


def issue_refresh_token(user: User, *, at: dt.datetime | None = None) -> str:
    return _issue(user, REFRESH, settings.REFRESH_TOKEN_LIFETIME_SECONDS, at)


def issue_tokens(user: User, *, at: dt.datetime | None = None) -> TokenPair:
    return TokenPair(access=issue_access_token(user, at=at), refresh=issue_refresh_token(user, at=at))


def _user_from(token: str, expected_type: str) -> User:
    try:
        payload = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "type", "pwd"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired() from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken() from exc
    if payload["type"] != expected_type:
        raise InvalidToken()
    try:
        user_id = int(payload["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken() from exc
    # Only active accounts: deactivating a user cuts their sessions at the next call.
    user = get_user(user_id)
    if user is None:
        raise InvalidToken()
    if not constant_time_compare(str(payload["pwd"]), password_claim(user)):
        raise InvalidToken()
    return user


def user_from_access_token(token: str) -> User:
    return _user_from(token, ACCESS)


def user_from_refresh_token(token: str) -> User:
    return _user_from(token, REFRESH)
