"""The id of the request (or job, or task) being served, carried into everything it causes: log lines,
Celery tasks, outbox emails, Allociné import runs. A context variable, so threads and tasks each see their
own. An incoming `X-Request-ID` is kept only when it is short and made of safe characters; otherwise a
fresh one is generated (a client never writes arbitrary text into our logs)."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

MAX_LENGTH = 64
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
_current: ContextVar[str] = ContextVar("passculture_request_id", default="")


def generate(prefix: str = "") -> str:
    return f"{prefix}{secrets.token_hex(16)}"


def accept(incoming: str | None) -> str:
    """The incoming id if well-formed (8 to 64 of A-Z a-z 0-9 . _ : -), else a new one."""
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return generate()


def current() -> str:
    return _current.get()


@contextmanager
def bound(request_id: str) -> Iterator[str]:
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


def set_current(request_id: str) -> Token[str]:
    """For code with no block to wrap (Celery's task signals): undone by `reset(token)`."""
    return _current.set(request_id)


def reset(token: Token[str]) -> None:
    _current.reset(token)
