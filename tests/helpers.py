"""Small helpers shared by the tests."""

import os
import re
import socket

import pytest

from passculture.core.common.exceptions import DomainError


def error_code(func, *args, **kwargs) -> str:
    """Calls func, expects a DomainError, returns its stable code."""
    with pytest.raises(DomainError) as exc:
        func(*args, **kwargs)
    return exc.value.code


def page_for_comparison(response, *hidden: str) -> str:
    """The page's HTML without what differs on every response (the masked CSRF token, the CSP nonce) nor
    the `hidden` strings: two answers that must say the same thing compare equal."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'nonce="[^"]+"', "", html)
    for text in hidden:
        html = html.replace(text, "")
    return html


def redis_test_db(base: int) -> int:
    """The Redis database a test uses: the PostgreSQL suite takes the next one, so that CI can run both
    suites at the same time without one clearing the other's counters."""
    return base + 1 if os.environ.get("DATABASE_URL", "").startswith("postgres") else base


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    """A Redis server answers PING there (tests that need one skip with a clear reason otherwise)."""
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False
