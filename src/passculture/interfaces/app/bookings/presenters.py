"""What the beneficiary's booking pages show of a booking: times in the venue's timezone, amounts in
euros, the QR code while it is valid and what the rules say about cancelling."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.safestring import SafeString

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.feedback import COUNTED_STATUSES, can_answer, feedback_of
from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_MONTHS, FRENCH_WEEKDAYS, format_local, to_local
from passculture.core.geo.directions import directions_to_venue

from .qr import qr_svg


@dataclass(frozen=True)
class TicketLine:
    """A ticket issued by the cinema's system: its barcode is what the QR code encodes."""

    barcode: str
    seat: str
    qr_svg: SafeString | None


class Section:
    UPCOMING = "upcoming"
    PAST = "past"
    CANCELLED = "cancelled"


# The DSFR badge of each state on a card: (label, modifier).
BADGES = {
    "CONFIRMED": ("Confirmée", "fr-badge--success"),
    "FINAL": ("Non annulable", "fr-badge--warning"),
    "USED": ("Validée", "fr-badge--info"),
    "PAST": ("Terminée", ""),
    "CANCELLED": ("Annulée", "fr-badge--error"),
}


# Who cancelled, in the beneficiary's words.
CANCELLED_BY = {
    CancellationReason.BENEFICIARY: "Annulée par toi",
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


def short_when(moment: dt.datetime, tz_name: str, at: dt.datetime) -> str:
    """`vendredi 20 mars · 20h30` for a card, the year only when it is not this one."""
    local = to_local(moment, tz_name)
    day = "1er" if local.day == 1 else str(local.day)
    year = f" {local.year}" if local.year != to_local(at, tz_name).year else ""
    return (
        f"{FRENCH_WEEKDAYS[local.weekday()]} {day} {FRENCH_MONTHS[local.month - 1]}{year}"
        f" · {local.hour:02d}h{local.minute:02d}"
    )


def quantity_label(quantity: int) -> str:
    return "1 place" if quantity == 1 else f"{quantity} places (duo)"


@dataclass(frozen=True)
class BookingCard:
    id: int
    offer_id: int
    offer_name: str
    venue_name: str
    venue_address: str
    poster: object  # the offer's poster (a stored file) or None: {% poster %}
    directions_url: str
    when_label: str
    when_short: str
    when_iso: str
    local_time_note: str
    version_label: str
    quantity_label: str
    price_label: str  # the category booked ("Tarif réduit"), "Tarif unique" without one
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
    # Booked 48 h or less before the show: never cancellable by the beneficiary (rules.is_final_at_once).
    is_final_at_once: bool
    # (label, DSFR modifier): the state, then "Non annulable" for a confirmed booking to come that is final.
    badges: tuple[tuple[str, str], ...]
    # A showtime (a date to put in a calendar) still to come.
    has_calendar: bool
    # What cancelling would do to the credit, said before confirming.
    refund_note: str = ""
    # Tickets from the cinema's ticketing system (decision 0029): barcode and seat, one QR each.
    tickets: tuple[TicketLine, ...] = ()
    # "Tu as aimé ?" (decision 0034): FEEDBACK_ASK, FEEDBACK_LIKED, FEEDBACK_DISLIKED, or "" (nothing to say).
    feedback: str = ""

    @property
    def is_cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED


FEEDBACK_ASK = "ask"
FEEDBACK_LIKED = "liked"
FEEDBACK_DISLIKED = "disliked"


def feedback_state(booking, at: dt.datetime) -> str:
    """`booking` comes with its answer joined (bookings_of_beneficiary): no query here. An answer is shown
    while it counts: not for a booking whose validation was undone, nor a cancelled one."""
    if booking.status not in COUNTED_STATUSES:
        return ""
    answer = feedback_of(booking)
    if answer is not None:
        return FEEDBACK_LIKED if answer.liked else FEEDBACK_DISLIKED
    return FEEDBACK_ASK if can_answer(booking, at) else ""


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
        return "Séance gratuite : rien n'est débité de ton crédit, rien n'y sera recrédité."
    total = format_euros(booking.total_amount_cents)
    if booking.deposit.expires_at <= at:
        return f"Ton crédit pass Culture a expiré : les {total} ne pourront plus être dépensés."
    return f"{total} seront recrédités sur ton pass Culture."


def booking_card(booking, at: dt.datetime, tickets=()) -> BookingCard:
    """`booking` comes with its stock, offer and venue joined (bookings_of_beneficiary); `tickets`: its
    TicketInfo from the cinema's system, whose barcodes the QR codes encode instead of the countermark."""
    stock, offer, venue = booking.stock, booking.offer, booking.venue
    tz = venue.timezone
    start = stock.beginning_datetime
    qr_visible = rules.is_qr_code_visible(
        is_confirmed=booking.status == BookingStatus.CONFIRMED,
        event_start=start,
        duration_minutes=offer.duration_minutes,
        at=at,
    )
    payload = tickets[0].barcode if tickets else rules.qr_payload(booking.token)
    lines = tuple(
        TicketLine(
            ticket.barcode,
            ticket.seat,
            qr_svg(ticket.barcode, label=f"QR code du billet {ticket.barcode}") if qr_visible else None,
        )
        for ticket in tickets
    )
    cancellation = rules.beneficiary_cancellation(
        status=booking.status,
        booked_at=booking.booked_at,
        limit=booking.cancellation_limit_datetime,
        event_start=start,
        at=at,
    )
    section = _section(booking, at)
    final_at_once = rules.is_final_at_once(booking.booked_at, start)
    if booking.status == BookingStatus.CANCELLED:
        badges = (BADGES["CANCELLED"],)
    elif booking.status != BookingStatus.CONFIRMED:
        badges = (BADGES["USED"],)
    elif section == Section.PAST:
        badges = (BADGES["PAST"],)
    elif not cancellation.is_allowed:
        badges = (BADGES["CONFIRMED"], BADGES["FINAL"])
    else:
        badges = (BADGES["CONFIRMED"],)
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
        poster=offer.poster,
        directions_url=directions_to_venue(venue),
        when_label=format_local(start, tz, with_weekday=True) if start is not None else "",
        when_iso=start.astimezone(dt.UTC).isoformat() if start is not None else "",
        when_short=short_when(start, tz, at) if start is not None else "",
        local_time_note=local_time_note(tz) if start is not None else "",
        version_label=stock.get_version_display() if stock.version else "",
        quantity_label=quantity_label(booking.quantity),
        price_label=booking.price_label,
        unit_price=format_euros(booking.amount_cents),
        total=format_euros(booking.total_amount_cents),
        token=booking.token,
        status=booking.status,
        status_label=STATUS_LABELS.get(booking.status, booking.get_status_display()),
        cancelled_label=cancelled_label,
        section=section,
        qr_payload=payload if qr_visible else "",
        qr_svg=qr_svg(payload, label=f"QR code de la contremarque {booking.token}") if qr_visible else None,
        is_cancellable=cancellation.is_allowed,
        cancellation_code=cancellation.refusal,
        cancellation_message=cancellation.message(tz),
        is_final_at_once=final_at_once,
        badges=badges,
        has_calendar=start is not None
        and section == Section.UPCOMING
        and booking.status != BookingStatus.CANCELLED,
        refund_note=refund_note(booking, at) if cancellation.is_allowed else "",
        tickets=lines,
        feedback=feedback_state(booking, at),
    )
