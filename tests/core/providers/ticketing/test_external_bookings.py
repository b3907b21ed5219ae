"""Booking through a cinema's ticketing system, against the real reference server (decision 0029)."""

import json

import pytest

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.models import Deposit
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing import outbox
from passculture.core.providers.ticketing.models import (
    ReservationStatus,
    Ticket,
    TicketingCall,
    TicketingReservation,
    TicketStatus,
    VenueProviderLink,
)

pytestmark = pytest.mark.django_db


def _spent(user) -> int:
    return sum(Deposit.objects.filter(user=user).values_list("spent_cents", flat=True))


def _refusal(user, stock_id, quantity=1) -> str:
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(user, stock_id, quantity)
    return exc.value.code


def test_booking_issues_a_real_ticket_with_barcode_and_seat(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)

    assert booking.status == BookingStatus.CONFIRMED
    ticket = Ticket.objects.get(booking=booking)
    assert ticket.seat == "A1" and len(ticket.barcode) == 13
    assert cinema.active_barcodes() == {ticket.barcode}
    assert cinema.remote()["remainingQuantity"] == 9
    stock = Stock.objects.get(pk=cinema.stock.pk)
    # Our stock follows the cinema's system: 1 booked, 9 left there.
    assert (stock.booked_quantity, stock.quantity) == (1, 10)
    assert _spent(beneficiary) == 800
    reservation = TicketingReservation.objects.get()
    assert (reservation.status, reservation.booking_id) == (ReservationStatus.CONFIRMED, booking.pk)
    link = VenueProviderLink.objects.get(pk=cinema.link.pk)
    assert link.last_success_at is not None and link.error_count == 0
    # The BOOK notification waits in the outbox (sent after commit or by the job).
    call = TicketingCall.objects.get()
    assert call.payload["action"] == "BOOK" and call.payload["stock_id_at_provider"] == "ST-1"


def test_the_payload_is_the_contract_s(cinema, beneficiary, monkeypatch):
    from passculture.core.providers.ticketing import client

    sent = []
    real_post = client.post

    def spy(link, kind, payload):
        sent.append(json.loads(client.encode(payload)))
        return real_post(link, kind, payload)

    monkeypatch.setattr(client, "post", spy)
    booking_services.book_offer(beneficiary, cinema.stock.pk)
    payload = sent[0]
    assert payload["booking_quantity"] == 1
    assert payload["stock_id"] == cinema.stock.pk and payload["stock_id_at_provider"] == "ST-1"
    assert payload["venue_id_at_provider"] == "CINE-1"
    assert payload["user_email"] == beneficiary.email
    assert payload["user_birth_date"] == beneficiary.birth_date.isoformat()
    assert payload["offer_price"] == 800


def test_a_duo_gets_two_seats_side_by_side(cinema, beneficiary):
    cinema.stock.offer.is_duo = True
    cinema.stock.offer.save()
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk, 2)
    assert sorted(Ticket.objects.filter(booking=booking).values_list("seat", flat=True)) == ["A1", "A2"]


@pytest.mark.parametrize(
    ("capacity", "quantity", "code", "left"),
    [
        (0, 1, "TICKETING_SOLD_OUT", 0),
        (1, 2, "TICKETING_NOT_ENOUGH_SEATS", 1),
    ],
)
def test_a_409_refuses_cleanly_spends_no_credit_and_corrects_the_stock(
    cinema, beneficiary, capacity, quantity, code, left
):
    cinema.server.state.set_capacity("ST-1", capacity)
    cinema.stock.offer.is_duo = True
    cinema.stock.offer.save()

    assert _refusal(beneficiary, cinema.stock.pk, quantity) == code

    assert _spent(beneficiary) == 0
    assert not Booking.objects.exists()
    stock = Stock.objects.get(pk=cinema.stock.pk)
    assert (stock.booked_quantity, stock.quantity) == (0, left)
    assert TicketingReservation.objects.get().status == ReservationStatus.RELEASED
    assert cinema.active_barcodes() == set()


def test_a_timeout_refuses_with_a_clear_message(cinema, beneficiary):
    cinema.server.state.set_faults(delay_seconds=2)  # the client waits 1 s
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert exc.value.code == "TICKETING_UNAVAILABLE" and "ne répond pas" in exc.value.message
    assert _spent(beneficiary) == 0
    assert Stock.objects.get(pk=cinema.stock.pk).booked_quantity == 0
    link = VenueProviderLink.objects.get(pk=cinema.link.pk)
    assert link.error_count == 1 and "délai" in link.last_error


@pytest.mark.parametrize("fault", ["fail_next", "drop_next"])
def test_a_5xx_or_a_dropped_connection_refuses(cinema, beneficiary, fault):
    cinema.server.state.set_faults(**{fault: 1})
    assert _refusal(beneficiary, cinema.stock.pk) == "TICKETING_UNAVAILABLE"
    assert _spent(beneficiary) == 0 and not Booking.objects.exists()
    assert cinema.remote()["remainingQuantity"] == 10


def test_a_bad_signature_is_refused_by_the_cinema_and_by_us(cinema, beneficiary, settings):
    settings.TICKETING_SIGNING_KEY = "another-key"  # our secret no longer matches the cinema's
    assert _refusal(beneficiary, cinema.stock.pk) == "TICKETING_UNAVAILABLE"
    assert VenueProviderLink.objects.get(pk=cinema.link.pk).last_error == "réponse HTTP 401"
    assert cinema.active_barcodes() == set()


def test_a_stopped_link_makes_the_showtimes_unbookable(cinema, beneficiary):
    VenueProviderLink.objects.filter(pk=cinema.link.pk).update(is_selling=False)
    assert _refusal(beneficiary, cinema.stock.pk) == "TICKETING_SELLING_STOPPED"
    assert cinema.server.state.snapshot()["tickets"] == []


def test_a_showtime_unknown_to_the_cinema_s_system_is_not_bookable(cinema, beneficiary):
    Stock.objects.filter(pk=cinema.stock.pk).update(id_at_provider="")
    assert _refusal(beneficiary, cinema.stock.pk) == "TICKETING_STOCK_NOT_LINKED"


def test_a_venue_url_overrides_the_provider_s(cinema, beneficiary):
    VenueProviderLink.objects.filter(pk=cinema.link.pk).update(booking_url="http://127.0.0.1:9/book")
    VenueProviderLink.objects.get(pk=cinema.link.pk)
    assert _refusal(beneficiary, cinema.stock.pk) == "TICKETING_UNAVAILABLE"  # nothing listens on :9


def test_the_usual_checks_run_before_calling(cinema, beneficiary):
    booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert _refusal(beneficiary, cinema.stock.pk) == "ALREADY_BOOKED"
    assert len(cinema.active_barcodes()) == 1


def test_cancelling_the_booking_cancels_its_tickets(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    barcode = Ticket.objects.get(booking=booking).barcode
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    call = TicketingCall.objects.get(kind="cancel")
    assert call.payload == {"barcodes": [barcode]}

    outbox.recover()

    assert cinema.active_barcodes() == set()
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    events = [event["action"] for event in cinema.server.state.snapshot()["events"]]
    assert events == ["BOOK", "CANCEL"]
    assert TicketingCall.objects.filter(status="sent").count() == 3


def test_a_cancellation_the_cinema_refuses_is_retried_with_backoff(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    cinema.server.state.set_faults(fail_next=2)
    outbox.recover()  # the BOOK notification and the cancellation both fail
    call = TicketingCall.objects.get(kind="cancel")
    assert (call.status, call.attempts) == ("pending", 1)
    assert len(cinema.active_barcodes()) == 1
    import datetime as dt

    outbox.recover(at=call.next_attempt_at + dt.timedelta(seconds=1))
    assert cinema.active_barcodes() == set()
