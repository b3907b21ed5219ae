"""The demo's ticketing software vendor, linked to one cinema."""

from passculture.core.common.audit import log_action
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink

from . import data


def create_ticketing_provider(venue: Venue) -> VenueProviderLink:
    provider = Provider.objects.create(name=data.TICKETING_PROVIDER["name"])
    link = VenueProviderLink.objects.create(
        venue=venue,
        provider=provider,
        venue_id_at_provider=data.TICKETING_PROVIDER["venue_id_at_provider"],
        status=LinkStatus.ACTIVE,
        decided_at=utcnow(),
    )
    log_action("ticketing_link.activated", actor_label="démo", target=link, data={"venue_id": venue.pk})
    return link


def ticketing_summary() -> str:
    link = (
        VenueProviderLink.objects.select_related("venue", "provider")
        .filter(provider__name=data.TICKETING_PROVIDER["name"], status=LinkStatus.ACTIVE)
        .first()
    )
    if link is None:
        return ""
    return (
        f"Logiciel de billetterie : « {link.provider.name} » relié au lieu « {link.venue.display_name} » "
        f"(identifiant {link.venue_id_at_provider}) ; ses clés d'API se créent au back office."
    )
