"""Public API: a booked date moved by PATCH or by the cinema_sessions push (decision 0030)."""

import datetime as dt

import pytest

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import Stock
from tests.conftest import utc

from .conftest import OFFERS, programme

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)  # Paris is UTC+1
H = dt.timedelta(hours=1)
KIND = "showtime_moved_beneficiary"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_patching_the_date_of_a_booked_showtime_emails_once_and_sets_the_limit(api, venue, beneficiary):
    start = utc(2026, 3, 15, 19)
    stock = StockFactory(
        offer=OfferFactory(venue=venue), beginning_datetime=start, booking_limit_datetime=start
    )
    booking = book_offer(beneficiary, stock.pk)
    url = f"{OFFERS}/events/{stock.offer_id}/dates/{stock.pk}"
    body = {"beginningDatetime": (start + 24 * H).isoformat()}

    assert api.patch(url, body).status_code == 200
    assert api.patch(url, body).status_code == 200  # the same PATCH again (a retry): nothing more

    [email] = OutboxEmail.objects.filter(kind=KIND)
    assert email.to == [beneficiary.email]
    assert "Ancien horaire : dimanche 15 mars 2026 à 20h00 (heure locale)" in email.text_body
    assert "Nouvel horaire : lundi 16 mars 2026 à 20h00 (heure locale)" in email.text_body
    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == NOW + 48 * H


def test_a_patch_of_the_quantity_alone_sends_nothing(api, venue, beneficiary):
    stock = StockFactory(offer=OfferFactory(venue=venue))
    book_offer(beneficiary, stock.pk)
    assert (
        api.patch(f"{OFFERS}/events/{stock.offer_id}/dates/{stock.pk}", {"quantity": 10}).status_code == 200
    )
    assert not OutboxEmail.objects.filter(kind=KIND).exists()


def test_a_pushed_programme_moving_a_booked_showtime_emails_once(api, venue, film, beneficiary):
    body = {"venueId": venue.pk, "offers": [programme(stocks=1, days=5)]}
    assert api.put(f"{OFFERS}/events/cinema_sessions", body).status_code == 204
    stock = Stock.objects.get(offer__venue=venue, id_at_provider="S0")
    booking = book_offer(beneficiary, stock.pk)
    new_start = stock.beginning_datetime + 26 * H
    body["offers"][0]["stocks"][0]["beginningDatetime"] = new_start.isoformat()

    assert api.put(f"{OFFERS}/events/cinema_sessions", body).status_code == 204
    assert api.put(f"{OFFERS}/events/cinema_sessions", body).status_code == 204

    [email] = OutboxEmail.objects.filter(kind=KIND)
    assert email.to == [beneficiary.email]
    assert Stock.objects.get(pk=stock.pk).beginning_datetime == new_start
    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == NOW + 48 * H
