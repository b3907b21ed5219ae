"""Throttling in fixed windows, counted atomically in a store every worker shares (core.common.counters:
Redis with CACHE_URL, else the database).

- Sign-in: failed attempts are counted per client and identifier pair, per client alone (one address
  trying many accounts) and per identifier alone (many addresses trying one account). Every login goes
  through `authenticate_throttled`: the app, the pro portal, the native API, the ticketing API's HTTP
  Basic and the back office.
- Rate limits (`RateLimit`, `hit`, `reserve`): requests that cost something to someone (an email sent, a
  registry call) or that could be used to guess (countermarks) are counted per client, per user or per
  target; past the limit they are refused with RATE_LIMITED and the wait in French.

A slot is taken (the counter incremented, and the new count read, in one atomic step) BEFORE the work it
guards, and given back when the work turns out not to count (a success where only failures count).
So at most `limit` passwords are checked per window, however many requests race: reading the count,
checking the password, then counting would let every request in flight through.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

from passculture.core.common import counters
from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError

from .exceptions import InvalidCredentials, RateLimited, TooManySigninAttempts
from .models import User
from .services import authenticate_user

DEFAULT_MAX_FAILURES = 10
# Looser than the pair limit: offices and mobile carriers put many people behind one address, and a
# per-account limit lets anyone lock a known account out for the window.
DEFAULT_MAX_FAILURES_PER_CLIENT = 50
DEFAULT_MAX_FAILURES_PER_IDENTIFIER = 30
DEFAULT_WINDOW_SECONDS = 60
SIGNIN_BLOCKED = "user.signin_blocked"


def _max_failures() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES", DEFAULT_MAX_FAILURES))


def _max_failures_per_client() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_CLIENT", DEFAULT_MAX_FAILURES_PER_CLIENT))


def _max_failures_per_identifier() -> int:
    return int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_IDENTIFIER", DEFAULT_MAX_FAILURES_PER_IDENTIFIER))


def _window_seconds() -> int:
    return int(getattr(settings, "SIGNIN_FAILURE_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def wait_label(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


# --- Slots: the one counting mechanism ---------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    name: str  # what is counted, for the audit log: "pair", "client", "identifier" or a RateLimit scope
    key: str
    limit: int
    window_seconds: int


def _always(error: DomainError) -> bool:
    return True


class Reservation:
    """One slot taken in each of several counters. Kept unless released; as a context manager, released
    when the block ends without a DomainError that `failure` accepts (so only failures stay counted)."""

    def __init__(
        self,
        store: counters.CounterStore,
        taken: list[tuple[_Slot, counters.Tick]],
        failure: Callable[[DomainError], bool],
    ):
        self._store = store
        self._taken = taken
        self._failure = failure

    def release(self) -> None:
        """Gives every slot back (once)."""
        taken, self._taken = self._taken, []
        for slot, tick in taken:
            self._store.release(slot.key, tick.window)

    def __enter__(self) -> "Reservation":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if not (isinstance(exc, DomainError) and self._failure(exc)):
            self.release()


def _take(
    slots: list[_Slot],
    refuse: Callable[[list[tuple[_Slot, counters.Tick]]], DomainError],
    failure: Callable[[DomainError], bool] = _always,
) -> Reservation:
    store = counters.get_store()
    taken = [(slot, store.increment(slot.key, slot.window_seconds)) for slot in slots]
    full = [(slot, tick) for slot, tick in taken if tick.count > slot.limit]
    if not full:
        return Reservation(store, taken, failure)
    # The full counters keep this refusal (a fixed window does not grow with it, and the count tells
    # the first refusal of a window from the next ones); the others get their slot back, so a request
    # refused by one limit costs nothing against the others.
    for slot, tick in taken:
        if tick.count <= slot.limit:
            store.release(slot.key, tick.window)
    raise refuse(full)


# --- Sign-in -------------------------------------------------------------------------------------------


def _key(scope: str, value: str) -> str:
    # Hashed: identifiers are personal data and may hold characters some stores refuse in keys.
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"signin-failures:{scope}:{digest}"


def _slots(client: str, identifier: str) -> list[_Slot]:
    window = _window_seconds()
    return [
        _Slot("pair", _key("pair", f"{client}|{identifier}"), _max_failures(), window),
        _Slot("client", _key("client", client), _max_failures_per_client(), window),
        _Slot("identifier", _key("identifier", identifier), _max_failures_per_identifier(), window),
    ]


def _audit_blocked(client: str, identifier: str, full: list[tuple[_Slot, counters.Tick]]) -> None:
    """One entry per counter and window (the refusal that first passes the limit), so an attacker
    cannot flood the log; never the password nor the typed address: the account when it exists,
    else a keyed hash of the address."""
    first = [slot for slot, tick in full if tick.count == slot.limit + 1]
    if not first:
        return
    account = None
    if identifier and "\x00" not in identifier:
        account = User.objects.filter(email__iexact=identifier).first()
    for slot in first:
        data = {"counter": slot.name, "limit": slot.limit, "window_seconds": slot.window_seconds}
        if account is None:
            data["identifier_hash"] = salted_hmac(SIGNIN_BLOCKED, identifier, algorithm="sha256").hexdigest()
        log_action(SIGNIN_BLOCKED, actor_label=client, target=account, data=data)


def _refuse_signin(client: str, identifier: str):
    def refuse(full: list[tuple[_Slot, counters.Tick]]) -> DomainError:
        _audit_blocked(client, identifier, full)
        retry_after = max(tick.seconds_left for _, tick in full)
        return TooManySigninAttempts(
            f"Trop de tentatives de connexion : réessayez dans {wait_label(retry_after)}.",
            retry_after=retry_after,
        )

    return refuse


@sensitive_variables("password")
def authenticate_throttled(
    identifier: str,
    password: str,
    *,
    client: str,
    require: Callable[[User], None] | None = None,
    require_validated_email: bool = True,
) -> User:
    """authenticate_user, refused once a client, an identifier or the pair has failed too often.

    A slot is taken in the three counters before the password is checked, so a blocked attempt
    checks nothing and at most the limit is checked per window even in parallel. A wrong password
    keeps its slots; any other outcome gives them back, and a success also forgives the pair (only the
    pair: a success on one account must not reset an address's count).

    `require` is a check the account must also pass on this login (e.g. check_portal_access): an
    account that fails it is refused exactly like a wrong password (InvalidCredentials, counted), so
    the answer tells nothing about the password. The error of a refusal carries `retry_after` (seconds
    until the window that blocks ends) and says it in French; the first refusal of each window is in
    the audit log."""
    identifier = (identifier or "").strip().lower()
    slots = _slots(client, identifier)
    reservation = _take(slots, _refuse_signin(client, identifier))
    try:
        user = authenticate_user(identifier, password, require_validated_email=require_validated_email)
        if require is not None:
            try:
                require(user)
            except DomainError:
                raise InvalidCredentials() from None
    except InvalidCredentials:
        raise  # the failure stays counted in every counter
    except BaseException:
        # The right password, refused for another reason (deactivated, unconfirmed): not a guess.
        reservation.release()
        raise
    reservation.release()
    counters.get_store().reset(slots[0].key)
    return user


# --- Rate limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per `window_seconds` for one value (an address, a user id, an email).

    `message` is French and says what is limited; "{wait}" becomes the time left, e.g. "3 minutes"."""

    scope: str
    limit: int
    window_seconds: int
    message: str = "Trop de demandes : réessayez dans {wait}."

    def key(self, value: object) -> str:
        digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()
        return f"rate:{self.scope}:{digest}"


def _refuse_rate(rules: dict[str, RateLimit]):
    def refuse(full: list[tuple[_Slot, counters.Tick]]) -> DomainError:
        slot, tick = max(full, key=lambda item: item[1].seconds_left)
        rule = rules[slot.key]
        return RateLimited(
            rule.message.format(wait=wait_label(tick.seconds_left)), retry_after=tick.seconds_left
        )

    return refuse


def reserve(
    *pairs: tuple[RateLimit, object], failure: Callable[[DomainError], bool] = _always
) -> Reservation:
    """One slot in each (limit, value) pair's window, or RateLimited (with the longest wait) when any is
    used up; a refused request takes nothing from the other pairs.

    Kept as is, every request counts (`hit`). Used as a context manager, the slots are given back when
    the block ends without a DomainError that `failure` accepts: failures only are counted (wrong API
    keys, unknown countermarks), and still at most `limit` of them per window under concurrency."""
    rules = {rule.key(value): rule for rule, value in pairs}
    slots = [_Slot(rule.scope, rule.key(value), rule.limit, rule.window_seconds) for rule, value in pairs]
    return _take(slots, _refuse_rate(rules), failure)


def hit(*pairs: tuple[RateLimit, object]) -> None:
    """One more request: counted in every pair, or refused (RateLimited) once any pair used up its window.

    A refused request does not move the window, so a client that keeps trying waits out the same one."""
    reserve(*pairs)


def used(rule: RateLimit, value: object) -> int:
    """The requests counted so far in the current window of (rule, value)."""
    return counters.get_store().count(rule.key(value))


# --- Limits of the beneficiaries' account routes (the app's pages and the native API share them) ----

HOUR = 3600
QUARTER_HOUR = 15 * 60
# A school or a family behind one address may sign up several people in an hour; a script trying
# addresses (to learn which have an account, or to send confirmation emails to strangers) may not.
SIGNUP_PER_CLIENT = RateLimit(
    "beneficiary-signup:client",
    10,
    HOUR,
    "Trop d'inscriptions depuis votre connexion : réessayez dans {wait}.",
)
LINK_REQUESTS = "Trop de demandes de lien : réessayez dans {wait}."
RESET_REQUESTS = "Trop de demandes de réinitialisation : réessayez dans {wait}."


def email_request_limits(name: str, message: str) -> tuple[RateLimit, RateLimit]:
    """The limits of a request that sends an email (a confirmation link, a password reset), counted
    whether or not the address has an account: 10 per client and 3 per typed address in 15 minutes,
    so nobody floods a mailbox nor learns which addresses exist."""
    return (
        RateLimit(f"{name}:client", 10, QUARTER_HOUR, message),
        RateLimit(f"{name}:email", 3, QUARTER_HOUR, message),
    )


# The beneficiaries' (app pages and native API) and the pros' (portal) are counted apart.
RESEND_CONFIRMATION_PER_CLIENT, RESEND_CONFIRMATION_PER_EMAIL = email_request_limits(
    "beneficiary-resend-confirmation", LINK_REQUESTS
)
PASSWORD_RESET_PER_CLIENT, PASSWORD_RESET_PER_EMAIL = email_request_limits(
    "beneficiary-password-reset", RESET_REQUESTS
)
PRO_RESEND_CONFIRMATION_PER_CLIENT, PRO_RESEND_CONFIRMATION_PER_EMAIL = email_request_limits(
    "pro-resend-confirmation", LINK_REQUESTS
)
PRO_PASSWORD_RESET_PER_CLIENT, PRO_PASSWORD_RESET_PER_EMAIL = email_request_limits(
    "pro-password-reset", RESET_REQUESTS
)
# Routes where a signed-in person types their password again (change, deletion): a stolen session
# must not become a way to guess it.
PASSWORD_CHECK_PER_USER = RateLimit(
    "beneficiary-password-check:user", 10, QUARTER_HOUR, "Trop de tentatives : réessayez dans {wait}."
)
