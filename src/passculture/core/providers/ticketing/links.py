"""Links between venues and ticketing providers: a pro asks from the venue page, staff activate or
refuse, staff stop. At most one active link (and one open request) per venue, held by the database."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from passculture.core.common.audit import log_action
from passculture.core.common.counting import capped_count
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue
from passculture.core.offerers.validation import check_can_act_for_offerer

from .exceptions import (
    InvalidVenueIdAtProvider,
    LinkAlreadyActive,
    LinkAlreadyRequested,
    LinkNotActive,
    LinkNotPending,
    ProviderNotFound,
    RefusalReasonRequired,
)
from .keys import check_staff
from .models import VENUE_ID_AT_PROVIDER_MAX_LENGTH, LinkStatus, Provider, VenueProviderLink

REASON_MAX_LENGTH = 500


# --- Selectors -------------------------------------------------------------------------------------


def active_providers() -> QuerySet[Provider]:
    return Provider.objects.filter(is_active=True).order_by("name")


def venues_of_provider(provider: Provider) -> QuerySet[Venue]:
    """The venues a provider's key reaches: those with an active link to it."""
    return Venue.objects.filter(
        provider_links__provider=provider, provider_links__status=LinkStatus.ACTIVE
    ).order_by("pk")


def provider_venue_or_none(provider: Provider, venue_id: int) -> Venue | None:
    """A venue only if it is actively linked to this provider: another provider's venue is None."""
    return venues_of_provider(provider).filter(pk=venue_id).first()


def current_link_of_venue(venue_id: int) -> VenueProviderLink | None:
    """The link the venue page shows: the active one, else the open request, else the last decided."""
    links = VenueProviderLink.objects.select_related("provider").filter(venue_id=venue_id)
    for status in (LinkStatus.ACTIVE, LinkStatus.REQUESTED):
        link = links.filter(status=status).first()
        if link is not None:
            return link
    return links.order_by("-created_at", "-id").first()


def pending_links() -> QuerySet[VenueProviderLink]:
    return (
        VenueProviderLink.objects.select_related("venue", "venue__offerer", "provider", "requested_by")
        .filter(status=LinkStatus.REQUESTED)
        .order_by("created_at", "id")
    )


def count_links_waiting() -> int:
    """The home tile "Liens de billetterie à valider"."""
    return capped_count(VenueProviderLink.objects.filter(status=LinkStatus.REQUESTED))


def link_of_id(link_id: int) -> VenueProviderLink | None:
    return VenueProviderLink.objects.select_related("venue", "provider").filter(pk=link_id).first()


# --- Services --------------------------------------------------------------------------------------


def _clean_venue_id(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > VENUE_ID_AT_PROVIDER_MAX_LENGTH:
        raise InvalidVenueIdAtProvider()
    return check_text(value)


@transaction.atomic
def request_link(
    actor_pro: Any, venue: Venue, provider: Provider, venue_id_at_provider: str
) -> VenueProviderLink:
    """A validated member of the venue's offerer asks for the venue to be sold through `provider`."""
    check_can_act_for_offerer(actor_pro, venue.offerer_id)
    venue_id_at_provider = _clean_venue_id(venue_id_at_provider)
    venue = lock(Venue.objects.filter(pk=venue.pk)).get()  # two requests for one venue queue here
    if not Provider.objects.filter(pk=provider.pk, is_active=True).exists():
        raise ProviderNotFound()
    existing = VenueProviderLink.objects.filter(
        venue=venue, status__in=[LinkStatus.ACTIVE, LinkStatus.REQUESTED]
    ).values_list("status", flat=True)
    if LinkStatus.ACTIVE in existing:
        raise LinkAlreadyActive()
    if LinkStatus.REQUESTED in existing:
        raise LinkAlreadyRequested()
    try:
        with transaction.atomic():
            link = VenueProviderLink.objects.create(
                venue=venue,
                provider=provider,
                venue_id_at_provider=venue_id_at_provider,
                requested_by=actor_pro if getattr(actor_pro, "pk", None) else None,
            )
    except IntegrityError as exc:
        raise LinkAlreadyRequested() from exc
    log_action(
        "ticketing_link.requested",
        actor=actor_pro,
        target=link,
        data={"venue_id": venue.pk, "provider_id": provider.pk, "venue_id_at_provider": venue_id_at_provider},
    )
    return link


def _locked(link: VenueProviderLink) -> VenueProviderLink:
    return lock(VenueProviderLink.objects.select_related("provider").filter(pk=link.pk)).get()


@transaction.atomic
def activate_link(staff: Any, link: VenueProviderLink) -> VenueProviderLink:
    check_staff(staff)
    link = _locked(link)
    if link.status != LinkStatus.REQUESTED:
        raise LinkNotPending()
    lock(Venue.objects.filter(pk=link.venue_id)).get()
    if VenueProviderLink.objects.filter(venue_id=link.venue_id, status=LinkStatus.ACTIVE).exists():
        raise LinkAlreadyActive()
    link.status = LinkStatus.ACTIVE
    link.decided_by = staff
    link.decided_at = utcnow()
    link.is_selling = True
    try:
        with transaction.atomic():
            link.save(update_fields=["status", "decided_by", "decided_at", "is_selling"])
    except IntegrityError as exc:  # the unique partial index has the last word
        raise LinkAlreadyActive() from exc
    log_action("ticketing_link.activated", actor=staff, target=link, data=_data(link))
    return link


@transaction.atomic
def refuse_link(staff: Any, link: VenueProviderLink, reason: str) -> VenueProviderLink:
    check_staff(staff)
    reason = check_text(" ".join((reason or "").split()))
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise RefusalReasonRequired()
    link = _locked(link)
    if link.status != LinkStatus.REQUESTED:
        raise LinkNotPending()
    link.status = LinkStatus.REFUSED
    link.refusal_reason = reason
    link.decided_by = staff
    link.decided_at = utcnow()
    link.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    log_action("ticketing_link.refused", actor=staff, target=link, data={**_data(link), "reason": reason})
    return link


@transaction.atomic
def stop_link(staff: Any, link: VenueProviderLink) -> VenueProviderLink:
    """Ends an active link for good: the provider's keys no longer reach the venue."""
    check_staff(staff)
    link = _locked(link)
    if link.status != LinkStatus.ACTIVE:
        raise LinkNotActive()
    link.status = LinkStatus.STOPPED
    link.is_selling = False
    link.decided_by = staff
    link.decided_at = utcnow()
    link.save(update_fields=["status", "is_selling", "decided_by", "decided_at"])
    log_action("ticketing_link.stopped", actor=staff, target=link, data=_data(link))
    return link


def _data(link: VenueProviderLink) -> dict:
    return {"venue_id": link.venue_id, "provider_id": link.provider_id}


@transaction.atomic
def set_selling(
    actor: Any, link: VenueProviderLink, selling: bool, *, as_staff: bool = False
) -> VenueProviderLink:
    """Stops or resumes selling through an active link (the venue page's switch, or staff). While
    stopped, the venue's showtimes sold through it are refused with TICKETING_SELLING_STOPPED; the link,
    its keys and the cancellations of tickets already issued keep working. Decision 0029."""
    if as_staff:
        check_staff(actor)
    else:
        check_can_act_for_offerer(actor, link.venue.offerer_id)
    link = _locked(link)
    if link.status != LinkStatus.ACTIVE:
        raise LinkNotActive()
    if link.is_selling != selling:
        link.is_selling = selling
        link.save(update_fields=["is_selling"])
        log_action(
            "ticketing_link.selling_resumed" if selling else "ticketing_link.selling_stopped",
            actor=actor,
            target=link,
            data=_data(link),
        )
    return link
