"""API keys of an offerer, for its ticketing software (API v2 "contremarque").

A clear key reads `<env>_<prefix>_<secret>`: `env` names the platform that issued it (a key of the test
platform is refused by production with a clear message instead of a bare "invalid"), `prefix` is 12 hex
characters that find the row and are shown in the pro portal and the scan log, `secret` is 64 hex
characters (256 random bits). Only sha256(secret) is stored: a secret that random needs no slow
password hash, and the comparison is constant-time. The clear key is returned once, by `create_api_key`.
"""

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.secret_keys import (  # noqa: F401 - re-exported
    ENVIRONMENT_TOKENS,
    PREFIX_HEX_LENGTH,
    SECRET_HEX_LENGTH,
    ParsedKey,
    environment_token,
    hash_secret,
    split_key,
)
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow

from .constants import ValidationStatus
from .exceptions import (
    ApiKeyLabelTooLong,
    ApiKeyLimitReached,
    ApiKeyNotFound,
    ApiKeyRevoked,
    ApiKeysAdminOnly,
    InvalidApiKey,
    OffererNotFound,
)
from .models import ApiKey, Offerer
from .selectors import is_validated_admin

MAX_ACTIVE_KEYS_PER_OFFERER = 5
LABEL_MAX_LENGTH = 100
# A key used many times a minute by a till records its last use at most this often: one write per
# minute and key, not one per scanned ticket.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def parse_key(raw: str) -> ParsedKey:
    """Splits a clear key, or raises InvalidApiKey."""
    parsed = split_key(raw)
    if parsed is None:
        raise InvalidApiKey()
    return parsed


@dataclass(frozen=True)
class CreatedApiKey:
    key: ApiKey
    clear_key: str  # shown once; never stored


# --- Who may manage keys ---------------------------------------------------------------------------


def check_can_manage_api_keys(actor: Any, offerer: Offerer) -> None:
    """A validated ADMIN member of a validated offerer. Staff are not let in: a key is a credential of
    the cinema, shown once to whoever creates it."""
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        raise ApiKeysAdminOnly()
    if not offerer.is_validated:
        raise ApiKeysAdminOnly()
    if not is_validated_admin(actor, offerer):
        raise ApiKeysAdminOnly()


def can_manage_api_keys(actor: Any, offerer: Offerer) -> bool:
    """Whether the pro portal offers the create / revoke buttons (the services check it again)."""
    try:
        check_can_manage_api_keys(actor, offerer)
    except ApiKeysAdminOnly:
        return False
    return True


# --- Selectors -------------------------------------------------------------------------------------


def api_keys_of_offerer(offerer_id: int) -> QuerySet[ApiKey]:
    """Active keys first, then revoked ones, newest first in each group."""
    revoked_last = Case(
        When(revoked_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return ApiKey.objects.filter(offerer_id=offerer_id).order_by(revoked_last, "-created_at", "-id")


def api_key_of_offerers(key_id: int, offerer_ids) -> ApiKey | None:
    """A key only if it belongs to one of these offerers (the pro's own): None otherwise."""
    return (
        ApiKey.objects.select_related("offerer").filter(pk=key_id, offerer_id__in=list(offerer_ids)).first()
    )


def active_key_count(offerer_id: int) -> int:
    return ApiKey.objects.filter(offerer_id=offerer_id, revoked_at__isnull=True).count()


# --- Services --------------------------------------------------------------------------------------


def _clean_label(label: str) -> str:
    # Typed in a page that reads it without a form: the refused characters are checked here.
    label = check_text(" ".join((label or "").split()))
    if len(label) > LABEL_MAX_LENGTH:
        raise ApiKeyLabelTooLong()
    return label


def create_api_key(offerer_id: int, *, actor: Any, label: str = "") -> CreatedApiKey:
    """Creates a key for the offerer and returns it in clear, once. At most 5 active keys per offerer:
    the offerer row is locked while counting, so two admins clicking together cannot make a sixth."""
    label = _clean_label(label)
    for _ in range(5):
        try:
            return _create_api_key(offerer_id, actor=actor, label=label)
        except _PrefixCollision:
            continue
    raise DomainError("La clé n'a pas pu être créée, réessayez.", code="API_KEY_GENERATION_FAILED")


class _PrefixCollision(Exception):
    pass


@transaction.atomic
def _create_api_key(offerer_id: int, *, actor: Any, label: str) -> CreatedApiKey:
    offerer = lock(Offerer.objects.filter(pk=offerer_id)).first()
    if offerer is None:
        raise OffererNotFound()
    check_can_manage_api_keys(actor, offerer)
    if active_key_count(offerer.pk) >= MAX_ACTIVE_KEYS_PER_OFFERER:
        raise ApiKeyLimitReached()
    env = environment_token()
    prefix = secrets.token_hex(PREFIX_HEX_LENGTH // 2)
    secret = secrets.token_hex(SECRET_HEX_LENGTH // 2)
    try:
        with transaction.atomic():
            key = ApiKey.objects.create(
                offerer=offerer,
                prefix=prefix,
                secret_hash=hash_secret(secret),
                environment=env,
                label=label,
                created_by=actor,
            )
    except IntegrityError as exc:  # 48 random bits: a clash is rare, but the unique index decides
        raise _PrefixCollision() from exc
    log_action(
        "api_key.created",
        actor=actor,
        target=key,
        data={"offerer_id": offerer.pk, "prefix": prefix, "label": label},
    )
    return CreatedApiKey(key=key, clear_key=f"{env}_{prefix}_{secret}")


@transaction.atomic
def revoke_api_key(key_id: int, *, actor: Any) -> ApiKey:
    """Revokes a key for good (a revoked key is refused at once). Revoking it again changes nothing."""
    key = lock(ApiKey.objects.select_related("offerer")).filter(pk=key_id).first()
    if key is None:
        raise ApiKeyNotFound()
    check_can_manage_api_keys(actor, key.offerer)
    if key.revoked_at is not None:
        return key
    key.revoked_at = utcnow()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    log_action(
        "api_key.revoked",
        actor=actor,
        target=key,
        data={"offerer_id": key.offerer_id, "prefix": key.prefix},
    )
    return key


def authenticate_api_key(raw: str, *, at: dt.datetime | None = None) -> ApiKey:
    """The active key matching a clear key, or InvalidApiKey / ApiKeyRevoked. Records its last use."""
    parsed = parse_key(raw)
    key = ApiKey.objects.select_related("offerer").filter(prefix=parsed.prefix).first()
    # The hash is computed and compared even for an unknown prefix: the answer takes as long either way.
    expected = key.secret_hash if key is not None else "0" * SECRET_HEX_LENGTH
    secret_matches = hmac.compare_digest(hash_secret(parsed.secret), expected)
    if key is None or not secret_matches:
        raise InvalidApiKey()
    # Only a holder of the whole key learns more than "invalid".
    current = environment_token()
    if parsed.env != current or key.environment != current:
        raise InvalidApiKey(
            f"Cette clé d'API a été créée pour un autre environnement ({parsed.env}) : "
            f"utilisez une clé créée sur cette plateforme ({current})."
        )
    if key.revoked_at is not None:
        raise ApiKeyRevoked()
    if key.offerer.validation_status == ValidationStatus.REJECTED:
        raise ApiKeyRevoked(
            "Cette clé d'API n'est plus valable : sa structure a été refusée par pass Culture."
        )
    _touch(key, at or utcnow())
    return key


def _touch(key: ApiKey, at: dt.datetime) -> None:
    if key.last_used_at is not None and at - key.last_used_at < LAST_USED_PRECISION:
        return
    # A plain UPDATE, no lock: two tills racing write the same minute; the later one wins, harmlessly.
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=at)
    key.last_used_at = at
