import pytest

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor
from tests.conftest import utc

# A Tuesday in March: Paris is UTC+1, La Réunion UTC+4.
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture
def frozen_clock(time_machine):
    """Not autouse: the PostgreSQL concurrency tests of this folder run with the real clock."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def counter(pro):
    return CounterActor.for_user(pro, device="Caisse 1 (Firefox)", ip_address="192.0.2.10")


def set_status(booking, status):
    """Puts a booking in a state no service reaches yet (REIMBURSED) or skips the path to it."""
    Booking.objects.filter(pk=booking.pk).update(status=status, used_at=NOW)
