from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from passculture.core.common.audit import log_action

from .constants import MembershipRole, ValidationStatus
from .exceptions import SirenAlreadyRegistered, SiretAlreadyRegistered, SiretOrReasonRequired
from .geography import department_code_from_postal_code, timezone_for_department
from .models import Membership, Offerer, Venue
from .validation import check_postal_code, check_siren, check_siret


@transaction.atomic
def create_offerer(
    *, siren: str, name: str, address: str = "", postal_code: str = "", city: str = "", creator=None
) -> Offerer:
    siren = check_siren(siren)
    if Offerer.objects.filter(siren=siren).exists():
        raise SirenAlreadyRegistered()
    offerer = Offerer.objects.create(
        siren=siren,
        name=name.strip(),
        address=address,
        postal_code=postal_code,
        city=city,
        validation_status=ValidationStatus.NEW,
    )
    if creator is not None:
        # The creator administers their structure, but acts only once staff validate the offerer.
        Membership.objects.create(
            user=creator,
            offerer=offerer,
            role=MembershipRole.ADMIN,
            validation_status=ValidationStatus.VALIDATED,
        )
    log_action("offerer.created", actor=creator, target=offerer, data={"siren": siren})
    return offerer


@transaction.atomic
def validate_offerer(offerer: Offerer, *, actor=None) -> Offerer:
    offerer.validation_status = ValidationStatus.VALIDATED
    offerer.validated_at = timezone.now()
    offerer.save(update_fields=["validation_status", "validated_at"])
    log_action("offerer.validated", actor=actor, target=offerer)
    return offerer


@transaction.atomic
def create_venue(
    *,
    offerer: Offerer,
    name: str,
    address: str,
    postal_code: str,
    city: str,
    siret: str | None = None,
    no_siret_reason: str = "",
    public_name: str = "",
    booking_email: str = "",
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    withdrawal_details: str = "",
    actor=None,
) -> Venue:
    postal_code = check_postal_code(postal_code)
    if siret:
        siret = check_siret(siret, siren=offerer.siren)
        if Venue.objects.filter(siret=siret).exists():
            raise SiretAlreadyRegistered()
    elif not no_siret_reason.strip():
        raise SiretOrReasonRequired()
    department = department_code_from_postal_code(postal_code)
    try:
        with transaction.atomic():
            venue = Venue.objects.create(
                offerer=offerer,
                name=name.strip(),
                public_name=public_name.strip(),
                siret=siret or None,
                no_siret_reason="" if siret else no_siret_reason.strip(),
                address=address.strip(),
                postal_code=postal_code,
                city=city.strip(),
                department_code=department,
                timezone=timezone_for_department(department),
                booking_email=booking_email,
                latitude=None if latitude is None else Decimal(str(latitude)).quantize(Decimal("0.000001")),
                longitude=None
                if longitude is None
                else Decimal(str(longitude)).quantize(Decimal("0.000001")),
                withdrawal_details=withdrawal_details,
            )
    except IntegrityError as exc:
        raise SiretAlreadyRegistered() from exc
    log_action("venue.created", actor=actor, target=venue, data={"siret": venue.siret})
    return venue


@transaction.atomic
def add_member(
    *,
    offerer: Offerer,
    user,
    role: MembershipRole = MembershipRole.EDITOR,
    validated: bool = False,
    actor=None,
) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user,
        offerer=offerer,
        defaults={
            "role": role,
            "validation_status": ValidationStatus.VALIDATED if validated else ValidationStatus.PENDING,
        },
    )
    log_action("membership.saved", actor=actor, target=membership, data={"validated": validated})
    return membership
