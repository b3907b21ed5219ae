"""What the app, the emails and the pages read of the ticketing webhooks (decision 0029)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from passculture.core.common.backlog import pending_backlog

from .models import CallStatus, LinkStatus, Ticket, TicketingCall, TicketStatus, VenueProviderLink


@dataclass(frozen=True)
class TicketInfo:
    barcode: str
    seat: str


def tickets_by_booking(booking_ids: Iterable[int]) -> dict[int, list[TicketInfo]]:
    """The live tickets of these bookings (one query); a booking without any is absent."""
    found: dict[int, list[TicketInfo]] = {}
    ids = [booking_id for booking_id in booking_ids if booking_id is not None]
    if not ids:
        return found
    rows = (
        Ticket.objects.filter(booking_id__in=ids, status=TicketStatus.ISSUED)
        .order_by("booking_id", "seat", "id")
        .values_list("booking_id", "barcode", "seat")
    )
    for booking_id, barcode, seat in rows:
        found.setdefault(booking_id, []).append(TicketInfo(barcode, seat))
    return found


def tickets_of(booking_id: int) -> list[TicketInfo]:
    return tickets_by_booking([booking_id]).get(booking_id, [])


def active_link_of_venue(venue_id: int) -> VenueProviderLink | None:
    return (
        VenueProviderLink.objects.select_related("provider")
        .filter(venue_id=venue_id, status=LinkStatus.ACTIVE)
        .first()
    )


def call_backlog(at: dt.datetime) -> dict:
    """Calls to cinemas' systems (cancelUrl, notificationUrl) waiting to be sent, like the email outbox."""
    return pending_backlog(TicketingCall.objects.filter(status=CallStatus.PENDING), at)
