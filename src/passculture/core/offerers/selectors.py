from django.db.models import QuerySet

from .constants import ValidationStatus
from .models import Membership, Offerer, Venue


def validated_offerer_ids_of(user) -> set[int]:
    """Offerers the user may act for: validated memberships only."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, validation_status=ValidationStatus.VALIDATED).values_list(
            "offerer_id", flat=True
        )
    )


def user_can_act_for_offerer(user, offerer_id: int) -> bool:
    return offerer_id in validated_offerer_ids_of(user)


def offerers_of(user) -> QuerySet[Offerer]:
    return Offerer.objects.filter(pk__in=validated_offerer_ids_of(user))


def venues_of(user) -> QuerySet[Venue]:
    return Venue.objects.filter(offerer_id__in=validated_offerer_ids_of(user))


def get_venue(venue_id: int) -> Venue | None:
    return Venue.objects.select_related("offerer").filter(pk=venue_id).first()
