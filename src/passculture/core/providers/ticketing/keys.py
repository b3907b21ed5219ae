"""API keys of ticketing providers: created by staff and shown once, stored hashed, checked with a
failure limit per address, audit-logged. Same clear format as API v2 keys (core/common/secret_keys.py)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from passculture.core.common import secret_keys
from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow
from passculture.core.users import throttling

from .exceptions import (
    InvalidProviderKey,
    ProviderKeyLabelTooLong,
    ProviderKeyRevoked,
    ProviderNotFound,
    StaffOnly,
)
from .models import Provider, ProviderApiKey

LABEL_MAX_LENGTH = 100
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# Failed key checks per client address; a success gives its slot back.
AUTH_FAILURES_PER_IP = throttling.RateLimit(
    "provider-key-failures:ip",
    10,
    60,
    "Trop d'échecs d'authentification depuis votre adresse : réessayez dans {wait}.",
)


@dataclass(frozen=True)
class CreatedProviderKey:
    key: ProviderApiKey
    clear_key: str  # shown once; never stored


def check_staff(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_staff", False) or not getattr(actor, "is_active", False):
        raise StaffOnly()


def keys_of_provider(provider_id: int) -> QuerySet[ProviderApiKey]:
    return ProviderApiKey.objects.filter(provider_id=provider_id).order_by("revoked_at", "-created_at")


def create_provider_key(provider_id: int, *, actor: Any, label: str = "") -> CreatedProviderKey:
    check_staff(actor)
    label = check_text(" ".join((label or "").split()))
    if len(label) > LABEL_MAX_LENGTH:
        raise ProviderKeyLabelTooLong()
    for _ in range(5):
        try:
            return _create(provider_id, actor=actor, label=label)
        except IntegrityError:  # 48 random bits: a prefix clash is rare, but the unique index decides
            continue
    raise DomainError("La clé n'a pas pu être créée, réessayez.", code="API_KEY_GENERATION_FAILED")


@transaction.atomic
def _create(provider_id: int, *, actor: Any, label: str) -> CreatedProviderKey:
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise ProviderNotFound()
    env = secret_keys.environment_token()
    prefix, secret = secret_keys.new_prefix_and_secret()
    with transaction.atomic():
        key = ProviderApiKey.objects.create(
            provider=provider,
            prefix=prefix,
            secret_hash=secret_keys.hash_secret(secret),
            environment=env,
            label=label,
            created_by=actor,
        )
    log_action(
        "provider_key.created",
        actor=actor,
        target=key,
        data={"provider_id": provider.pk, "prefix": prefix, "label": label},
    )
    return CreatedProviderKey(key=key, clear_key=f"{env}_{prefix}_{secret}")


@transaction.atomic
def revoke_provider_key(key_id: int, *, actor: Any) -> ProviderApiKey:
    check_staff(actor)
    key = lock(ProviderApiKey.objects.filter(pk=key_id)).first()
    if key is None:
        raise InvalidProviderKey("Cette clé n'existe pas.", code="API_KEY_NOT_FOUND")
    if key.revoked_at is not None:
        return key
    key.revoked_at = utcnow()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    log_action(
        "provider_key.revoked",
        actor=actor,
        target=key,
        data={"provider_id": key.provider_id, "prefix": key.prefix},
    )
    return key


def authenticate_provider_key(raw_key: str, *, ip: str, at: dt.datetime | None = None) -> Provider:
    """The active provider of an active key, or a DomainError: InvalidProviderKey, ProviderKeyRevoked,
    ProviderNotFound (provider deactivated), RateLimited past 10 failures a minute from `ip`.

    A failure slot is taken before the key is checked and kept only if it is refused; every refusal
    after a check is in the audit log with the claimed prefix (never the secret)."""
    parsed = secret_keys.split_key(raw_key)
    claimed_prefix = parsed.prefix if parsed is not None else ""
    try:
        with throttling.reserve((AUTH_FAILURES_PER_IP, ip)):
            return _check(parsed, at or utcnow())
    except DomainError as error:
        if error.code != "RATE_LIMITED":
            log_action(
                "provider_key.refused",
                actor_label=ip,
                data={"prefix": claimed_prefix, "code": error.code},
            )
        raise


def _check(parsed: secret_keys.ParsedKey | None, at: dt.datetime) -> Provider:
    if parsed is None:
        raise InvalidProviderKey()
    key = ProviderApiKey.objects.select_related("provider").filter(prefix=parsed.prefix).first()
    if not secret_keys.secret_matches(parsed.secret, key.secret_hash if key is not None else None):
        raise InvalidProviderKey()
    assert key is not None
    current = secret_keys.environment_token()
    if parsed.env != current or key.environment != current:
        raise InvalidProviderKey(
            f"Cette clé d'API a été créée pour un autre environnement ({parsed.env}) : "
            f"utilisez une clé créée sur cette plateforme ({current})."
        )
    if key.revoked_at is not None:
        raise ProviderKeyRevoked()
    if not key.provider.is_active:
        raise ProviderKeyRevoked("Ce logiciel de billetterie n'est plus actif sur pass Culture.")
    if key.last_used_at is None or at - key.last_used_at >= LAST_USED_PRECISION:
        ProviderApiKey.objects.filter(pk=key.pk).update(last_used_at=at)
    return key.provider
