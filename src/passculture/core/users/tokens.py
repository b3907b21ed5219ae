"""Bearer tokens of the native app API (JWT, HS256).

A short-lived access token authenticates each call; a long-lived refresh token, sent only to the
refresh route, gets a new access token without asking for the password again. The `type` claim keeps
one from being used as the other.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

import jwt
from django.conf import settings

from passculture.core.common.time import now as utcnow

from .exceptions import InvalidToken, TokenExpired
from .models import User
from .selectors import get_user

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def _issue(user: User, token_type: str, lifetime_seconds: int, at: dt.datetime | None) -> str:
    at = at or utcnow()
    payload = {
        "sub": str(user.pk),
        "type": token_type,
        "iat": int(at.timestamp()),
        "exp": int((at + dt.timedelta(seconds=lifetime_seconds)).timestamp()),
        "jti": secrets.token_hex(8),
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
            options={"require": ["exp", "iat", "sub", "type"]},
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
    return user


def user_from_access_token(token: str) -> User:
    return _user_from(token, ACCESS)


def user_from_refresh_token(token: str) -> User:
    return _user_from(token, REFRESH)
