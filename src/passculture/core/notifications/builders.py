"""One builder per email: the booking in, the French message out (subject, text, HTML, To, Reply-To).

Builders read the booking and its related rows and render Django templates under
templates/emails/; they never write anything, so they can be tested (and previewed) on their own.

The QR code goes to the beneficiary as an inline PNG attachment referenced by `cid:` from the HTML.
Data URIs are stripped by Gmail and most webmails, and SVG images are not displayed by Gmail or
Outlook, while a `cid:` PNG shows in all of them, needs no public URL (no tracking pixel, works
offline once downloaded) and segno writes PNG without Pillow. The countermark is always printed in
clear too, so the email stays usable when images are blocked.
"""

import base64
import io
import re
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.template.loader import render_to_string

from passculture.core.bookings.constants import THING_EXPIRY_DELAY, CancellationReason
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local, format_local_day, shift
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import refund_of
from passculture.core.offerers.booking_notifications import wants_digest


@dataclass(frozen=True)
class InlineImage:
    filename: str
    content_type: str
    content_id: str  # without angle brackets, as written after `cid:` in the HTML
    content: bytes

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content_id": self.content_id,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
        }


@dataclass(frozen=True)
class QrCodeImage:
    """An inline QR code stored as its payload and drawn only when the email is sent: drawing the PNG
    takes longer than the rest of the booking, and the booking's row locks are held while queueing."""

    filename: str
    content_id: str
    payload: str
    content_type: str = "image/png"

    @property
    def content(self) -> bytes:
        return qr_code_png(self.payload)

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content_id": self.content_id,
            "qr_payload": self.payload,
        }


def attachment_bytes(item: dict) -> bytes:
    """The bytes of a stored attachment: a drawn QR code, or base64 content."""
    if "qr_payload" in item:
        return qr_code_png(item["qr_payload"])
    return base64.b64decode(item["content_b64"])


@dataclass(frozen=True)
class EmailContent:
    kind: str
    subject: str
    text: str
    html: str
    to: list[str]
    reply_to: list[str] = field(default_factory=list)
    attachments: list[InlineImage | QrCodeImage] = field(default_factory=list)
    # Carries a sign-in link (password reset, email confirmation): its bodies are wiped from the outbox
    # once delivered, so that nobody reading the outbox (staff, a database dump) can use the link.
    sensitive: bool = False
    # Extra headers: List-Unsubscribe and List-Unsubscribe-Post on a non-transactional email.
    headers: dict = field(default_factory=dict)


# Who cancelled, as told to both sides.
CANCELLED_BY = {
    CancellationReason.BENEFICIARY: "le bénéficiaire",
    CancellationReason.OFFERER: "l'acteur culturel",
    CancellationReason.EXPIRED: "le pass Culture (expiration automatique)",
    CancellationReason.FRAUD: "l'équipe pass Culture",
    CancellationReason.BACKOFFICE: "le support pass Culture",
}

# Why, in the beneficiary's words ("vous") ...
BENEFICIARY_REASONS = {
    CancellationReason.BENEFICIARY: "vous avez annulé votre réservation.",
    CancellationReason.OFFERER: "{venue} a annulé votre réservation. Pour en savoir plus, contactez le lieu.",
    CancellationReason.EXPIRED: "la réservation n'a pas été retirée dans les 30 jours qui ont suivi la réservation.",
    CancellationReason.FRAUD: "une utilisation frauduleuse du pass Culture est suspectée sur cette réservation.",
    CancellationReason.BACKOFFICE: "le support pass Culture a annulé votre réservation. "
    "Pour en savoir plus, répondez à ce message.",
}

SHOWTIME_DELETED_REASON = "{venue} a supprimé la séance. Pour en savoir plus, contactez le lieu."

# ... and in the venue's.
PRO_REASONS = {
    CancellationReason.BENEFICIARY: "{name} a annulé sa réservation depuis l'application pass Culture.",
    CancellationReason.OFFERER: "votre structure a annulé cette réservation "
    "(espace pro, guichet ou logiciel de billetterie).",
    CancellationReason.EXPIRED: "la réservation n'a pas été retirée dans les 30 jours qui ont suivi la réservation.",
    CancellationReason.FRAUD: "l'équipe pass Culture a annulé cette réservation après une suspicion de fraude.",
    CancellationReason.BACKOFFICE: "le support pass Culture a annulé cette réservation.",
}

QR_SCALE = 6  # pixels per module: ~200 px for the payload's version, readable from a phone screen


def qr_code_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


def pro_recipient(booking) -> str:
    """The offer's booking email, else the venue's; empty when neither is set (no email then), or when
    the venue chose the daily digest instead (decision 0035)."""
    if wants_digest(booking.venue):
        return ""
    return booking.offer.booking_email or booking.venue.booking_email or ""


def _tickets(booking) -> list[dict]:
    """Tickets issued by the cinema's ticketing system (decision 0029), read through the reverse relation
    of providers.ticketing's Ticket (that app imports bookings and notifications, not the reverse)."""
    manager = getattr(booking, "tickets", None)
    if manager is None or booking.pk is None:
        return []
    rows = manager.filter(status="issued").order_by("seat", "id").values_list("barcode", "seat")
    return [{"barcode": barcode, "seat": seat} for barcode, seat in rows]


def _booking_context(booking) -> dict:
    venue, offer, stock, user = booking.venue, booking.offer, booking.stock, booking.user
    tz = venue.timezone
    begins = stock.beginning_datetime
    limit = booking.cancellation_limit_datetime
    quantity = booking.quantity
    return {
        "offer_name": offer.name,
        "when": format_local(begins, tz, with_weekday=True) if begins is not None else "",
        "version": stock.get_version_display() if stock.version else "",
        "venue_name": venue.display_name,
        "venue_address": venue.full_address,
        "withdrawal_details": venue.withdrawal_details,
        "quantity": quantity,
        "quantity_label": "1 place" if quantity == 1 else f"{quantity} places (duo)",
        "price_label": booking.price_label,
        "unit_price": format_euros(booking.amount_cents),
        "total_price": format_euros(booking.total_amount_cents),
        "countermark": booking.token,
        "tickets": _tickets(booking),
        "booked_at": format_local(booking.booked_at, tz),
        "cancellation_limit": format_local(limit, tz) if limit is not None else "",
        # Booked less than 48 h before the show: the limit is the booking time itself, nothing to cancel.
        "is_final": limit is not None and limit <= booking.booked_at,
        "is_event": begins is not None,
        "expires_at": format_local(shift(booking.booked_at, THING_EXPIRY_DELAY), tz),
        "cancelled_at": format_local(booking.cancelled_at, tz) if booking.cancelled_at else "",
        "beneficiary_first_name": user.first_name,
        "beneficiary_last_name": user.last_name,
        "beneficiary_email": user.email,
        "beneficiary_phone": user.phone_number,
    }


_BLANK_LINES = re.compile(r"\n{3,}")


def _render(kind: str, subject: str, context: dict) -> tuple[str, str]:
    context = {**context, "subject": subject}
    rendered = render_to_string(f"emails/{kind}.txt", context)
    text = "\n".join(line.rstrip() for line in rendered.strip().splitlines())
    html = str(render_to_string(f"emails/{kind}.html", context))
    return _BLANK_LINES.sub("\n\n", text) + "\n", html


def _build(kind: str, subject: str, context: dict, to: list[str], **extra) -> EmailContent:
    text, html = _render(kind, subject, context)
    return EmailContent(kind=kind, subject=subject, text=text, html=html, to=to, **extra)


def booking_confirmed_to_pro(booking) -> EmailContent | None:
    recipient = pro_recipient(booking)
    if not recipient:
        return None
    context = {**_booking_context(booking), "reply_to_beneficiary": True}
    subject = f"Nouvelle réservation : {booking.offer.name} ({booking.token})"
    return _build("booking_confirmed_pro", subject, context, [recipient], reply_to=[booking.user.email])


def booking_confirmed_to_beneficiary(booking) -> EmailContent:
    content_id = f"qrcode-{booking.token.lower()}@passculture"
    context = _booking_context(booking)
    # With tickets from the cinema's system, the QR code is the (first) ticket's barcode.
    payload = context["tickets"][0]["barcode"] if context["tickets"] else booking.qr_payload
    qr = QrCodeImage(filename=f"contremarque-{booking.token}.png", content_id=content_id, payload=payload)
    context["qr_content_id"] = content_id
    subject = f"Votre réservation est confirmée : {booking.offer.name}"
    return _build("booking_confirmed_beneficiary", subject, context, [booking.user.email], attachments=[qr])


def _cancellation_context(booking, message: str) -> dict:
    reason = CancellationReason(booking.cancellation_reason or CancellationReason.OFFERER)
    context = _booking_context(booking)
    # Each debit goes back to its own credit; one that has expired by then cannot be spent any more, and
    # the beneficiary must not be told it can (nor anything about money for a free booking).
    refund = refund_of(booking, booking.cancelled_at or utcnow())
    context.update(
        cancelled_by=CANCELLED_BY[reason],
        refunded=refund.spendable_cents > 0,
        refunded_amount=format_euros(refund.spendable_cents),
        lost_to_expiry=refund.expired_cents > 0,
        lost_amount=format_euros(refund.expired_cents),
        # A credit is national: its day is the one in Paris.
        credit_expired_on=format_local_day(refund.expired_at, settings.TIME_ZONE)
        if refund.expired_at
        else "",
        # The showtime (or the thing's stock) is gone: its places are not offered again.
        stock_deleted=booking.stock.is_deleted,
        offerer_message=message,
    )
    return context


def booking_cancelled_to_beneficiary(booking, *, message: str = "") -> EmailContent:
    """`message`: the offerer's own words about the cancellation, if any."""
    context = _cancellation_context(booking, message)
    reason = CancellationReason(booking.cancellation_reason or CancellationReason.OFFERER)
    why = BENEFICIARY_REASONS[reason]
    if reason == CancellationReason.OFFERER and context["stock_deleted"] and context["is_event"]:
        why = SHOWTIME_DELETED_REASON
    context["reason_text"] = why.format(venue=context["venue_name"])
    subject = f"Votre réservation est annulée : {booking.offer.name}"
    return _build("booking_cancelled_beneficiary", subject, context, [booking.user.email])


def booking_cancelled_to_pro(booking, *, message: str = "") -> EmailContent | None:
    recipient = pro_recipient(booking)
    if not recipient:
        return None
    context = {**_cancellation_context(booking, message), "reply_to_beneficiary": True}
    reason = CancellationReason(booking.cancellation_reason or CancellationReason.OFFERER)
    name = f"{booking.user.first_name} {booking.user.last_name}".strip() or "Le bénéficiaire"
    context["reason_text"] = PRO_REASONS[reason].format(name=name)
    subject = f"Réservation annulée : {booking.offer.name} ({booking.token})"
    return _build("booking_cancelled_pro", subject, context, [recipient], reply_to=[booking.user.email])


def showtime_moved_to_beneficiary(booking, *, old_start) -> EmailContent:
    """The cinema moved the showtime (decision 0030): the old and the new time in the venue's timezone,
    and the cancellation limit the move gave back (already on the booking)."""
    context = _booking_context(booking)
    context["old_when"] = format_local(old_start, booking.venue.timezone, with_weekday=True)
    subject = f"Votre séance a changé d'horaire : {booking.offer.name}"
    return _build("showtime_moved_beneficiary", subject, context, [booking.user.email])


def booking_expiry_reminder_to_beneficiary(booking) -> EmailContent:
    context = _booking_context(booking)
    subject = f"Votre réservation expire bientôt : {booking.offer.name}"
    return _build("booking_expiry_reminder", subject, context, [booking.user.email])
