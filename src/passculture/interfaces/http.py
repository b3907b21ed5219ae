"""Request helpers shared by every interface (pages and JSON APIs)."""

from typing import overload

from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

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


def safe_next_url(request: HttpRequest, target: str, default: str = "") -> str:
    """`target` when it is a path on this site (a `next` parameter is attacker-controlled), else `default`.
    A path only: `redirect()` would take "-1" or "home" for a URL name to reverse, and fail."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def with_retry_after(response: HttpResponse, error: DomainError | None) -> HttpResponse:
    """Adds `Retry-After` when the refusal was a rate limit that says when to come back."""
    if error is not None and error.details.get("retry_after"):
        response["Retry-After"] = str(error.details["retry_after"])
    return response
