"""The pro portal moves or deletes a booked showtime: the beneficiary is told (decision 0030)."""

import pytest
from django.urls import reverse

from passculture.core.bookings import services as bookings
from passculture.core.bookings.models import Booking
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def pro_client(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue, name="Le Voyage dans la Lune")


def test_moving_a_booked_showtime_in_the_form_emails_the_old_and_the_new_time(pro_client, offer, beneficiary):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30), price_cents=800)
    booking = bookings.book_offer(beneficiary, stock.pk)
    data = {"date": "2026-03-21", "time": "18:00", "version": "VF", "price": "8", "quantity": "100"}

    assert pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data).status_code == 302
    assert pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data).status_code == 302

    [email] = OutboxEmail.objects.filter(kind="showtime_moved_beneficiary")
    assert email.to == [beneficiary.email]
    assert "Ancien horaire : vendredi 20 mars 2026 à 20h30 (heure locale)" in email.text_body
    assert "Nouvel horaire : samedi 21 mars 2026 à 18h00 (heure locale)" in email.text_body
    assert "jusqu'au 12 mars 2026 à 13h00" in email.text_body
    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == utc(2026, 3, 12, 12)


def test_deleting_a_booked_showtime_tells_why_with_the_message_and_the_credit_back(
    pro_client, offer, beneficiary
):
    stock = StockFactory(offer=offer, price_cents=750)
    bookings.book_offer(beneficiary, stock.pk)
    url = reverse("pro:stock-delete", args=[offer.pk, stock.pk])
    assert 'name="message"' in pro_client.get(url).content.decode()

    data = {"confirm": "1", "expected": "1", "message": "Panne du projecteur, désolés."}
    assert pro_client.post(url, data).status_code == 302

    [email] = OutboxEmail.objects.filter(kind="booking_cancelled_beneficiary")
    assert email.to == [beneficiary.email]
    for body in (email.text_body, email.html_body):
        assert f"{offer.venue.display_name} a supprimé la séance." in body
        assert "Panne du projecteur, désolés." in body
    assert "Le montant de 7,50\u00a0€ a été recrédité sur votre pass Culture." in email.text_body


def test_cancelling_a_booking_at_the_counter_tells_why_and_the_credit_back(pro, offer, beneficiary):
    stock = StockFactory(offer=offer, price_cents=750)
    booking = bookings.book_offer(beneficiary, stock.pk)

    bookings.cancel_booking_by_offerer(
        bookings.CounterActor.for_user(pro), booking.pk, reason_text="Séance annulée (grève)."
    )

    [email] = OutboxEmail.objects.filter(kind="booking_cancelled_beneficiary")
    assert f"{offer.venue.display_name} a annulé votre réservation." in email.text_body
    assert "Séance annulée (grève)." in email.text_body
    assert "Le montant de 7,50\u00a0€ a été recrédité sur votre pass Culture." in email.text_body
