"""The daily digest email to a venue (decision 0035): its content (text and HTML) with a frozen clock, the
per-booking emails it replaces, and a real SMTP delivery."""

import email
import email.policy
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from passculture.core.bookings import digest as digest_job
from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.notifications import services
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import BookingNotification
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.core.notifications.conftest import use_smtp

# The digest of Thursday 10 December 2026 for a cinema in La Réunion (UTC+4), sent at 08:00 there.
SENT_AT = utc(2026, 12, 11, 4, 0)
LATE_SHOW = utc(2026, 12, 12, 16, 30)  # samedi 12 décembre 2026 à 20h30 in La Réunion
EARLY_SHOW = utc(2026, 12, 12, 10, 0)  # samedi 12 décembre 2026 à 14h00


@pytest.fixture
def venue(db, settings):
    settings.PUBLIC_BASE_URL = "https://pass.example.org"
    return VenueFactory(
        name="Ciné Cambaie",
        timezone="Indian/Reunion",
        booking_email="caisse@cambaie.re",
        booking_notification=BookingNotification.DIGEST,
    )


@pytest.fixture
def day_of_bookings(venue):
    late = StockFactory(offer__venue=venue, offer__name="Le Grand Bleu", beginning_datetime=LATE_SHOW)
    early = StockFactory(
        offer__venue=venue, offer__name="Amélie", beginning_datetime=EARLY_SHOW, version="VO"
    )
    lea = UserFactory(
        first_name="Léa", last_name="Hoarau", email="lea@example.com", phone_number="+262692000001"
    )
    tom = UserFactory(first_name="Tom", last_name="Payet", email="tom@example.com")
    zoe = UserFactory(first_name="Zoé", last_name="Grondin", email="zoe@example.com")
    BookingFactory(
        stock=late,
        user=lea,
        token="LEA234",
        quantity=2,
        price_category_label="Tarif réduit",
        booked_at=utc(2026, 12, 10, 5, 15),  # 09h15 local
    )
    BookingFactory(stock=early, user=tom, token="TOM234", booked_at=utc(2026, 12, 10, 14, 5))  # 18h05
    BookingFactory(
        stock=late,
        user=zoe,
        token="ZOE234",
        booked_at=utc(2026, 12, 3, 9, 0),  # a week before: only its cancellation is of the day
        status=BookingStatus.CANCELLED,
        cancelled_at=utc(2026, 12, 10, 8, 30),  # 12h30 local
        cancellation_reason=CancellationReason.BENEFICIARY,
    )
    # Outside the day in La Réunion (but inside it in Paris): 23:59 on the 9th and 00:00 on the 11th.
    BookingFactory(stock=late, token="OUT234", booked_at=utc(2026, 12, 9, 19, 59))
    BookingFactory(stock=early, token="OUT345", booked_at=utc(2026, 12, 10, 20, 0))


def _digest():
    with time_machine.travel(SENT_AT, tick=False):
        assert digest_job.send_booking_digests()["sent"] == 1
    return OutboxEmail.objects.get(kind="booking_digest_pro")


def test_the_digest_lists_the_day_bookings_and_cancellations_by_showtime(day_of_bookings):
    sent = _digest()
    assert sent.to == ["caisse@cambaie.re"]
    assert sent.subject == "Récapitulatif des réservations du 10 décembre 2026 : Ciné Cambaie"
    text = sent.text_body
    assert (
        "pour le jeudi 10 décembre 2026 (heure locale) : 2 réservations (3 places) et 1 annulation (1 place)"
        in text
    )
    # By showtime, in the order of their start (the 14h00 show first), in La Réunion's time.
    amelie = text.index("Amélie, samedi 12 décembre 2026 à 14h00 (Version originale) : 1 place")
    grand_bleu = text.index("Le Grand Bleu, samedi 12 décembre 2026 à 20h30 (Version française) : 2 places")
    assert amelie < grand_bleu < text.index("ANNULATIONS DU JOUR")
    assert "- LEA234 · Léa Hoarau · Tarif réduit · 2 places · réservée à 09h15" in text
    assert "- TOM234 · Tom Payet · Tarif unique · 1 place · réservée à 18h05" in text
    assert "- ZOE234 · Zoé Grondin · Tarif unique · 1 place · annulée à 12h30 par le bénéficiaire" in text
    assert "OUT234" not in text and "OUT345" not in text


def test_the_digest_html_says_the_same(day_of_bookings):
    html = _digest().html_body
    for part in ("Réservations du jour", "Annulations du jour", "LEA234", "Léa Hoarau", "Tarif réduit",
                 "samedi 12 décembre 2026 à 20h30", "ZOE234", "par le bénéficiaire", "09h15"):  # fmt: skip
        assert part in html
    assert "OUT234" not in html


def test_the_digest_shows_no_more_about_people_than_their_name(day_of_bookings):
    sent = _digest()
    for body in (sent.text_body, sent.html_body):
        assert "lea@example.com" not in body and "+262692000001" not in body
    assert sent.reply_to == []  # one email for many people: nobody to reply to


def test_the_digest_links_to_the_bookings_of_that_day_and_to_its_setting(day_of_bookings, venue):
    sent = _digest()
    link = next(word for word in sent.text_body.split() if "/pro/reservations/" in word)
    url = urlparse(link)
    assert (url.scheme, url.netloc, url.path) == ("https", "pass.example.org", "/pro/reservations/")
    assert parse_qs(url.query) == {
        "date_kind": ["booking"],
        "date_from": ["2026-12-10"],
        "date_to": ["2026-12-10"],
        "venue": [str(venue.pk)],
    }
    assert f"https://pass.example.org/pro/lieux/{venue.pk}/e-mails-de-reservation/" in sent.text_body
    assert f'href="{link.replace("&", "&amp;")}"' in sent.html_body


def test_who_cancelled_is_said_for_each_reason(venue):
    stock = StockFactory(offer__venue=venue, beginning_datetime=LATE_SHOW)
    for token, reason in (("CAN234", CancellationReason.OFFERER), ("CAN345", CancellationReason.FRAUD)):
        BookingFactory(
            stock=stock,
            token=token,
            booked_at=utc(2026, 12, 9, 9, 0),
            status=BookingStatus.CANCELLED,
            cancelled_at=utc(2026, 12, 10, 9, 0),
            cancellation_reason=reason,
        )
    text = _digest().text_body
    assert "CAN234" in text and "par l'acteur culturel" in text
    assert "CAN345" in text and "par l'équipe pass Culture" in text


def test_a_cinema_card_is_listed_without_a_start(venue):
    BookingFactory(
        stock=ThingStockFactory(offer__venue=venue, offer__name="Carte Cambaie 5 places"),
        token="CAR234",
        booked_at=utc(2026, 12, 10, 9, 0),
    )
    text = _digest().text_body
    assert "Carte Cambaie 5 places : 1 place" in text and "CAR234" in text


# --- The emails per booking it replaces -------------------------------------------------------------


def _pro_emails():
    return OutboxEmail.objects.filter(kind__in=["booking_confirmed_pro", "booking_cancelled_pro"])


def test_a_venue_on_the_digest_gets_no_email_per_booking_nor_cancellation(beneficiary, venue):
    stock = StockFactory(offer__venue=venue, offer__booking_email="film@cambaie.re")
    booking = booking_services.book_offer(beneficiary, stock.pk)
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)

    assert not _pro_emails().exists()
    # The beneficiary is still told both times.
    kinds = set(OutboxEmail.objects.values_list("kind", flat=True))
    assert {"booking_confirmed_beneficiary", "booking_cancelled_beneficiary"} <= kinds


def test_a_venue_on_the_email_per_booking_keeps_them(beneficiary):
    stock = StockFactory(offer__venue=VenueFactory(booking_notification=BookingNotification.EACH))
    booking = booking_services.book_offer(beneficiary, stock.pk)
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert sorted(_pro_emails().values_list("kind", flat=True)) == [
        "booking_cancelled_pro",
        "booking_confirmed_pro",
    ]


# --- A real SMTP server -----------------------------------------------------------------------------


def test_delivery_through_a_real_smtp_server(settings, day_of_bookings, smtp_server):
    use_smtp(settings, smtp_server.port)
    _digest()
    services.deliver_due_emails(at=SENT_AT)

    (envelope,) = smtp_server.envelopes
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["caisse@cambaie.re"]
    assert message["Subject"].strip() == "Récapitulatif des réservations du 10 décembre 2026 : Ciné Cambaie"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "LEA234 · Léa Hoarau" in text and "ZOE234" in text
    assert "Réservations du jour" in html and "Léa Hoarau" in html
    assert OutboxEmail.objects.get(kind="booking_digest_pro").status == "SENT"
