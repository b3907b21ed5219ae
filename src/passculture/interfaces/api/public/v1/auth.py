"""Who calls the public API: a ticketing provider's key, `Authorization: Bearer <env>_<prefix>_<secret>`.

core.providers.ticketing.keys checks it: failures counted per client address (10 a minute, then 429 with
`Retry-After` before any key is checked), every checked refusal in the audit log with the claimed prefix,
a revoked key or a deactivated provider refused. The key then reaches the venues actively linked to its
provider, and nothing else (core.providers.ticketing.events).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from ninja.security import HttpBearer

from passculture.core.common import secret_keys
from passculture.core.providers.ticketing.counter import ProviderCounterActor, counter_actor_of_provider
from passculture.core.providers.ticketing.keys import authenticate_provider_key
from passculture.core.providers.ticketing.models import Provider
from passculture.core.users.exceptions import NotAuthenticated
from passculture.interfaces.http import client_ip

DEVICE_MAX_LENGTH = 255
UNAUTHENTICATED_MESSAGE = (
    "Authentification requise : envoyez `Authorization: Bearer <clé d'API>`, la clé de votre logiciel "
    "fournie par pass Culture."
)


@dataclass(frozen=True)
class ProviderCaller:
    provider: Provider
    key_prefix: str
    device: str
    ip_address: str | None

    @property
    def label(self) -> str:
        return f"Clé logiciel {self.key_prefix}"

    def counter_actor(self) -> ProviderCounterActor:
        return counter_actor_of_provider(
            self.provider, key_prefix=self.key_prefix, device=self.device, ip_address=self.ip_address
        )


def caller_of(request: HttpRequest) -> ProviderCaller:
    return request.auth  # type: ignore[attr-defined]


class ProviderKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ProviderCaller:
        provider = authenticate_provider_key(token, ip=client_ip(request, "unknown"))
        parsed = secret_keys.split_key(token)
        return ProviderCaller(
            provider=provider,
            key_prefix=parsed.prefix if parsed is not None else "",
            device=request.META.get("HTTP_USER_AGENT", "")[:DEVICE_MAX_LENGTH],
            ip_address=client_ip(request),
        )


def no_credentials(request: HttpRequest) -> None:
    """Last in the chain: no usable Authorization header."""
    raise NotAuthenticated(UNAUTHENTICATED_MESSAGE)
