"""Optional error reports to Sentry (SENTRY_DSN; off when unset), with the official SDK. Nothing
personal leaves: no default PII (user, IP, cookies), no request bodies, no local variables, and every
event goes through `scrub_event` (emails, IBANs, countermarks, tokens, cookies, Authorization headers).
Decision 0036."""

import inspect
from typing import Any

from passculture.core.common import request_id
from passculture.core.common.scrubbing import FILTERED, scrub_value

# Request headers kept (others, Cookie and Authorization first, are dropped).
KEPT_HEADERS = frozenset(
    {"accept", "accept-language", "content-type", "content-length", "host", "user-agent"}
)


def scrub_event(event: dict[str, Any], hint: dict | None = None) -> dict[str, Any]:
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "env"):
            if key in request:
                request[key] = FILTERED
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value if str(name).lower() in KEPT_HEADERS else FILTERED
                for name, value in headers.items()
            }
        # URLs carry countermarks in any case (/api/v2/bookings/token/<token>).
        for key in ("url", "query_string"):
            if isinstance(request.get(key), str):
                request[key] = scrub_value(request[key], loose=True)
    event = scrub_value(event)
    current = request_id.current()
    if current:
        tags = event.setdefault("tags", {})
        if isinstance(tags, dict):
            tags["request_id"] = current
    return event


def _no_personal_data() -> dict[str, Any]:
    """`send_default_pii=False`, in the words of the installed SDK: from 2.76 passing it is deprecated in
    favour of `data_collection`, which then says the same thing category by category."""
    from sentry_sdk.consts import ClientConstructor

    if "data_collection" in inspect.signature(ClientConstructor.__init__).parameters:
        return {
            "data_collection": {
                "user_info": False,
                "http_bodies": [],
                "database_query_data": False,
                "stack_frame_variables": False,
            }
        }
    return {"send_default_pii": False}


def init(dsn: str, *, environment: str, release: str = "", traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        **_no_personal_data(),
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,  # type: ignore[arg-type]
        before_send_transaction=scrub_event,  # type: ignore[arg-type]
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
