"""The per-provider signing secret of the webhooks (`PassCulture-Signature`, HMAC-SHA256 of the body).

We must compute the HMAC, so the secret cannot be stored hashed. It is not stored at all: it is derived
from the server-side TICKETING_SIGNING_KEY, the provider's id and its `signing_key_version`
(HMAC-SHA256), recomputed at each call, shown once to staff when made, never logged. A database dump
alone gives no secret; a rotation increments the version. Decision 0029."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from passculture.core.common.audit import log_action
from passculture.core.common.time import now as utcnow

from .exceptions import ProviderNotFound, SigningSecretMissing
from .keys import check_staff
from .models import Provider

SIGNATURE_HEADER = "PassCulture-Signature"


def provider_secret(provider_id: int, version: int) -> str:
    if version <= 0:
        raise SigningSecretMissing()
    message = f"provider:{provider_id}:v{version}".encode()
    return hmac.new(settings.TICKETING_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()


def secret_of(provider: Provider) -> str:
    return provider_secret(provider.pk, provider.signing_key_version)


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class NewSigningSecret:
    provider: Provider
    clear_secret: str  # shown once to staff; never stored nor logged


@transaction.atomic
def rotate_signing_secret(provider_id: int, *, actor: Any) -> NewSigningSecret:
    """Makes the provider's first secret, or replaces it (the old one stops working at once)."""
    check_staff(actor)
    updated = Provider.objects.filter(pk=provider_id).update(
        signing_key_version=F("signing_key_version") + 1, signing_key_created_at=utcnow()
    )
    if not updated:
        raise ProviderNotFound()
    provider = Provider.objects.get(pk=provider_id)
    log_action(
        "ticketing_provider.signing_secret_rotated",
        actor=actor,
        target=provider,
        data={"version": provider.signing_key_version},
    )
    return NewSigningSecret(provider, secret_of(provider))
