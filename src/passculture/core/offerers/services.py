from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from passculture.core.common.audit import log_action
from passculture.core.common.geography import timezone_for_postal_code
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.geo import services as geo_services
from passculture.core.notifications import account_builders
from passculture.core.notifications.services import queue_built
from passculture.core.users.selectors import staff_emails

from .constants import BookingNotification, MembershipRole, RegistryStatus, ValidationStatus
from .exceptions import (
    DigestNeedsBookingEmail,
    MembershipNotFound,
    MembershipNotPending,
    OffererNotFound,
    OffererNotPending,
    RejectionReasonRequired,
    SirenAlreadyRegistered,
    SiretAlreadyRegistered,
    SiretOrReasonRequired,
    VenueAddressRequired,
    VenueChangedConcurrently,
    VenueNameRequired,
)
from .geography import department_code_from_postal_code, timezone_for_department
from .models import Membership, Offerer, Venue
from .selectors import admin_emails_of_offerer
from .validation import (
    check_booking_email,
    check_can_act_for_offerer,
    check_can_manage_members,
    check_postal_code,
    check_siren,
    check_siret,
)


@transaction.atomic
def create_offerer(
    *,
    siren: str,
    name: str,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    creator=None,
    registry_status: RegistryStatus = RegistryStatus.UNVERIFIED,
    registry_data: dict | None = None,
) -> Offerer:
    siren = check_siren(siren)
    if Offerer.objects.filter(siren=siren).exists():
        raise SirenAlreadyRegistered()
    try:
        with transaction.atomic():
            offerer = Offerer.objects.create(
                siren=siren,
                name=name.strip(),
                address=address,
                postal_code=postal_code,
                city=city,
                validation_status=ValidationStatus.NEW,
                registry_status=registry_status,
                registry_data=registry_data or {},
            )
    except IntegrityError as exc:  # the same SIREN registered concurrently
        raise SirenAlreadyRegistered() from exc
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
    """Validates a NEW or PENDING offerer; OFFERER_NOT_PENDING if it was already validated or rejected
    (a rejection is final here: re-opening it is a decision of its own, not a side effect)."""
    locked = _validate_locked(_pending_offerer_for_update(offerer.pk), actor=actor)
    # The caller's instance reflects the decision, as it did before the row was re-read under lock.
    offerer.validation_status, offerer.validated_at = locked.validation_status, locked.validated_at
    return offerer


def _validate_locked(offerer: Offerer, *, actor) -> Offerer:
    offerer.validation_status = ValidationStatus.VALIDATED
    offerer.validated_at = timezone.now()
    offerer.save(update_fields=["validation_status", "validated_at"])
    log_action("offerer.validated", actor=actor, target=offerer)
    _notify_offerer_decision(offerer, validated=True)
    return offerer


# --- Venues ------------------------------------------------------------------------------------

VENUE_ACCESSIBILITY_FIELDS = (
    "audio_disability_accessible",
    "mental_disability_accessible",
    "motor_disability_accessible",
    "visual_disability_accessible",
)
VENUE_TEXT_FIELDS = ("name", "public_name", "address", "city", "booking_email", "withdrawal_details")
VENUE_EDITABLE_FIELDS = frozenset(
    {*VENUE_TEXT_FIELDS, *VENUE_ACCESSIBILITY_FIELDS, "siret", "no_siret_reason", "postal_code"}
    | {"latitude", "longitude"}
)
VENUE_ADDRESS_FIELDS = ("address", "postal_code", "city")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _venue_identity(*, offerer: Offerer, siret: str | None, no_siret_reason: str, venue_id: int | None):
    """SIRET rules: a valid SIRET of the offerer's SIREN, used by no other venue, or a stated reason."""
    if not _blank(siret):
        siret = check_siret(str(siret), siren=offerer.siren)
        others = Venue.objects.filter(siret=siret)
        if venue_id is not None:
            others = others.exclude(pk=venue_id)
        if others.exists():
            raise SiretAlreadyRegistered()
        return siret, ""
    if _blank(no_siret_reason):
        raise SiretOrReasonRequired()
    return None, no_siret_reason.strip()


def _venue_position(*, address: str, postal_code: str, city: str, latitude, longitude):
    """Coordinates typed by the pro win; without them, the geocoder places the address."""
    if not (_blank(latitude) and _blank(longitude)):
        lat, lon = geo_services.check_coordinates(latitude, longitude)
        return lat, lon, geo_services.CoordinatesSource.MANUAL
    found = geo_services.geocode_address(address, postal_code, city)
    lat, lon = geo_services.check_coordinates(found.latitude, found.longitude)
    return lat, lon, found.source


def _check_venue_texts(values: dict) -> None:
    if _blank(values.get("name")):
        raise VenueNameRequired()
    if _blank(values.get("address")) or _blank(values.get("city")):
        raise VenueAddressRequired()
    check_booking_email(values.get("booking_email"))


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
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    withdrawal_details: str = "",
    audio_disability_accessible: bool = False,
    mental_disability_accessible: bool = False,
    motor_disability_accessible: bool = False,
    visual_disability_accessible: bool = False,
    actor=None,
) -> Venue:
    """A new venue of the offerer. Without coordinates, the address is geocoded (national address API,
    else the commune centre); the department and timezone follow the postal code.

    The address API is called before the transaction opens: on SQLite a write transaction locks the
    whole database, and it would stay locked for as long as the API takes to answer."""
    check_can_act_for_offerer(actor, offerer.pk)
    texts = {
        "name": name,
        "public_name": public_name,
        "address": address,
        "city": city,
        "booking_email": booking_email,
        "withdrawal_details": withdrawal_details,
    }
    texts = {key: (value or "").strip() for key, value in texts.items()}
    _check_venue_texts(texts)
    postal_code = check_postal_code(postal_code)
    siret, no_siret_reason = _venue_identity(
        offerer=offerer, siret=siret, no_siret_reason=no_siret_reason, venue_id=None
    )
    lat, lon, source = _venue_position(
        address=texts["address"],
        postal_code=postal_code,
        city=texts["city"],
        latitude=latitude,
        longitude=longitude,
    )
    department = department_code_from_postal_code(postal_code)
    with transaction.atomic():
        try:
            with transaction.atomic():
                venue = Venue.objects.create(
                    offerer=offerer,
                    siret=siret,
                    no_siret_reason=no_siret_reason,
                    postal_code=postal_code,
                    department_code=department,
                    timezone=timezone_for_department(department),
                    latitude=lat,
                    longitude=lon,
                    coordinates_source=source,
                    audio_disability_accessible=bool(audio_disability_accessible),
                    mental_disability_accessible=bool(mental_disability_accessible),
                    motor_disability_accessible=bool(motor_disability_accessible),
                    visual_disability_accessible=bool(visual_disability_accessible),
                    **texts,
                )
        except IntegrityError as exc:  # the same SIRET saved concurrently (checked above, unlocked)
            raise SiretAlreadyRegistered() from exc
        log_action(
            "venue.created",
            actor=actor,
            target=venue,
            data={"siret": venue.siret, "offerer_id": offerer.pk, "coordinates_source": source},
        )
    return venue


def _audit_value(value):
    return str(value) if isinstance(value, Decimal) else value


# Someone else moving the venue while its new address is being placed makes us place it again: a few
# times, then the pro is asked to check and save again.
VENUE_UPDATE_ATTEMPTS = 3


def _venue_update_values(venue: Venue, changes: dict[str, Any]) -> tuple[dict[str, Any], tuple | None]:
    """The venue's values after `changes`, and the (address, postal code, city) to place when it moved
    without typed coordinates: its position is then left out, placing it is a network call."""
    values: dict[str, Any] = {}
    for field in VENUE_TEXT_FIELDS:
        values[field] = (changes[field] or "").strip() if field in changes else getattr(venue, field)
    _check_venue_texts(values)
    if not values["booking_email"] and venue.booking_notification == BookingNotification.DIGEST:
        raise DigestNeedsBookingEmail()
    for field in VENUE_ACCESSIBILITY_FIELDS:
        values[field] = bool(changes[field]) if field in changes else getattr(venue, field)
    values["postal_code"] = (
        check_postal_code(changes["postal_code"]) if "postal_code" in changes else venue.postal_code
    )
    values["siret"], values["no_siret_reason"] = _venue_identity(
        offerer=venue.offerer,
        siret=changes.get("siret", venue.siret),
        no_siret_reason=changes.get("no_siret_reason", venue.no_siret_reason) or "",
        venue_id=venue.pk,
    )

    moved = any(values[field] != getattr(venue, field) for field in VENUE_ADDRESS_FIELDS)
    typed = None
    if "latitude" in changes or "longitude" in changes:
        lat_in, lon_in = changes.get("latitude"), changes.get("longitude")
        if not (_blank(lat_in) and _blank(lon_in)):
            typed = geo_services.check_coordinates(lat_in, lon_in)
            if typed == (venue.latitude, venue.longitude):
                typed = None  # the prefilled position sent back untouched
        else:
            moved = True
    to_place = None
    if typed is not None:
        values["latitude"], values["longitude"] = typed
        values["coordinates_source"] = geo_services.CoordinatesSource.MANUAL
    elif moved:
        to_place = (values["address"], values["postal_code"], values["city"])
    if values["postal_code"] != venue.postal_code:
        values["department_code"] = department_code_from_postal_code(values["postal_code"])
        values["timezone"] = timezone_for_department(values["department_code"])
    return values, to_place


def update_venue(venue: Venue, *, actor=None, **changes: Any) -> Venue:
    """Edits a venue; only the given fields change. Writes the changed fields to the audit log.

    Moving the venue (address, postal code or city) geocodes it again unless the pro typed other
    coordinates; blank coordinates also mean "place it from the address". A new postal code brings
    its department and timezone.

    The address API is called before the transaction (see create_venue); the changes are then worked
    out again on the locked row, and if someone moved the venue meanwhile so that the position found
    is no longer the one to use, the venue is placed again (VENUE_CHANGED_CONCURRENTLY in the end).
    """
    unknown = set(changes) - VENUE_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"update_venue() got unexpected fields: {sorted(unknown)}")
    check_can_act_for_offerer(actor, venue.offerer_id)
    for _attempt in range(VENUE_UPDATE_ATTEMPTS):
        current = Venue.objects.select_related("offerer").get(pk=venue.pk)
        _values, placed = _venue_update_values(current, changes)
        position = None
        if placed is not None:
            address, postal_code, city = placed
            position = _venue_position(
                address=address, postal_code=postal_code, city=city, latitude=None, longitude=None
            )
        with transaction.atomic():
            # Locked (the venue row only): two members saving the same venue must not overwrite each
            # other's half of the changes, so they are computed again from the locked row.
            locked = lock(Venue.objects.select_related("offerer")).get(pk=venue.pk)
            values, to_place = _venue_update_values(locked, changes)
            if to_place is not None:
                if to_place != placed or position is None:
                    continue  # moved by someone else meanwhile: place it again, outside the transaction
                values["latitude"], values["longitude"], values["coordinates_source"] = position
            return _save_venue_changes(locked, values, actor=actor)
    raise VenueChangedConcurrently()


def _save_venue_changes(venue: Venue, values: dict[str, Any], *, actor) -> Venue:
    changed = sorted(field for field, value in values.items() if getattr(venue, field) != value)
    if not changed:
        return venue
    before = {field: _audit_value(getattr(venue, field)) for field in changed}
    for field in changed:
        setattr(venue, field, values[field])
    try:
        with transaction.atomic():
            venue.save(update_fields=changed)
    except IntegrityError as exc:
        raise SiretAlreadyRegistered() from exc
    log_action(
        "venue.updated",
        actor=actor,
        target=venue,
        data={
            "changed": changed,
            "before": before,
            "after": {field: _audit_value(getattr(venue, field)) for field in changed},
        },
    )
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


# --- Validation queues: offerers and memberships --------------------------------------------------


def _notify_offerer_decision(offerer: Offerer, *, validated: bool, reason: str = "") -> None:
    recipients = admin_emails_of_offerer(offerer.pk)
    if not recipients:
        return
    queue_built(
        account_builders.offerer_decision(
            to=recipients,
            offerer_name=offerer.name,
            siren=offerer.siren,
            validated=validated,
            reason=reason,
            link=account_builders.absolute_url("pro:dashboard"),
        ),
        related=offerer,
        quiet_in=timezone_for_postal_code(offerer.postal_code),  # staff's decision, not the pro's action
    )


def _pending_offerer_for_update(offerer_id: int) -> Offerer:
    offerer = Offerer.objects.select_for_update().filter(pk=offerer_id).first()
    if offerer is None:
        raise OffererNotFound()
    if offerer.validation_status not in (ValidationStatus.NEW, ValidationStatus.PENDING):
        raise OffererNotPending()
    return offerer


@transaction.atomic
def validate_pending_offerer(offerer_id: int, *, actor) -> Offerer:
    """Staff's decision from the queue: refused if someone already decided (two staff, one queue)."""
    return _validate_locked(_pending_offerer_for_update(offerer_id), actor=actor)


@transaction.atomic
def reject_offerer(offerer_id: int, *, actor, reason: str) -> Offerer:
    """Staff reject a new offerer; its members lose access to it and its admins are told why."""
    # Free text read without a form (a page's textarea): its characters are checked here.
    reason = check_text((reason or "").strip(), multiline=True)
    if not reason:
        raise RejectionReasonRequired()
    offerer = _pending_offerer_for_update(offerer_id)
    offerer.validation_status = ValidationStatus.REJECTED
    offerer.save(update_fields=["validation_status"])
    log_action("offerer.rejected", actor=actor, target=offerer, data={"reason": reason})
    _notify_offerer_decision(offerer, validated=False, reason=reason)
    return offerer


@transaction.atomic
def request_membership(*, offerer: Offerer, user) -> Membership:
    """A pro asks to join an existing offerer: pending until an admin of it (or staff) decides."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        offerer=offerer,
        defaults={"role": MembershipRole.EDITOR, "validation_status": ValidationStatus.PENDING},
    )
    if not created:
        return membership
    log_action("membership.requested", actor=user, target=membership, data={"offerer_id": offerer.pk})
    # Staff too: the offerer may have no admin yet, or one who never answers.
    recipients = sorted(set(admin_emails_of_offerer(offerer.pk)) | set(staff_emails()))
    if recipients:
        queue_built(
            account_builders.membership_requested(
                to=recipients,
                offerer_name=offerer.name,
                siren=offerer.siren,
                member_name=user.full_name or user.email,
                member_email=user.email,
                link=account_builders.absolute_url("pro:members"),
            ),
            related=membership,
            quiet_in=timezone_for_postal_code(offerer.postal_code),  # another person's request
        )
    return membership


def _pending_membership_for_update(membership_id: int, actor) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "offerer")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise MembershipNotFound()
    check_can_manage_members(actor, membership.offerer)
    if membership.validation_status not in (ValidationStatus.NEW, ValidationStatus.PENDING):
        raise MembershipNotPending()
    return membership


def _decide_membership(membership_id: int, *, actor, validated: bool, reason: str = "") -> Membership:
    membership = _pending_membership_for_update(membership_id, actor)
    membership.validation_status = ValidationStatus.VALIDATED if validated else ValidationStatus.REJECTED
    membership.save(update_fields=["validation_status"])
    log_action(
        "membership.validated" if validated else "membership.rejected",
        actor=actor,
        target=membership,
        data={"offerer_id": membership.offerer_id, "user_id": membership.user_id, "reason": reason},
    )
    queue_built(
        account_builders.membership_decision(
            email=membership.user.email,
            first_name=membership.user.first_name,
            offerer_name=membership.offerer.name,
            validated=validated,
            reason=reason,
            link=account_builders.absolute_url("pro:dashboard"),
        ),
        related=membership,
        quiet_in=timezone_for_postal_code(membership.offerer.postal_code),  # an admin's or staff's decision
    )
    return membership


@transaction.atomic
def validate_membership(membership_id: int, *, actor) -> Membership:
    """An admin of the offerer (or staff) accepts a pending membership."""
    return _decide_membership(membership_id, actor=actor, validated=True)


@transaction.atomic
def reject_membership(membership_id: int, *, actor, reason: str = "") -> Membership:
    """An admin of the offerer (or staff) refuses a pending membership; the reason is optional."""
    reason = check_text((reason or "").strip(), multiline=True)
    return _decide_membership(membership_id, actor=actor, validated=False, reason=reason)
