import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from .constants import BOOKING_EMAIL_MAX_LENGTH
from .exceptions import (
    BookingEmailTooLong,
    InvalidBookingEmail,
    InvalidPostalCode,
    InvalidSiren,
    InvalidSiret,
    SiretNotMatchingSiren,
)

POSTAL_CODE_RE = re.compile(r"^[0-9]{5}$")


def check_siren(value: str) -> str:
    compact = stdnum_siren.compact(value or "")
    if not stdnum_siren.is_valid(compact):
        raise InvalidSiren()
    return compact


def check_siret(value: str, *, siren: str | None = None) -> str:
    compact = stdnum_siret.compact(value or "")
    if not stdnum_siret.is_valid(compact):
        raise InvalidSiret()
    if siren is not None and not compact.startswith(siren):
        raise SiretNotMatchingSiren()
    return compact


def check_postal_code(value: str) -> str:
    value = (value or "").strip()
    if not POSTAL_CODE_RE.match(value):
        raise InvalidPostalCode()
    return value


def check_booking_email(value: str | None) -> str:
    """A venue's booking address: empty (no email), or one real address that fits its column."""
    email = (value or "").strip()
    if not email:
        return ""
    if len(email) > BOOKING_EMAIL_MAX_LENGTH:
        raise BookingEmailTooLong()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidBookingEmail() from exc
    return email


def check_can_act_for_offerer(actor, offerer_id: int) -> None:
    """A pro acts only for offerers they are a validated member of. actor=None is the system itself
    (jobs, imports, demo); staff act for everyone."""
    from .exceptions import OffererAccessDenied
    from .selectors import user_can_act_for_offerer

    if actor is None or getattr(actor, "is_staff", False):
        return
    if not user_can_act_for_offerer(actor, offerer_id):
        raise OffererAccessDenied()


def check_can_manage_members(actor, offerer) -> None:
    """Staff, or a validated ADMIN member of a validated offerer. Until staff have validated the
    offerer, its self-declared admin is unverified and may not let others in."""
    from .exceptions import NotOffererAdmin
    from .selectors import is_validated_admin

    if actor is not None and getattr(actor, "is_staff", False) and actor.is_active:
        return
    if actor is None or not offerer.is_validated:
        raise NotOffererAdmin()
    if not is_validated_admin(actor, offerer):
        raise NotOffererAdmin()
