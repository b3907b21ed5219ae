from passculture.core.bookings import services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.credit.selectors import balance_of


def test_book_then_cancel_gives_credit_back(beneficiary, stock):
    booking = services.book_offer(beneficiary, stock.pk, 1)
    assert booking.status == BookingStatus.CONFIRMED
    assert balance_of(beneficiary).remaining_cents == 300_00 - stock.price_cents
    services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert balance_of(beneficiary).remaining_cents == 300_00
