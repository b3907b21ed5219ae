"""The demo's ticketing software vendor, linked to one cinema, and its system: the reference ticketing
server that `serve` starts on a free local port (decision 0029)."""

import logging

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from passculture.core.common.audit import log_action
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from passculture.core.providers.ticketing.signing import secret_of

from . import data
from .reference_ticketing import ReferenceTicketingServer

logger = logging.getLogger(__name__)
DEMO_STOCK_PREFIX = "DEMO-ST-"


def create_ticketing_provider(venue: Venue) -> VenueProviderLink:
    provider = Provider.objects.create(
        name=data.TICKETING_PROVIDER["name"], signing_key_version=1, signing_key_created_at=utcnow()
    )
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


def start_reference_server() -> ReferenceTicketingServer | None:
    """Starts the demo cinema's ticketing system in a thread of this process (DEMO_TICKETING_SERVER,
    DEMO_TICKETING_PORT, 0 = a free port) and points the demo provider's three URLs at it; every showtime
    of the linked cinema gets an id there (its seats are made on first booking). None when the demo is
    not loaded or the setting is off."""
    if not settings.DEMO_TICKETING_SERVER:
        return None
    link = (
        VenueProviderLink.objects.select_related("provider")
        .filter(provider__name=data.TICKETING_PROVIDER["name"], status=LinkStatus.ACTIVE)
        .first()
    )
    if link is None:
        return None
    provider = link.provider
    if not provider.signing_key_version:
        Provider.objects.filter(pk=provider.pk).update(signing_key_version=1, signing_key_created_at=utcnow())
        provider.refresh_from_db()
    server = ReferenceTicketingServer(
        secret_of(provider), port=settings.DEMO_TICKETING_PORT, auto_create_showtimes=True
    ).start()
    Provider.objects.filter(pk=provider.pk).update(
        booking_url=server.booking_url, cancel_url=server.cancel_url, notification_url=server.notification_url
    )
    Stock.objects.filter(offer__venue_id=link.venue_id, id_at_provider="").update(
        id_at_provider=Concat(Value(DEMO_STOCK_PREFIX), Cast("pk", CharField()))
    )
    logger.info("reference ticketing system of %s on %s", link.venue.display_name, server.base_url)
    return server
