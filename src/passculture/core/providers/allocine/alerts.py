"""The email telling a venue that booked showtimes vanished from its programme (Allociné's, or a
ticketing software's push: core.providers.ticketing.sessions)."""

import logging

from passculture.core.common.time import format_local
from passculture.core.notifications.services import queue_email
from passculture.core.offerers.selectors import admin_emails_of_offerer
from passculture.core.offers.models import Stock

logger = logging.getLogger(__name__)

ALERT_KIND = "allocine_booked_showtime_vanished"


def _alert_recipients(venue) -> list[str]:
    if venue.booking_email:
        return [venue.booking_email]
    return admin_emails_of_offerer(venue.offerer_id)


def alert_booked_vanished(
    venue, stocks: list[Stock], *, source: str = "AlloCiné", kind: str = ALERT_KIND
) -> None:
    """The one email telling a venue that booked showtimes vanished from its programme at `source`
    (AlloCiné, or a ticketing software's push: core.providers.ticketing.sessions)."""
    recipients = _alert_recipients(venue)
    if not recipients:
        logger.warning("%s: venue %s: booked showtimes vanished, nobody to alert", kind, venue.pk)
        return
    lines = [
        f"- {stock.offer.name}, {format_local(stock.beginning_datetime, venue.timezone, with_weekday=True)}"
        f" ({stock.version or 'version non précisée'}) : {stock.booked_quantity} place(s) réservée(s)"
        for stock in sorted(stocks, key=lambda s: (s.beginning_datetime, s.pk))
        if stock.beginning_datetime is not None
    ]
    text = (
        "Bonjour,\n\n"
        f"Ces séances de {venue.display_name} ne figurent plus dans votre programme {source}, mais des "
        "bénéficiaires les ont réservées :\n\n"
        + "\n".join(lines)
        + "\n\nElles n'ont pas été supprimées et restent signalées sur l'accueil de votre espace pass "
        "Culture pro. Si elles sont annulées, supprimez-les depuis cet espace : les réservations seront "
        "annulées et les bénéficiaires prévenus. Sinon, choisissez « Garder la séance ». Si "
        f"{source} les affiche de nouveau, l'alerte disparaîtra d'elle-même.\n\nL'équipe pass Culture"
    )
    queue_email(
        kind=kind,
        to=recipients,
        subject=f"Séances réservées absentes du programme {source} – {venue.display_name}",
        text_body=text,
        related=venue,
        quiet_in=venue.timezone,  # found by an import job, not by the pro
    )
