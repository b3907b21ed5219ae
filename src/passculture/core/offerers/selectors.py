from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from passculture.core.common.counting import capped_count

from .constants import MembershipRole, ValidationStatus
from .models import Membership, Offerer, Venue


def validated_offerer_ids_of(user) -> set[int]:
    """Offerers the user may act for: validated memberships only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    # A rejected offerer is closed to its members too (staff refused it; nothing is published for it).
    return set(
        Membership.objects.filter(user=user, validation_status=ValidationStatus.VALIDATED)
        .exclude(offerer__validation_status=ValidationStatus.REJECTED)
        .values_list("offerer_id", flat=True)
    )


def user_can_act_for_offerer(user, offerer_id: int) -> bool:
    return offerer_id in validated_offerer_ids_of(user)


def venues_of(user) -> QuerySet[Venue]:
    return Venue.objects.filter(offerer_id__in=validated_offerer_ids_of(user))


def is_validated_admin(user, offerer) -> bool:
    """The user administers the offerer (a validated ADMIN membership)."""
    return Membership.objects.filter(
        user=user,
        offerer=offerer,
        role=MembershipRole.ADMIN,
        validation_status=ValidationStatus.VALIDATED,
    ).exists()


def admin_emails_of_offerer(offerer_id: int) -> list[str]:
    """Emails of the offerer's validated administrators (who receive its bank and payment news)."""
    return list(
        Membership.objects.filter(
            offerer_id=offerer_id,
            role=MembershipRole.ADMIN,
            validation_status=ValidationStatus.VALIDATED,
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def pending_memberships_of(user) -> QuerySet[Membership]:
    """The user's memberships still waiting for approval (by the offerer's admin or by staff)."""
    return (
        Membership.objects.filter(
            user=user, validation_status__in=[ValidationStatus.NEW, ValidationStatus.PENDING]
        )
        .select_related("offerer")
        .order_by("offerer__name", "id")
    )


def venues_of_offerers(offerer_ids) -> QuerySet[Venue]:
    return Venue.objects.filter(offerer_id__in=list(offerer_ids)).order_by("name", "id")


def members_of_offerer(offerer_id: int) -> QuerySet[Membership]:
    """Everyone attached to the offerer, pending requests first."""
    pending_first = Case(
        When(validation_status__in=[ValidationStatus.NEW, ValidationStatus.PENDING], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(offerer_id=offerer_id)
        .select_related("user")
        .order_by(pending_first, "user__last_name", "user__email")
    )


def can_manage_members(user, offerer: Offerer) -> bool:
    """Whether the members page offers the accept / refuse buttons (the services check it again)."""
    from .exceptions import NotOffererAdmin
    from .validation import check_can_manage_members

    try:
        check_can_manage_members(user, offerer)
    except NotOffererAdmin:
        return False
    return True


WAITING_STATUSES = (ValidationStatus.NEW, ValidationStatus.PENDING)


def offerers_waiting_for_validation() -> QuerySet[Offerer]:
    """The staff queue: new offerers, oldest first, with who signed them up."""
    return (
        Offerer.objects.filter(validation_status__in=WAITING_STATUSES)
        .prefetch_related("memberships__user")
        .order_by("created_at", "id")
    )


def memberships_waiting_for_validation() -> QuerySet[Membership]:
    """The staff queue of membership requests, oldest first."""
    return (
        Membership.objects.filter(validation_status__in=WAITING_STATUSES)
        .select_related("user", "offerer")
        .order_by("created_at", "id")
    )


def venues_of_offerer(offerer_id: int) -> QuerySet[Venue]:
    """The venues list of the pro portal, for one offerer."""
    return Venue.objects.filter(offerer_id=offerer_id).select_related("offerer").order_by("name", "pk")


def venue_of_offerers(venue_id: int, offerer_ids) -> Venue | None:
    """A venue only if it belongs to one of these offerers (the pro's own): None otherwise."""
    return Venue.objects.select_related("offerer").filter(pk=venue_id, offerer_id__in=offerer_ids).first()


def offerers_with_ids(offerer_ids) -> QuerySet[Offerer]:
    """These offerers by name (the pro portal's offerer switch)."""
    return Offerer.objects.filter(pk__in=list(offerer_ids)).order_by("name", "pk")


def membership_of_offerers(membership_id: int, offerer_ids) -> Membership | None:
    """A membership only if it is attached to one of these offerers (the pro's own): None otherwise."""
    return (
        Membership.objects.select_related("user", "offerer")
        .filter(pk=membership_id, offerer_id__in=list(offerer_ids))
        .first()
    )


def public_venue_filter(prefix: str = "") -> Q:
    """Venues whose offers beneficiaries may see: the venue and its offerer validated."""
    return Q(
        **{
            f"{prefix}validation_status": ValidationStatus.VALIDATED,
            f"{prefix}offerer__validation_status": ValidationStatus.VALIDATED,
        }
    )


def public_venue_positions(box: Q) -> list[tuple[int, float, float, str]]:
    """(id, latitude, longitude, timezone) of the public venues inside `box` (a filter on latitude and
    longitude, served by the venue_coordinates_idx index), coordinates as floats: the geolocated search
    computes thousands of distances and has no use for Decimal."""
    return list(
        Venue.objects.filter(public_venue_filter(), box)
        .order_by()
        .annotate(lat=Cast("latitude", FloatField()), lon=Cast("longitude", FloatField()))
        .values_list("pk", "lat", "lon", "timezone")
    )


def get_public_venue(venue_id: int) -> Venue | None:
    """A venue beneficiaries may see (public_venue_filter), None otherwise: its cinema page."""
    return Venue.objects.filter(public_venue_filter(), pk=venue_id).first()


def public_venues_by_id(venue_ids) -> dict[int, Venue]:
    """These venues, if beneficiaries may see them, by id (the list of cinemas near someone)."""
    return Venue.objects.filter(public_venue_filter()).in_bulk(list(venue_ids))


def count_offerers_waiting() -> int:
    """The staff queue's size (capped: core.common.counting)."""
    return capped_count(Offerer.objects.filter(validation_status__in=WAITING_STATUSES))


def count_memberships_waiting() -> int:
    return capped_count(Membership.objects.filter(validation_status__in=WAITING_STATUSES))
