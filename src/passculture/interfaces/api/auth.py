"""Bearer authentication for the JSON APIs: the token logic lives in core.users.tokens."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from passculture.core.users import tokens


class AccessToken(HttpBearer):
    """`Authorization: Bearer <accessToken>`. A missing header gives 401 UNAUTHENTICATED; an invalid
    or expired token raises INVALID_TOKEN / TOKEN_EXPIRED (401)."""

    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.user_from_access_token(token)
        request.user = user
        return user


class RefreshToken(HttpBearer):
    """`Authorization: Bearer <refreshToken>`, accepted by the refresh route only."""

    def authenticate(self, request: HttpRequest, token: str):
        return tokens.user_from_refresh_token(token)
