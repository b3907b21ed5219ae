import pytest
from django.test import Client

from passculture.core.users import tokens

BASE = "/api/native/v1"


class ApiClient:
    """A JSON client for /api/native/v1, optionally authenticated with a bearer token."""

    def __init__(self, token: str | None = None, remote_addr: str = "203.0.113.7"):
        self._client = Client(REMOTE_ADDR=remote_addr)
        self.token = token

    def _headers(self, token):
        token = token if token is not None else self.token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, *, token=None):
        return self._client.get(BASE + path, **self._headers(token))

    def delete(self, path, *, token=None):
        return self._client.delete(BASE + path, **self._headers(token))

    def post(self, path, data=None, *, token=None):
        return self._client.post(
            BASE + path,
            data if data is not None else {},
            content_type="application/json",
            **self._headers(token),
        )


@pytest.fixture
def anonymous():
    return ApiClient()


@pytest.fixture
def as_user():
    def make(user):
        return ApiClient(token=tokens.issue_access_token(user))

    return make


@pytest.fixture
def client_of(beneficiary, as_user):
    return as_user(beneficiary)
