"""The reminder email before the show: its content (text and HTML), headers, and a real SMTP delivery."""

import email
import email.policy
from urllib.parse import urlparse

import pytest

from passculture.core.bookings import reminders as reminder_job
from passculture.core.bookings.factories import BookingFactory
from passculture.core.notifications import builders, services
from passculture.core.notifications.models import OutboxEmail
from passculture.core.notifications.reminders import show_reminder_to_beneficiary
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.core.notifications.conftest import use_smtp

SHOW = utc(2026, 12, 12, 16, 30)  # 20h30 in La Réunion
DUE = utc(2026, 12, 11, 6, 0)  # 10h00 the day before in La Réunion


@pytest.fixture
def booking(db, settings):
    settings.PUBLIC_BASE_URL = "https://pass.example.org"
    venue = VenueFactory(
        name="Ciné Cambaie",
        address="1 rue du Cinéma",
        postal_code="97460",
        city="Saint-Paul",
        timezone="Indian/Reunion",
        latitude="-21.000000",
        longitude="55.280000",
    )
    user = UserFactory(email="lea@example.com", first_name="Léa")
    stock = StockFactory(beginning_datetime=SHOW, offer__venue=venue, offer__name="Le Grand Bleu")
    return BookingFactory(user=user, stock=stock, booked_at=utc(2026, 12, 1, 9, 0))


def test_the_reminder_gives_the_countermark_address_directions_and_unsubscribe_link(booking):
    content, headers = show_reminder_to_beneficiary(booking)
    assert content.to == ["lea@example.com"]
    assert content.subject == "Rappel : Le Grand Bleu, samedi 12 décembre 2026 à 20h30"
    for body in (content.text, content.html):
        assert "Bonjour Léa" in body
        assert "samedi 12 décembre 2026 à 20h30" in body  # La Réunion's time
        assert booking.token in body
        assert "1 rue du Cinéma" in body and "Saint-Paul" in body
        assert "Itinéraire vers le cinéma" in body
        assert "-21.000000" in body  # the directions link goes to the venue's point
        assert "https://pass.example.org/desabonnement/" in body
    assert "Ne plus recevoir de rappel" in content.html
    assert f"cid:rappel-{booking.token.lower()}@passculture" in content.html
    (qr,) = content.attachments
    assert qr.payload == booking.qr_payload
    url = headers["List-Unsubscribe"].strip("<>")
    assert urlparse(url).path.startswith("/desabonnement/")
    assert url in content.text
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_with_tickets_from_the_cinema_the_reminder_gives_barcode_and_seat(booking, monkeypatch):
    monkeypatch.setattr(builders, "_tickets", lambda b: [{"barcode": "1234567890128", "seat": "F7"}])
    content, _ = show_reminder_to_beneficiary(booking)
    for body in (content.text, content.html):
        assert "1234567890128" in body
        assert "F7" in body
    assert content.attachments[0].payload == "1234567890128"


def test_the_job_queues_the_email_with_its_unsubscribe_headers(booking):
    reminder_job.send_show_reminders(at=DUE)
    (row,) = OutboxEmail.objects.filter(kind="show_reminder")
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert row.headers["List-Unsubscribe"].startswith("<https://pass.example.org/desabonnement/")
    assert "Message-ID" in row.headers


def test_delivery_through_a_real_smtp_server(settings, booking, smtp_server):
    use_smtp(settings, smtp_server.port)
    reminder_job.send_show_reminders(at=DUE)
    services.deliver_due_emails(at=DUE)
    (envelope,) = smtp_server.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["lea@example.com"]
    assert message["Subject"].strip() == "Rappel : Le Grand Bleu, samedi 12 décembre 2026 à 20h30"
    assert message["List-Unsubscribe"].strip().startswith("<https://pass.example.org/desabonnement/")
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert booking.token in text and booking.token in html
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    assert images[0]["Content-ID"] == f"<rappel-{booking.token.lower()}@passculture>"
    assert OutboxEmail.objects.get(kind="show_reminder").status == "SENT"


def test_a_moved_showtime_email_through_a_real_smtp_server(settings, booking, smtp_server):
    """Issue 16: one real SMTP delivery per template family; here the showtime moved by the cinema."""
    from passculture.core.bookings.changes import showtime_moved

    use_smtp(settings, smtp_server.port)
    notice = utc(2026, 12, 10, 8, 0)  # 12h00 in La Réunion: not quiet hours
    old_start = booking.stock.beginning_datetime
    booking.stock.beginning_datetime = utc(2026, 12, 12, 17, 15)  # 21h15 in La Réunion
    booking.stock.save()
    assert showtime_moved(booking.stock, old_start=old_start, at=notice) == 1
    services.deliver_due_emails(at=notice)
    (envelope,) = smtp_server.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["lea@example.com"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "20h30" in body and "21h15" in body  # the old and new times, at the venue
        assert "Le Grand Bleu" in body
    assert OutboxEmail.objects.get(kind="showtime_moved_beneficiary").status == "SENT"
