"""PostgreSQL, two connections: while the cinema's system is being called, no row lock of the booking
is held — another connection locks the stock and the deposits with NOWAIT, and another person books."""

import threading

import pytest
from django.db import connection, transaction

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import Deposit
from passculture.core.offers.models import Stock
from passculture.core.providers.ticketing import client
from passculture.core.providers.ticketing.models import Ticket, TicketingReservation
from passculture.core.users.factories import UserFactory

from .conftest import make_cinema

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_other_connection(func):
    result: dict = {}

    def worker():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            result["value"] = func()
        except Exception as error:  # reported by the assertion
            result["error"] = repr(error)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the other connection is stuck"
    return result


def test_no_row_lock_is_held_while_the_cinema_is_called(ticketing_settings):
    cinema = make_cinema()
    try:
        first, second = UserFactory(), UserFactory()
        DepositFactory(user=first)
        DepositFactory(user=second)
        seen = {}
        real_book = client.book

        def book_while_probing(link, payload):
            assert not connection.in_atomic_block, "the call is made inside a transaction"

            def probe():
                with transaction.atomic():
                    Stock.objects.select_for_update(nowait=True).get(pk=cinema.stock.pk)
                    list(Deposit.objects.select_for_update(nowait=True).filter(user=first))
                    list(TicketingReservation.objects.select_for_update(nowait=True))
                return "locked"

            seen["probe"] = _in_other_connection(probe)
            # Another person books the same showtime meanwhile, through the same path.
            seen["other"] = _in_other_connection(
                lambda: booking_services.book_offer(second, cinema.stock.pk).status
            )
            return real_book(link, payload)

        client.book = book_while_probing
        try:
            booking = booking_services.book_offer(first, cinema.stock.pk)
        finally:
            client.book = real_book

        assert seen["probe"] == {"value": "locked"}
        assert seen["other"] == {"value": BookingStatus.CONFIRMED}
        assert booking.status == BookingStatus.CONFIRMED
        assert Stock.objects.get(pk=cinema.stock.pk).booked_quantity == 2
        assert Ticket.objects.count() == 2 and len(cinema.active_barcodes()) == 2
    finally:
        cinema.server.stop()
