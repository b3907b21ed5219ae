"""What the beneficiary's booking pages show of a booking: times in the venue's timezone, amounts in
euros, the QR code while it is valid and what the rules say about cancelling."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.safestring import SafeString

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local

from .qr import qr_svg


class Section:
    UPCOMING = "upcoming"
    PAST = "past"
    CANCELLED = "cancelled"


# Who cancelled, in the beneficiary's words.
CANCELLED_BY = {
    CancellationReason.BENEFICIARY: "Annulée par vous",
    CancellationReason.OFFERER: "Annulée par le cinéma",
    CancellationReason.EXPIRED: "Expirée : non retirée dans les 30 jours",
    CancellationReason.FRAUD: "Annulée par le pass Culture (suspicion de fraude)",
    CancellationReason.BACKOFFICE: "Annulée par le support pass Culture",
}

STATUS_LABELS = {
    BookingStatus.CONFIRMED: "Confirmée",
    BookingStatus.USED: "Validée au guichet",
    BookingStatus.REIMBURSED: "Validée au guichet",
    BookingStatus.CANCELLED: "Annulée",
}


def local_time_note(tz_name: str) -> str:
    """Overseas venues: say the times are the venue's own."""
    return "heure locale" if tz_name != settings.TIME_ZONE else ""


def quantity_label(quantity: int) -> str:
    return "1 place" if quantity == 1 else f"{quantity} places (duo)"


@dataclass(frozen=True)
class BookingCard:
    id: int
    offer_id: int
    offer_name: str
    venue_name: str
    venue_address: str
    when_label: str
    when_iso: str
    local_time_note: str
    version_label: str
    quantity_label: str
    unit_price: str
    total: str
    token: str
    status: str
    status_label: str
    cancelled_label: str
    section: str
    qr_payload: str
    qr_svg: SafeString | None
    is_cancellable: bool
    cancellation_code: str
    cancellation_message: str
    # What cancelling would do to the credit, said before confirming.
    refund_note: str = ""

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED


def _section(booking, at: dt.datetime) -> str:
    if booking.status == BookingStatus.CANCELLED:
        return Section.CANCELLED
    start = booking.stock.beginning_datetime
    if start is None:
        return Section.UPCOMING if booking.status == BookingStatus.CONFIRMED else Section.PAST
    return Section.UPCOMING if at < rules.event_end(start, booking.offer.duration_minutes) else Section.PAST


def refund_note(booking, at: dt.datetime) -> str:
    """Before a cancellation: whether the amount can be spent again. Read from the deposit the booking was
    made under (joined with the booking; under the 2025 policy both credits end on the same day); the
    email and the message after the cancellation are computed from every debit."""
    if booking.total_amount_cents == 0 or booking.deposit_id is None:
        return "Séance gratuite : rien n'est débité de votre crédit, rien n'y sera recrédité."
    total = format_euros(booking.total_amount_cents)
    if booking.deposit.expires_at <= at:
        return f"Votre crédit pass Culture a expiré : les {total} ne pourront plus être dépensés."
    return f"{total} seront recrédités sur votre pass Culture."


def booking_card(booking, at: dt.datetime) -> BookingCard:
    """`booking` comes with its stock, offer and venue joined (bookings_of_beneficiary)."""
    stock, offer, venue = booking.stock, booking.offer, booking.venue
    tz = venue.timezone
    start = stock.beginning_datetime
    qr_visible = rules.is_qr_code_visible(
        is_confirmed=booking.status == BookingStatus.CONFIRMED,
        event_start=start,
        duration_minutes=offer.duration_minutes,
        at=at,
    )
    payload = rules.qr_payload(booking.token)
    cancellation = rules.beneficiary_cancellation(
        status=booking.status,
        booked_at=booking.booked_at,
        limit=booking.cancellation_limit_datetime,
        event_start=start,
        at=at,
    )
    cancelled_label = ""
    if booking.status == BookingStatus.CANCELLED:
        cancelled_label = CANCELLED_BY.get(booking.cancellation_reason, "Annulée")
        if booking.cancelled_at is not None:
            cancelled_label += f" le {format_local(booking.cancelled_at, tz)}"
    return BookingCard(
        id=booking.pk,
        offer_id=offer.pk,
        offer_name=offer.name,
        venue_name=venue.display_name,
        venue_address=venue.full_address,
        when_label=format_local(start, tz, with_weekday=True) if start is not None else "",
        when_iso=start.astimezone(dt.UTC).isoformat() if start is not None else "",
        local_time_note=local_time_note(tz) if start is not None else "",
        version_label=stock.get_version_display() if stock.version else "",
        quantity_label=quantity_label(booking.quantity),
        unit_price=format_euros(booking.amount_cents),
        total=format_euros(booking.total_amount_cents),
        token=booking.token,
        status=booking.status,
        status_label=STATUS_LABELS.get(booking.status, booking.get_status_display()),
        cancelled_label=cancelled_label,
        section=_section(booking, at),
        qr_payload=payload if qr_visible else "",
        qr_svg=qr_svg(payload, label=f"QR code de la contremarque {booking.token}") if qr_visible else None,
        is_cancellable=cancellation.is_allowed,
        cancellation_code=cancellation.refusal,
        cancellation_message=cancellation.message(tz),
        refund_note=refund_note(booking, at) if cancellation.is_allowed else "",
    )
