"""A professional signs up: an account plus a SIREN.

- The SIREN is already registered: the pro asks to join that offerer (pending membership; its
  admins and staff are told).
- Otherwise the company registry gives the legal name and address; the new offerer waits for staff
  (NEW), its creator is its admin. A closed company or a SIREN the registry does not know is refused.
- The registry is unreachable: the pro types the legal name and address, and the offerer is flagged
  UNREACHABLE for staff to check by hand.

The account can log in once its email is confirmed (the link is sent here).
"""

from dataclasses import dataclass

from django.db import transaction

from passculture.core.common.audit import log_action
from passculture.core.common.quiet_hours import DEFAULT_TIMEZONE
from passculture.core.notifications import account_builders
from passculture.core.notifications.services import queue_built
from passculture.core.users.accounts import send_email_confirmation
from passculture.core.users.constants import Role
from passculture.core.users.models import User
from passculture.core.users.selectors import staff_emails
from passculture.core.users.services import create_user
from passculture.core.users.validation import check_phone_number

from . import registry
from .constants import RegistryStatus
from .exceptions import CompanyClosed, CompanyNotFound, ManualCompanyDetailsRequired, RegistryUnavailable
from .models import Membership, Offerer
from .services import create_offerer, request_membership
from .validation import check_postal_code, check_siren


@dataclass(frozen=True)
class SirenPreview:
    """What a sign-up with this SIREN will do, shown to the pro before they confirm."""

    siren: str
    existing_offerer: Offerer | None = None
    company: registry.CompanyInfo | None = None

    @property
    def registry_unreachable(self) -> bool:
        return self.existing_offerer is None and self.company is None


@dataclass(frozen=True)
class ManualCompany:
    """Typed by the pro when the registry cannot answer."""

    name: str
    address: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class SignupResult:
    user: User
    offerer: Offerer
    membership: Membership
    joined_existing: bool


def preview_siren(siren: str) -> SirenPreview:
    """Raises InvalidSiren, CompanyNotFound or CompanyClosed; an unreachable registry is not an error."""
    siren = check_siren(siren)
    existing = Offerer.objects.filter(siren=siren).first()
    if existing is not None:
        return SirenPreview(siren=siren, existing_offerer=existing)
    try:
        company = registry.lookup_siren(siren)
    except RegistryUnavailable:
        return SirenPreview(siren=siren)
    if company is None:
        raise CompanyNotFound()
    if not company.active:
        raise CompanyClosed()
    return SirenPreview(siren=siren, company=company)


def _checked_manual(manual: ManualCompany | None) -> ManualCompany:
    if manual is None:
        raise ManualCompanyDetailsRequired()
    fields = [value.strip() for value in (manual.name, manual.address, manual.postal_code, manual.city)]
    if not all(fields):
        raise ManualCompanyDetailsRequired()
    name, address, postal_code, city = fields
    return ManualCompany(name=name, address=address, postal_code=check_postal_code(postal_code), city=city)


def register_pro(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    phone_number: str,
    siren: str,
    manual: ManualCompany | None = None,
) -> SignupResult:
    phone = check_phone_number(phone_number)
    # The registry is asked before the transaction: no database lock waits on the network.
    preview = preview_siren(siren)
    manual_company = _checked_manual(manual) if preview.registry_unreachable else None
    with transaction.atomic():
        user = create_user(
            email=email,
            password=password,
            role=Role.PRO,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            phone_number=phone,
        )
        if preview.existing_offerer is not None:
            result = _join(user, preview.existing_offerer)
        else:
            result = _create(user, preview, manual_company)
        send_email_confirmation(user)
        log_action(
            "pro.signed_up",
            actor=user,
            target=result.offerer,
            data={
                "joined_existing": result.joined_existing,
                "registry_status": result.offerer.registry_status,
            },
        )
    return result


def _join(user: User, offerer: Offerer) -> SignupResult:
    membership = request_membership(offerer=offerer, user=user)
    return SignupResult(user=user, offerer=offerer, membership=membership, joined_existing=True)


def _create(user: User, preview: SirenPreview, manual: ManualCompany | None) -> SignupResult:
    company = preview.company
    if company is not None:
        offerer = create_offerer(
            siren=preview.siren,
            name=company.name,
            address=company.address,
            postal_code=company.postal_code,
            city=company.city,
            creator=user,
            registry_status=RegistryStatus.VERIFIED,
            registry_data=company.as_json(),
        )
    else:
        assert manual is not None
        offerer = create_offerer(
            siren=preview.siren,
            name=manual.name,
            address=manual.address,
            postal_code=manual.postal_code,
            city=manual.city,
            creator=user,
            registry_status=RegistryStatus.UNREACHABLE,
            registry_data={},
        )
    recipients = staff_emails()
    if recipients:
        queue_built(
            account_builders.offerer_created_to_staff(
                to=recipients,
                offerer_name=offerer.name,
                siren=offerer.siren,
                creator_email=user.email,
                registry_label=offerer.get_registry_status_display(),
                link=account_builders.absolute_url("backoffice:offerer-queue"),
            ),
            related=offerer,
            quiet_in=DEFAULT_TIMEZONE,  # to staff, in Paris: a pro's sign-up is not their action
        )
    membership = Membership.objects.get(user=user, offerer=offerer)
    return SignupResult(user=user, offerer=offerer, membership=membership, joined_existing=False)
