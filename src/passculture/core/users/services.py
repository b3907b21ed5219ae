"""Accounts: creation, authentication, the beneficiaries' sign-up, password change, and the deletion
of an account (deactivated at once, anonymised later). Email links live in accounts.py."""

import datetime as dt
import logging
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.exceptions import CancellationLimitPassed
from passculture.core.bookings.selectors import bookings_of_beneficiary
from passculture.core.bookings.services import cancel_booking_by_beneficiary, lock_stocks_of
from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError, InvalidInput
from passculture.core.common.locking import lock
from passculture.core.common.text import has_forbidden_characters
from passculture.core.common.time import now as utcnow
from passculture.core.favourites.services import forget_favourites
from passculture.core.identity.services import erase_identity_data
from passculture.core.notifications import account_builders
from passculture.core.notifications.push import forget_devices
from passculture.core.notifications.services import forget_address, queue_built

from . import accounts
from .constants import ANONYMISATION_DELAY_DAYS, ANONYMISED_EMAIL_DOMAIN, DeletionStatus, Role
from .exceptions import (
    AccountDeletionPending,
    AccountInactive,
    EmailAlreadyUsed,
    EmailNotValidated,
    IncorrectPassword,
    InvalidCredentials,
    NotABeneficiary,
    TermsNotAccepted,
)
from .models import AccountDeletionRequest, User
from .selectors import format_day, today
from .validation import check_birth_date, check_city, check_name, check_phone_number, check_postal_code

logger = logging.getLogger(__name__)
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length or 254


def _check_email_and_password(email: str, password: str, user: User | None = None) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput("Adresse email invalide.", code="INVALID_EMAIL") from exc
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="WEAK_PASSWORD") from exc
    return email


@transaction.atomic
def create_user(
    *,
    email: str,
    password: str,
    role: Role = Role.BENEFICIARY,
    first_name: str = "",
    last_name: str = "",
    phone_number: str = "",
    birth_date: dt.date | None = None,
    postal_code: str = "",
    city: str = "",
    is_email_validated: bool = False,
) -> User:
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    email = _check_email_and_password(email, password, candidate)
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyUsed()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                role=role,
                first_name=first_name,
                last_name=last_name,
                phone_number=phone_number,
                birth_date=birth_date,
                postal_code=postal_code,
                city=city,
                is_email_validated=is_email_validated,
                is_staff=role == Role.STAFF,
            )
    except IntegrityError as exc:
        raise EmailAlreadyUsed() from exc
    log_action("user.created", actor=user, target=user, data={"role": role})
    return user


def authenticate_user(email: str, password: str, *, require_validated_email: bool = True) -> User:
    """Checks credentials. The same error for an unknown email and a wrong password."""
    # Never an address: forbidden characters (PostgreSQL refuses NUL in a query), or longer than any
    # stored address (a 100 kB identifier makes SQLite's case-insensitive LIKE fail).
    if has_forbidden_characters(email or "") or len(email or "") > EMAIL_MAX_LENGTH:
        raise InvalidCredentials()
    user = authenticate(username=(email or "").strip().lower(), password=password)
    if user is None:
        inactive = User.objects.filter(email__iexact=(email or "").strip(), is_active=False).first()
        if inactive is not None and inactive.check_password(password):
            if AccountDeletionRequest.objects.filter(user=inactive, status=DeletionStatus.PENDING).exists():
                raise AccountDeletionPending()
            raise AccountInactive()
        raise InvalidCredentials()
    if require_validated_email and not user.is_email_validated:
        raise EmailNotValidated()
    return user


# --- Beneficiaries' sign-up ----------------------------------------------------------------------


@transaction.atomic
def register_beneficiary(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None,
    phone_number: str,
    postal_code: str,
    city: str,
    accepted_terms: bool,
    at: dt.datetime | None = None,
) -> User:
    """Creates a beneficiary whose email is not confirmed yet and queues the confirmation link.

    Every field is checked here, whatever the interface checked before; the first error is raised.
    Anyone aged 15 or more may sign up; the credit is another matter (eligibility, identity check)."""
    at = at or utcnow()
    if accepted_terms is not True:
        raise TermsNotAccepted()
    first_name = check_name(first_name)
    last_name = check_name(last_name)
    birth_date = check_birth_date(birth_date, today(at))
    phone_number = check_phone_number(phone_number)
    postal_code = check_postal_code(postal_code)
    city = check_city(postal_code, city)
    user = create_user(
        email=email,
        password=password,
        role=Role.BENEFICIARY,
        first_name=first_name,
        last_name=last_name,
        phone_number=phone_number,
        birth_date=birth_date,
        postal_code=postal_code,
        city=city,
        is_email_validated=False,
    )
    user.terms_accepted_at = at
    user.save(update_fields=["terms_accepted_at"])
    accounts.send_email_confirmation(user)
    log_action("user.beneficiary_signed_up", actor=user, target=user, data={"postal_code": postal_code})
    return user


# --- Password change ------------------------------------------------------------------------------


@transaction.atomic
def change_password(user: User, current_password: str, new_password: str) -> User:
    """The holder of a session changes their password; every JWT issued before stops working (their
    `pwd` claim no longer matches) and so do the other web sessions (Django's session hash)."""
    user = lock(User.objects.filter(pk=user.pk, is_active=True)).first() or user
    if not user.check_password(current_password or ""):
        raise IncorrectPassword("Le mot de passe actuel est incorrect.")
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="WEAK_PASSWORD") from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log_action("user.password_changed", actor=user, target=user)
    return user


# --- Account deletion -----------------------------------------------------------------------------


def support_email() -> str:
    """Where a beneficiary writes: the address our emails come from (DEFAULT_FROM_EMAIL)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def anonymisation_due(request: AccountDeletionRequest) -> dt.datetime:
    return request.requested_at + dt.timedelta(days=ANONYMISATION_DELAY_DAYS)


@transaction.atomic
def request_account_deletion(
    user: User, password: str, *, at: dt.datetime | None = None
) -> AccountDeletionRequest:
    """A beneficiary deletes their account, confirming with their password.

    - Confirmed bookings still cancellable are cancelled (places and credit freed, the cinema told);
      the others (past their cancellation limit) are kept: they are final, the cinema counts on them
      and they stay usable at the counter with the countermark already emailed.
    - The account is deactivated in the same transaction: the login is refused (ACCOUNT_INACTIVE,
      saying the deletion is pending), web sessions and API tokens stop working at their next request.
    - The personal data are anonymised by `anonymise_deleted_accounts` once ANONYMISATION_DELAY_DAYS
      have passed; the request row is the record of what was asked and done."""
    if not user.is_beneficiary:
        raise NotABeneficiary("La suppression de compte en ligne est réservée aux bénéficiaires.")
    if not user.is_active:
        raise AccountInactive()
    if not user.check_password(password or ""):
        raise IncorrectPassword()
    at = at or utcnow()
    cancelled = kept = 0
    booking_ids = list(
        bookings_of_beneficiary(user)
        .filter(status=BookingStatus.CONFIRMED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    lock_stocks_of(booking_ids)
    for booking_id in booking_ids:
        try:
            cancel_booking_by_beneficiary(user, booking_id, at=at)
        except CancellationLimitPassed:
            kept += 1
        except DomainError:
            # Changed meanwhile (used at the counter, cancelled by the cinema): nothing left to free.
            continue
        else:
            cancelled += 1
    # Locked after the bookings (their services lock stock, booking, deposit): the user row is last.
    locked = lock(User.objects.filter(pk=user.pk)).get()
    if not locked.is_active:
        raise AccountInactive()
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    try:
        with transaction.atomic():
            request = AccountDeletionRequest.objects.create(
                user=locked, requested_at=at, cancelled_bookings=cancelled, kept_bookings=kept
            )
    except IntegrityError as exc:  # a concurrent request of the same account won
        raise AccountInactive() from exc
    log_action(
        "user.deletion_requested",
        actor=locked,
        target=locked,
        data={"request_id": request.pk, "cancelled_bookings": cancelled, "kept_bookings": kept},
    )
    logger.info(
        "account deletion requested: user=%s request=%s cancelled=%s kept=%s",
        locked.pk,
        request.pk,
        cancelled,
        kept,
    )
    queue_built(
        account_builders.account_deletion_requested(
            email=locked.email,
            first_name=locked.first_name,
            anonymisation_day=format_day(today(anonymisation_due(request))),
            cancelled_bookings=cancelled,
            kept_bookings=kept,
            support_email=support_email(),
        ),
        related=locked,
    )
    user.is_active = False
    return request


def anonymised_email(user_id: int) -> str:
    return f"anonyme-{user_id}@{ANONYMISED_EMAIL_DOMAIN}"


@transaction.atomic
def anonymise_account(request: AccountDeletionRequest, *, at: dt.datetime | None = None) -> bool:
    """Erases the personal data of a deleted account; its bookings stay, for the cinemas' accounting and
    the payments, attached to an anonymous user. Returns False when already done (idempotent)."""
    at = at or utcnow()
    request = lock(AccountDeletionRequest.objects.filter(pk=request.pk)).get()
    if request.status != DeletionStatus.PENDING:
        return False
    user = lock(User.objects.filter(pk=request.user_id)).get()
    old_email = user.email
    user.email = anonymised_email(user.pk)
    user.first_name = user.last_name = ""
    user.phone_number = user.postal_code = user.city = ""
    user.birth_date = None
    user.last_login = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    forgotten_emails = forget_address(old_email, user.email)
    # The identity checks keep their decision (why a deposit was granted) but lose what the document said.
    erased_checks = erase_identity_data(user, at=at)
    forgotten_favourites = forget_favourites(user)
    forgotten_devices = forget_devices(user)
    request.status = DeletionStatus.ANONYMISED
    request.anonymised_at = at
    request.save(update_fields=["status", "anonymised_at"])
    log_action(
        "user.anonymised",
        actor_label="anonymisation des comptes supprimés",
        target=user,
        data={
            "request_id": request.pk,
            "outbox_emails": forgotten_emails,
            "identity_checks": erased_checks,
            "favourites": forgotten_favourites,
            "push_devices": forgotten_devices,
        },
    )
    return True


def anonymise_deleted_accounts(
    *, older_than_days: int = ANONYMISATION_DELAY_DAYS, at: dt.datetime | None = None
) -> dict:
    """The job: anonymises every account whose deletion was requested at least `older_than_days` ago.
    Safe to run twice or concurrently: each request is re-checked under its row lock."""
    if older_than_days < 0:
        raise InvalidInput("Le délai doit être positif ou nul.", code="INVALID_DELAY")
    at = at or utcnow()
    due = AccountDeletionRequest.objects.filter(
        status=DeletionStatus.PENDING, requested_at__lte=at - dt.timedelta(days=older_than_days)
    ).order_by("requested_at", "id")
    anonymised = 0
    for request in due:
        if anonymise_account(request, at=at):
            anonymised += 1
    return {"anonymised": anonymised}
