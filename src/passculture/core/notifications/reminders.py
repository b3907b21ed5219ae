"""The reminder email before a booked show (decision 0031): non-transactional, so it carries a one-click
unsubscribe link and the List-Unsubscribe headers (RFC 2369, RFC 8058)."""

from django.conf import settings
from django.urls import reverse

from passculture.core.geo.directions import directions_to_venue
from passculture.core.users.reminder_preferences import unsubscribe_token

from .builders import EmailContent, QrCodeImage, _booking_context, _build

KIND = "show_reminder"


def unsubscribe_url(user) -> str:
    path = reverse("app:show_reminders_unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return f"{settings.PUBLIC_BASE_URL}{path}"


def unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def show_reminder_to_beneficiary(booking) -> tuple[EmailContent, dict]:
    """The email and its extra headers."""
    context = _booking_context(booking)
    content_id = f"rappel-{booking.token.lower()}@passculture"
    payload = context["tickets"][0]["barcode"] if context["tickets"] else booking.qr_payload
    qr = QrCodeImage(filename=f"contremarque-{booking.token}.png", content_id=content_id, payload=payload)
    url = unsubscribe_url(booking.user)
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
    )
