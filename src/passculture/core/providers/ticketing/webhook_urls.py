"""Setting the webhook URLs of a provider, or a venue's own (each one replaces the provider's when set),
from code: the public API for providers (the real service's `PATCH /public/providers/v1/provider` and
`.../venues/{venue_id}`) or a script. Staff use the back office's admin (same validator). Decision 0029."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from passculture.core.common.audit import log_action

from .exceptions import InvalidWebhookUrl
from .models import URL_MAX_LENGTH, Provider, VenueProviderLink, webhook_url

URL_KINDS = ("booking", "cancel", "notification")


def _clean(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""  # empty: no URL of its own (a venue then uses its provider's)
    if len(value) > URL_MAX_LENGTH:
        raise InvalidWebhookUrl()
    try:
        webhook_url(value)
    except ValidationError as exc:
        raise InvalidWebhookUrl() from exc
    return value


@transaction.atomic
def set_webhook_urls(
    target: Provider | VenueProviderLink, *, actor: Any = None, actor_label: str = "", **urls: str | None
) -> Any:
    """`booking_url`, `cancel_url`, `notification_url`: None leaves a URL as it is, "" removes it."""
    changed = {}
    for kind in URL_KINDS:
        value = urls.pop(f"{kind}_url", None)
        if value is not None:
            changed[f"{kind}_url"] = _clean(value)
    if urls:
        raise TypeError(f"unknown URL fields: {sorted(urls)}")
    if changed:
        type(target).objects.filter(pk=target.pk).update(**changed)
        for name, value in changed.items():
            setattr(target, name, value)
        log_action(
            "ticketing.webhook_urls_changed",
            actor=actor,
            actor_label=actor_label,
            target=target,
            data={"fields": sorted(changed)},
        )
    return target
