"""Who calls the ticketing API: an offerer's API key (`Authorization: Bearer <key>`) or a pro's email and
password (HTTP Basic). Either way the call becomes a CounterActor of channel API v2.

Failed authentications are counted per client address: past 10 in a minute, every call from that
address is refused with 429 and `Retry-After` before any credential is checked, so guessing gains
nothing. HTTP Basic with the right password of an account that is not a pro's is one of them: 401
INVALID_CREDENTIALS, like a wrong password. Every refusal here is written to the scan log like the
counter's own refusals.
"""

import contextlib

from django.http import HttpRequest
from ninja.security import HttpBasicAuth, HttpBearer

from passculture.core.bookings.constants import CounterChannel
from passculture.core.bookings.services import CounterActor, record_refused_attempt
from passculture.core.common.exceptions import DomainError
from passculture.core.offerers import api_keys
from passculture.core.users import throttling
from passculture.core.users.exceptions import InvalidCredentials, NotAuthenticated
from passculture.core.users.validation import check_portal_access
from passculture.interfaces.http import client_ip

DEVICE_MAX_LENGTH = 255
AUTH_FAILURES_PER_CLIENT = throttling.RateLimit(
    "api-v2-auth-failures:client",
    10,
    60,
    "Trop d'échecs d'authentification depuis votre adresse : réessayez dans {wait}.",
)
# Route name -> the counter operation it runs (the scan log's `action`).
ACTIONS = {"get_booking": "check", "use_booking": "use", "keep_booking": "keep", "cancel_booking": "cancel"}


def call_of(request: HttpRequest) -> tuple[str, str]:
    """(action, raw countermark) of the route being called, read from the URL."""
    match = request.resolver_match
    if match is None:
        return "", ""
    return ACTIONS.get(match.url_name or "", match.url_name or ""), str(match.kwargs.get("token", ""))


def _device(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:DEVICE_MAX_LENGTH]


def api_actor(request: HttpRequest, **fields) -> CounterActor:
    """An actor of the API channel, acting for no offerer until a credential says which."""
    values = {
        "offerer_ids": set(),
        "device": _device(request),
        "ip_address": client_ip(request),
        "channel": CounterChannel.API_V2,
        **fields,
    }
    return CounterActor(**values)


def _refuse(request: HttpRequest, error: DomainError, **actor_fields) -> DomainError:
    action, token = call_of(request)
    record_refused_attempt(api_actor(request, **actor_fields), token, action, error.code)
    return error


def _client(request: HttpRequest) -> str:
    return client_ip(request, "unknown")


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer <env>_<prefix>_<secret>`: a key created in the pro portal by an admin of
    the offerer. It acts for that offerer only."""

    def authenticate(self, request: HttpRequest, token: str) -> CounterActor:
        client = _client(request)
        claimed_prefix = ""
        with contextlib.suppress(DomainError):
            claimed_prefix = api_keys.parse_key(token).prefix
        try:
            # A failure slot is taken before the key is checked and kept only if it is refused.
            with throttling.reserve((AUTH_FAILURES_PER_CLIENT, client)):
                key = api_keys.authenticate_api_key(token)
        except DomainError as error:
            # The claimed prefix is logged even when refused: it tells who still uses a revoked key.
            raise _refuse(request, error, api_key_prefix=claimed_prefix) from None
        return api_actor(
            request,
            offerer_ids={key.offerer_id},
            label=f"Clé API {key.prefix}",
            api_key_prefix=key.prefix,
        )


def _is_failed_login(error: DomainError) -> bool:
    return isinstance(error, InvalidCredentials)


class ProBasicAuth(HttpBasicAuth):
    """HTTP Basic with the email and password of a pro: acts for the offerers they are a validated
    member of, like the counter page."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> CounterActor:
        client = _client(request)
        try:
            with throttling.reserve((AUTH_FAILURES_PER_CLIENT, client), failure=_is_failed_login):
                # The sign-in throttle too: a password guessed through the API is a password guessed.
                # An account that may not use the API is refused like a wrong password, and counted.
                user = throttling.authenticate_throttled(
                    username, password, client=client, require=check_portal_access
                )
        except DomainError as error:
            raise _refuse(request, error) from None
        actor = CounterActor.for_user(user, device=_device(request), ip_address=client_ip(request))
        actor.channel = CounterChannel.API_V2
        return actor


def no_credentials(request: HttpRequest) -> None:
    """Last in the chain: no usable Authorization header. Logged, then 401 UNAUTHENTICATED."""
    raise _refuse(
        request,
        NotAuthenticated(
            "Authentification requise : envoyez `Authorization: Bearer <clé d'API>` ou l'email et le mot "
            "de passe d'un compte pro en HTTP Basic."
        ),
    )
