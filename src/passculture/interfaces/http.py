"""Request helpers shared by every interface (pages and JSON APIs)."""

from typing import overload

from django.http import HttpRequest

from passculture.core.common.exceptions import DomainError
from passculture.core.users import throttling


@overload
def client_ip(request: HttpRequest) -> str | None: ...
@overload
def client_ip(request: HttpRequest, default: str) -> str: ...


def client_ip(request: HttpRequest, default: str | None = None) -> str | None:
    """The address the request came from, as this server saw it; `default` when unknown."""
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless the reverse proxy rewrites
    # REMOTE_ADDR, which is its job, not ours.
    return request.META.get("REMOTE_ADDR") or default


def throttled_email_request(request: HttpRequest, form, per_client, per_email):
    """Counts one request that sends an email (confirmation link, password reset) against the limits per
    client and per address; a refusal is shown on the form's email field and returned (else None)."""
    try:
        throttling.hit((per_client, client_ip(request, "unknown")), (per_email, form.cleaned_data["email"]))
    except DomainError as error:
        form.add_error("email", error.message)
        return error
    return None
