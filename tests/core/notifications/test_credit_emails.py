"""The credit's emails (decision 0033): the reminder before the end (content, unsubscribe headers, a real
SMTP delivery) and the credit granted by a staff review (transactional, quiet hours, real delivery)."""

import datetime as dt
import email
import email.policy
import html

import pytest
import time_machine

from passculture.core.common.money import format_euros
from passculture.core.credit import reminders as credit_job
from passculture.core.credit.factories import DepositFactory
from passculture.core.identity.services import approve_identity_check
from passculture.core.notifications import services
from passculture.core.notifications.credit_emails import NearbyFilm, credit_expiry_reminder
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import StaffFactory, UserFactory
from tests.conftest import utc
from tests.core.notifications.conftest import use_smtp
from tests.identity_helpers import identity_data, photo_upload, private_documents  # noqa: F401

NOW = utc(2026, 12, 7, 10, 0)  # 11:00 in Paris, 14:00 in La Réunion


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PUBLIC_BASE_URL = "https://pass.example.org"


@pytest.fixture
def young(db):
    return UserFactory(first_name="Léa", email="lea@example.com", postal_code="97400", city="Saint-Denis")


def test_the_reminder_says_amount_left_expiry_films_and_how_to_unsubscribe(young):
    film = NearbyFilm(
        title="Le Grand Bleu",
        venue_name="Ciné Cambaie",
        distance_km=3.24,
        next_start=utc(2026, 12, 9, 16, 30),
        venue_timezone="Indian/Reunion",
        path="/offres/12/",
    )
    with time_machine.travel(NOW, tick=False):
        content = credit_expiry_reminder(
            young,
            remaining_cents=123_45,
            expires_at=utc(2027, 1, 6, 10, 0),
            days_left=30,
            timezone="Indian/Reunion",
            films=[film],
            place_label="Saint-Denis (97400)",
        )
    amount = format_euros(123_45)
    assert content.to == ["lea@example.com"]
    assert content.subject == f"Il vous reste {amount} sur votre pass Culture, à utiliser dans 30 jours"
    for body in (content.text, content.html):
        assert "Bonjour Léa" in body
        assert "123,45" in body
        assert "se termine dans 30 jours : le mercredi 6 janvier 2027 à 14h00" in body  # La Réunion's clock
        assert "Saint-Denis (97400)" in body
        assert "Le Grand Bleu" in body and "Ciné Cambaie" in body and "3,2 km" in body
        assert "mercredi 9 décembre 2026 à 20h30" in body  # the showtime on the cinema's clock
        assert "https://pass.example.org/offres/12/" in body
        assert "https://pass.example.org/desabonnement/" in body
        assert "https://pass.example.org/compte/notifications/" in body
    assert "Ne plus recevoir de rappel sur mon crédit" in content.html
    url = content.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://pass.example.org/desabonnement/") and url in content.text
    assert content.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_films_nearby_the_reminder_still_leads_to_the_app(young):
    content = credit_expiry_reminder(
        young, remaining_cents=5_00, expires_at=NOW + dt.timedelta(days=7), days_left=1,
        timezone="Europe/Paris", films=[],
    )  # fmt: skip
    assert "à utiliser demain" in content.subject
    assert "À l'affiche" not in content.text
    assert "Trouver une séance : https://pass.example.org/" in content.text


def test_the_reminder_unsubscribe_link_turns_credit_reminders_off(young, client):
    content = credit_expiry_reminder(
        young, remaining_cents=5_00, expires_at=NOW + dt.timedelta(days=7), days_left=7,
        timezone="Europe/Paris", films=[],
    )  # fmt: skip
    url = content.headers["List-Unsubscribe"].strip("<>").removeprefix("https://pass.example.org")
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    young.refresh_from_db()
    assert young.wants_credit_reminders is False and young.wants_show_reminders is True


def test_reminder_delivery_through_a_real_smtp_server(settings, young, smtp_server):
    use_smtp(settings, smtp_server.port)
    venue = VenueFactory(
        name="Ciné Cambaie", postal_code="97400", city="Saint-Denis", timezone="Indian/Reunion",
        latitude="-20.890000", longitude="55.450000",
    )  # fmt: skip
    StockFactory(
        offer__venue=venue, offer__name="Le Grand Bleu", beginning_datetime=NOW + dt.timedelta(days=2)
    )
    DepositFactory(user=young, spent_cents=100_00, expires_at=NOW + dt.timedelta(days=7))
    with time_machine.travel(NOW, tick=False):
        assert credit_job.send_credit_reminders(at=NOW) == {"sent": 1}
        services.deliver_due_emails(at=NOW)
    (envelope,) = smtp_server.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["lea@example.com"]
    assert (
        message["Subject"].strip()
        == f"Il vous reste {format_euros(200_00)} sur votre pass Culture, à utiliser dans 7 jours"
    )
    assert message["List-Unsubscribe"].strip().startswith("<https://pass.example.org/desabonnement/")
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Le Grand Bleu" in text and "Le Grand Bleu" in html
    assert "dans 7 jours" in text
    assert OutboxEmail.objects.get(kind="credit_expiry_reminder").status == "SENT"


# --- The credit granted ---------------------------------------------------------------------------


def _approve(user, at):
    from passculture.core.identity.services import submit_identity_check

    check = submit_identity_check(
        user, identity_data(user), photo=photo_upload(), at=at - dt.timedelta(days=1)
    )
    return approve_identity_check(check, StaffFactory(), at=at)


@pytest.fixture
def adult(db, private_documents):  # noqa: F811
    return UserFactory(
        first_name="Jeanne", email="jeanne@example.com", birth_date=dt.date(2008, 1, 10), last_name="Martin",
        postal_code="97300", city="Cayenne",
    )  # fmt: skip


def test_the_granted_credit_email_says_amount_expiry_uses_and_links_to_the_app(adult):
    at = utc(2026, 12, 7, 15, 0)  # 12:00 in Cayenne
    with time_machine.travel(at, tick=False):
        _approve(adult, at)
    mail = OutboxEmail.objects.get(kind="identity_approved")
    assert mail.to == ["jeanne@example.com"]
    assert mail.next_attempt_at == at  # daytime there: at once
    for body in (mail.text_body, html.unescape(mail.html_body)):
        assert format_euros(300_00) in body
        assert "valable jusqu'au 7 décembre 2028 à 12h00" in body  # on Cayenne's clock
        assert "séances de cinéma, des cartes et des abonnements de cinéma" in body
        assert "https://pass.example.org/" in body
    assert "List-Unsubscribe" not in mail.headers  # transactional


def test_a_credit_granted_by_staff_late_at_night_waits_for_8h_local(adult):
    at = utc(2026, 12, 8, 2, 30)  # 23:30 in Cayenne
    with time_machine.travel(at, tick=False):
        _approve(adult, at)
    mail = OutboxEmail.objects.get(kind="identity_approved")
    assert mail.next_attempt_at == utc(2026, 12, 8, 11, 0)  # 08:00 in Cayenne


def test_granted_credit_delivery_through_a_real_smtp_server(settings, adult, smtp_server):
    use_smtp(settings, smtp_server.port)
    at = utc(2026, 12, 7, 15, 0)
    with time_machine.travel(at, tick=False):
        _approve(adult, at)
        services.deliver_due_emails(at=at)
    (envelope,) = smtp_server.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["jeanne@example.com"]
    assert "est disponible" in message["Subject"]
    assert message["List-Unsubscribe"] is None
    assert "abonnements de cinéma" in message.get_body(("plain",)).get_content()
