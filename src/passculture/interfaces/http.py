"""Request helpers shared by every interface (pages and JSON APIs)."""

from typing import overload

from django.http import HttpRequest


@overload
def client_ip(request: HttpRequest) -> str | None: ...
@overload
def client_ip(request: HttpRequest, default: str) -> str: ...


def client_ip(request: HttpRequest, default: str | None = None) -> str | None:
    """The address the request came from, as this server saw it; `default` when unknown."""
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless the reverse proxy rewrites
    # REMOTE_ADDR, which is its job, not ours.
    return request.META.get("REMOTE_ADDR") or default
