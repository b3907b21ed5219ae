"""The reminder email before a booked show (decision 0031): non-transactional, so it carries a one-click
unsubscribe link and the List-Unsubscribe headers (RFC 2369, RFC 8058)."""

from passculture.core.geo.directions import directions_to_venue
from passculture.core.users.notification_preferences import Topic

from .builders import EmailContent, QrCodeImage, _booking_context, _build
from .unsubscribe import unsubscribe_headers, unsubscribe_url

KIND = "show_reminder"


def show_reminder_to_beneficiary(booking) -> tuple[EmailContent, dict]:
    """The email and its extra headers."""
    context = _booking_context(booking)
    content_id = f"rappel-{booking.token.lower()}@passculture"
    payload = context["tickets"][0]["barcode"] if context["tickets"] else booking.qr_payload
    qr = QrCodeImage(filename=f"contremarque-{booking.token}.png", content_id=content_id, payload=payload)
    url = unsubscribe_url(booking.user, Topic.SHOW_REMINDERS)
    context.update(
        qr_content_id=content_id,
        directions_url=directions_to_venue(booking.venue),
        unsubscribe_url=url,
    )
    subject = f"Rappel : {booking.offer.name}, {context['when']}"
    content = _build(KIND, subject, context, [booking.user.email], attachments=[qr])
    return content, unsubscribe_headers(url)


def queue_show_reminder(booking):
    from .push import push_show_reminder
    from .services import queue_email

    content, headers = show_reminder_to_beneficiary(booking)
    push_show_reminder(booking)
    return queue_email(
        kind=content.kind,
        to=content.to,
        subject=content.subject,
        text_body=content.text,
        html_body=content.html,
        headers=headers,
        attachments=list(content.attachments),
        related=booking,
        # The job already waits for 08:00 at the venue; the outbox keeps the rule if that ever changes.
        quiet_in=booking.venue.timezone,
    )
