"""Account links sent by email: confirming the address, resetting the password.

- Email confirmation: a signed, timestamped token (django.core.signing) valid 3 days, bound to the
  user id and the address it was sent to: changing the address voids older links.
- Password reset: Django's PasswordResetTokenGenerator (valid settings.PASSWORD_RESET_TIMEOUT, 3 days
  by default). Its token hashes the password and last login, so it works once.
- Requests never say whether an address has an account, neither in their answer nor in their time: a
  password reset for an address without an account does the same work as for one (the same query, an
  email built from the same template and queued in the outbox, an audit row), and that email is real:
  it tells the person that no account uses the address (they may have signed up with another one).
- Each audience has its own pages: links sent to beneficiaries open the app (`app:`), links sent to
  professionals and staff open the pro portal (`pro:`). Resend and reset requests take the roles they
  serve, so the pro portal's forms never email a beneficiary and the app's never email a pro.
"""

import datetime as dt
import logging

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import InvalidInput
from passculture.core.common.text import has_forbidden_characters
from passculture.core.notifications import account_builders
from passculture.core.notifications.builders import EmailContent
from passculture.core.notifications.services import queue_built

from .constants import Role
from .exceptions import (
    EmailAlreadyConfirmed,
    EmailConfirmationLinkExpired,
    InvalidEmailConfirmationLink,
    InvalidPasswordResetLink,
)
from .models import User

EMAIL_CONFIRMATION_MAX_AGE = dt.timedelta(days=3)
EMAIL_CONFIRMATION_SALT = "passculture.users.email-confirmation"
# The portal's accounts; beneficiaries reset their password in their own app.
PORTAL_ROLES = (Role.PRO, Role.STAFF)
BENEFICIARY_ROLES = (Role.BENEFICIARY,)

logger = logging.getLogger(__name__)


# --- Email confirmation ----------------------------------------------------------------------------


def email_confirmation_token(user: User) -> str:
    return signing.TimestampSigner(salt=EMAIL_CONFIRMATION_SALT).sign_object({"u": user.pk, "e": user.email})


def send_email_confirmation(user: User) -> None:
    """Queues the link in the caller's transaction (sent once it commits)."""
    token = email_confirmation_token(user)
    if user.role == Role.BENEFICIARY:
        link = account_builders.absolute_url("app:confirm_email", token=token)
        content = account_builders.beneficiary_email_confirmation(
            email=user.email, first_name=user.first_name, link=link
        )
    else:
        link = account_builders.absolute_url("pro:confirm-email", token=token)
        content = account_builders.email_confirmation(email=user.email, first_name=user.first_name, link=link)
    queue_built(content, related=user)


@transaction.atomic
def confirm_email(token: str) -> User:
    """Confirms the address; a link used again is accepted (and changes nothing)."""
    user, _ = _confirm(token)
    return user


@transaction.atomic
def confirm_email_once(token: str) -> User:
    """Confirms the address; refuses a link whose address is already confirmed (EMAIL_ALREADY_CONFIRMED).

    For the native API, where a confirmation answers with session tokens: a link read again from a
    mailbox (or leaked) must not open a session, only the first click does."""
    user, newly_confirmed = _confirm(token)
    if not newly_confirmed:
        raise EmailAlreadyConfirmed()
    return user


def _confirm(token: str) -> tuple[User, bool]:
    signer = signing.TimestampSigner(salt=EMAIL_CONFIRMATION_SALT)
    try:
        payload = signer.unsign_object(token, max_age=EMAIL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise EmailConfirmationLinkExpired() from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidEmailConfirmationLink() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidEmailConfirmationLink()
    user = User.objects.select_for_update().filter(pk=payload["u"], is_active=True).first()
    if user is None or user.email != payload.get("e"):
        raise InvalidEmailConfirmationLink()
    if user.is_email_validated:
        return user, False
    user.is_email_validated = True
    user.save(update_fields=["is_email_validated"])
    log_action("user.email_confirmed", actor=user, target=user)
    return user, True


@transaction.atomic
def resend_email_confirmation(email: str, *, roles: tuple[str, ...] = PORTAL_ROLES) -> None:
    """A new link for an unconfirmed account of one of `roles`; else a notice to the address saying why
    there is no link (already confirmed, or no such account). The same work either way (an email built and
    queued, an audit row), so neither the answer nor its timing tells whether the address has an account;
    the callers' rate limits bound what a stranger's mailbox can receive."""
    address = (email or "").strip()
    if not _is_address(address):  # no account has one (create_user checks), so nothing to tell
        return
    user = User.objects.filter(email__iexact=address, is_active=True, role__in=roles).order_by("pk").first()
    if user is None:
        queue_built(_confirmation_without_account(address, roles))
        log_action("user.email_confirmation_requested_without_account", data={"roles": list(roles)})
    elif user.is_email_validated:
        queue_built(_confirmation_not_needed(user), related=user)
        log_action("user.email_confirmation_requested_when_confirmed", actor=user, target=user)
    else:
        send_email_confirmation(user)
        log_action("user.email_confirmation_resent", actor=user, target=user)


def _confirmation_without_account(address: str, roles: tuple[str, ...]) -> EmailContent:
    if Role.BENEFICIARY in roles:
        signup = account_builders.absolute_url("app:signup")
        return account_builders.beneficiary_confirmation_without_account(email=address, signup_link=signup)
    signup = account_builders.absolute_url("pro:signup")
    return account_builders.confirmation_without_account(email=address, signup_link=signup)


def _confirmation_not_needed(user: User) -> EmailContent:
    if user.role == Role.BENEFICIARY:
        login = account_builders.absolute_url("app:login")
        return account_builders.beneficiary_email_already_confirmed(
            email=user.email, first_name=user.first_name, login_link=login
        )
    login = account_builders.absolute_url("pro:login")
    return account_builders.email_already_confirmed(
        email=user.email, first_name=user.first_name, login_link=login
    )


# --- Password reset --------------------------------------------------------------------------------


@transaction.atomic
def request_password_reset(email: str, *, roles: tuple[str, ...] = PORTAL_ROLES) -> None:
    """Emails a one-time link if an account of one of `roles` has that address, else a notice that no
    such account uses it; says nothing either way. The callers' rate limits (per client and per address)
    bound how many of these a stranger's mailbox can receive."""
    address = (email or "").strip()
    if not _is_address(address):  # no account has one (create_user checks), so nothing to tell
        return
    user = User.objects.filter(email__iexact=address, is_active=True, role__in=roles).order_by("pk").first()
    if user is None:
        # The same work as for an account (an email built and queued, an audit row): timing tells nothing.
        queue_built(_reset_without_account(address, roles))
        log_action("user.password_reset_requested_without_account", data={"roles": list(roles)})
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    if user.role == Role.BENEFICIARY:
        link = account_builders.absolute_url("app:password_reset_confirm", uidb64=uidb64, token=token)
        content = account_builders.beneficiary_password_reset(
            email=user.email, first_name=user.first_name, link=link
        )
    else:
        link = account_builders.absolute_url("pro:password-reset-confirm", uidb64=uidb64, token=token)
        content = account_builders.password_reset(email=user.email, first_name=user.first_name, link=link)
    queue_built(content, related=user)
    log_action("user.password_reset_requested", actor=user, target=user)


def _is_address(address: str) -> bool:
    # Forbidden characters first (NUL...): never in an address, and PostgreSQL refuses NUL in a query.
    if has_forbidden_characters(address):
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _reset_without_account(address: str, roles: tuple[str, ...]) -> EmailContent:
    if Role.BENEFICIARY in roles:
        signup = account_builders.absolute_url("app:signup")
        return account_builders.beneficiary_password_reset_without_account(email=address, signup_link=signup)
    signup = account_builders.absolute_url("pro:signup")
    return account_builders.password_reset_without_account(email=address, signup_link=signup)


def user_for_password_reset(
    uidb64: str, token: str, *, roles: tuple[str, ...] = PORTAL_ROLES, for_update: bool = False
) -> User:
    try:
        user_id = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError) as exc:
        raise InvalidPasswordResetLink() from exc
    if not 0 < user_id < 2**63:  # beyond a database integer: no such account (and no driver error)
        raise InvalidPasswordResetLink()
    users = User.objects.select_for_update() if for_update else User.objects.all()
    user = users.filter(pk=user_id, is_active=True, role__in=roles).first()
    if user is None or not default_token_generator.check_token(user, token or ""):
        raise InvalidPasswordResetLink()
    return user


@transaction.atomic
def reset_password(
    uidb64: str, token: str, new_password: str, *, roles: tuple[str, ...] = PORTAL_ROLES
) -> User:
    # Locked: two submissions of the same link at once must not both pass the token check (the token
    # stops matching once the password changes, which is what makes it single-use).
    user = user_for_password_reset(uidb64, token, roles=roles, for_update=True)
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="WEAK_PASSWORD") from exc
    user.set_password(new_password)
    # The link reached the mailbox: the address is proven, as a confirmation link would.
    user.is_email_validated = True
    user.save(update_fields=["password", "is_email_validated"])
    log_action("user.password_reset", actor=user, target=user)
    return user
