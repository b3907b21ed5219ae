"""Accounts: creation and authentication. Sign-up flows (email links, identity checks) build on these."""

import datetime as dt

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import InvalidInput

from .constants import Role
from .exceptions import AccountInactive, EmailAlreadyUsed, EmailNotValidated, InvalidCredentials
from .models import User


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
    user = authenticate(username=(email or "").strip().lower(), password=password)
    if user is None:
        inactive = User.objects.filter(email__iexact=(email or "").strip(), is_active=False).first()
        if inactive is not None and inactive.check_password(password):
            raise AccountInactive()
        raise InvalidCredentials()
    if require_validated_email and not user.is_email_validated:
        raise EmailNotValidated()
    return user
