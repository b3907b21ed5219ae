import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    cancel_booking_by_offerer,
)
from passculture.core.common.models import AuditLog
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import UserFactory
from tests.helpers import error_code

from .conftest import NOW, set_status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)


@pytest.fixture
def booking(beneficiary, stock):
    # Booked well ahead (show in 5 days): cancellable for 48 h.
    return book_offer(beneficiary, stock.pk)


def test_cancelling_gives_credit_back(beneficiary, booking):
    assert balance_of(beneficiary).remaining_cents == 300_00 - booking.total_amount_cents
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_cancelling_a_digital_booking_gives_digital_credit_back(beneficiary):
    digital = ThingStockFactory(price_cents=100_00, offer__url="https://vod.example.com/1")
    booking = book_offer(beneficiary, digital.pk)
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert balance_of(beneficiary).digital_remaining_cents == 100_00


def test_cancelling_frees_the_places(beneficiary):
    stock = StockFactory(quantity=2, offer__is_duo=True)
    booking = book_offer(beneficiary, stock.pk, 2)
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 0


def test_beneficiary_can_cancel_own_confirmed_booking_before_its_limit(beneficiary, booking):
    at = booking.cancellation_limit_datetime
    cancelled = cancel_booking_by_beneficiary(beneficiary, booking.pk, at=at)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancellation_reason == CancellationReason.BENEFICIARY
    assert cancelled.cancelled_at == at
    assert AuditLog.objects.filter(action="booking.cancelled", target_id=str(booking.pk)).exists()


def test_beneficiary_cannot_cancel_after_the_limit(beneficiary, booking):
    at = booking.cancellation_limit_datetime + dt.timedelta(seconds=1)
    assert (
        error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=at)
        == "CANCELLATION_LIMIT_PASSED"
    )
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_beneficiary_booked_72h_before_can_cancel_until_48h_before_the_show(beneficiary):
    stock = StockFactory(beginning_datetime=NOW + 72 * H)
    booking = book_offer(beneficiary, stock.pk)
    late = NOW + 24 * H + dt.timedelta(seconds=1)
    assert (
        error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=late)
        == "CANCELLATION_LIMIT_PASSED"
    )
    cancel_booking_by_beneficiary(beneficiary, booking.pk, at=NOW + 24 * H)


def test_beneficiary_cannot_cancel_a_last_minute_booking(beneficiary):
    stock = StockFactory(beginning_datetime=NOW + 20 * H)
    booking = book_offer(beneficiary, stock.pk)
    later = NOW + dt.timedelta(minutes=1)
    assert (
        error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=later)
        == "CANCELLATION_LIMIT_PASSED"
    )


def test_beneficiary_cannot_cancel_a_last_minute_booking_even_at_the_booking_instant(beneficiary):
    stock = StockFactory(beginning_datetime=NOW + 48 * H)
    booking = book_offer(beneficiary, stock.pk, at=NOW)
    assert (
        error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=NOW)
        == "CANCELLATION_LIMIT_PASSED"
    )


def test_beneficiary_can_cancel_an_unused_thing_booking_at_any_time(beneficiary):
    booking = book_offer(beneficiary, ThingStockFactory().pk)
    assert booking.cancellation_limit_datetime is None
    cancel_booking_by_beneficiary(beneficiary, booking.pk, at=NOW + dt.timedelta(days=29))


def test_beneficiary_cannot_cancel_a_used_booking(beneficiary, booking):
    set_status(booking, BookingStatus.USED)
    assert error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk) == "BOOKING_NOT_CANCELLABLE"


def test_beneficiary_cannot_cancel_twice(beneficiary, booking):
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk) == "BOOKING_CANCELLED"
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_beneficiary_cannot_cancel_someone_elses_booking(booking):
    other = UserFactory()
    DepositFactory(user=other)
    assert error_code(cancel_booking_by_beneficiary, other, booking.pk) == "BOOKING_NOT_FOUND"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_cancellation_tells_the_beneficiary(beneficiary, booking):
    before = set(OutboxEmail.objects.values_list("pk", flat=True))
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert any(beneficiary.email in email.to for email in OutboxEmail.objects.exclude(pk__in=before))


def test_pro_can_cancel_any_booking_not_yet_used_even_after_its_limit(beneficiary, booking, counter):
    at = booking.cancellation_limit_datetime + 24 * H
    cancelled = cancel_booking_by_offerer(counter, booking.pk, at=at)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancellation_reason == CancellationReason.OFFERER
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_pro_cannot_cancel_a_used_booking(booking, counter):
    set_status(booking, BookingStatus.USED)
    assert error_code(cancel_booking_by_offerer, counter, booking.pk) == "BOOKING_ALREADY_USED"


def test_pro_cannot_cancel_a_reimbursed_booking(booking, counter):
    set_status(booking, BookingStatus.REIMBURSED)
    assert error_code(cancel_booking_by_offerer, counter, booking.pk) == "BOOKING_REIMBURSED"


def test_pro_cannot_cancel_a_cancelled_booking(beneficiary, booking, counter):
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert error_code(cancel_booking_by_offerer, counter, booking.pk) == "BOOKING_CANCELLED"


def test_pro_cannot_cancel_a_booking_of_another_offerer(booking):
    stranger = CounterActor.for_user(MembershipFactory().user)
    assert error_code(cancel_booking_by_offerer, stranger, booking.pk) == "BOOKING_OTHER_OFFERER"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_pro_cancelling_an_unknown_booking_gets_not_found(counter):
    assert error_code(cancel_booking_by_offerer, counter, 999_999) == "BOOKING_NOT_FOUND"


def test_pro_cancellation_may_carry_a_message_to_the_beneficiary(beneficiary, booking, counter):
    cancel_booking_by_offerer(counter, booking.pk, reason_text="Séance privatisée, toutes nos excuses.")
    to_beneficiary = OutboxEmail.objects.get(kind="booking_cancelled_beneficiary")
    assert "Séance privatisée, toutes nos excuses." in to_beneficiary.text_body
    assert "Séance privatisée, toutes nos excuses." in to_beneficiary.html_body
    entry = AuditLog.objects.get(action="booking.cancelled")
    assert entry.data["message"] == "Séance privatisée, toutes nos excuses."


def test_pro_cancellation_without_a_message_writes_none(beneficiary, booking, counter):
    cancel_booking_by_offerer(counter, booking.pk)
    to_beneficiary = OutboxEmail.objects.get(kind="booking_cancelled_beneficiary")
    assert "Message de" not in to_beneficiary.text_body
    assert "message" not in AuditLog.objects.get(action="booking.cancelled").data


def test_pro_cancellation_message_is_refused_above_500_characters(booking, counter):
    code = error_code(cancel_booking_by_offerer, counter, booking.pk, reason_text="x" * 501)
    assert code == "CANCELLATION_MESSAGE_TOO_LONG"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x1b[31m"])
def test_pro_cancellation_message_with_a_control_character_is_refused(booking, counter, text):
    code = error_code(cancel_booking_by_offerer, counter, booking.pk, reason_text=text)
    assert code == "FORBIDDEN_CHARACTERS"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
