import datetime as dt

import pytest

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import ProFactory, UserFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _another_beneficiary():
    user = UserFactory()
    DepositFactory(user=user)
    return user


def _refusal(*args, **kwargs) -> str:
    with pytest.raises(DomainError) as exc:
        book_offer(*args, **kwargs)
    return exc.value.code


def test_booking_is_confirmed_with_a_countermark_and_takes_a_place(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.booked_at == NOW
    assert set(booking.token) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ234567") and len(booking.token) == 6
    assert (booking.offer, booking.venue, booking.offerer) == (
        stock.offer,
        stock.offer.venue,
        stock.offer.venue.offerer,
    )
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 1


def test_booking_records_its_cancellation_limit(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    assert booking.cancellation_limit_datetime == rules.cancellation_limit(NOW, stock.beginning_datetime)


def test_total_is_unit_price_times_quantity(beneficiary):
    stock = StockFactory(price_cents=7_50, offer__is_duo=True)
    booking = book_offer(beneficiary, stock.pk, 2)
    assert (booking.amount_cents, booking.quantity, booking.total_amount_cents) == (7_50, 2, 15_00)
    assert balance_of(beneficiary).remaining_cents == 300_00 - 15_00


def test_unit_amount_is_the_stock_price_at_booking_time(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    Stock.objects.filter(pk=stock.pk).update(price_cents=stock.price_cents + 5_00)
    booking.refresh_from_db()
    assert booking.amount_cents == stock.price_cents


def test_duo_allows_quantity_2(beneficiary):
    stock = StockFactory(offer__is_duo=True)
    assert book_offer(beneficiary, stock.pk, 2).quantity == 2
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 2


def test_duo_allows_quantity_1(beneficiary):
    assert book_offer(beneficiary, StockFactory(offer__is_duo=True).pk, 1).quantity == 1


def test_quantity_must_be_1_for_non_duo(beneficiary, stock):
    assert _refusal(beneficiary, stock.pk, 2) == "INVALID_BOOKING_QUANTITY"


@pytest.mark.parametrize("quantity", [0, 3, -1, True])
def test_quantity_is_never_outside_1_or_2(beneficiary, quantity):
    stock = StockFactory(offer__is_duo=True)
    assert _refusal(beneficiary, stock.pk, quantity) == "INVALID_BOOKING_QUANTITY"


def test_one_active_booking_per_offer(beneficiary, stock):
    book_offer(beneficiary, stock.pk)
    other_showtime = StockFactory(offer=stock.offer, beginning_datetime=NOW + dt.timedelta(days=6))
    assert _refusal(beneficiary, other_showtime.pk) == "ALREADY_BOOKED"
    assert _refusal(beneficiary, stock.pk) == "ALREADY_BOOKED"


def test_one_active_booking_per_offer_counts_used_bookings(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.USED, used_at=NOW)
    assert _refusal(beneficiary, stock.pk) == "ALREADY_BOOKED"


def test_rebook_after_cancel_is_allowed(beneficiary, stock):
    first = book_offer(beneficiary, stock.pk)
    cancel_booking_by_beneficiary(beneficiary, first.pk)
    second = book_offer(beneficiary, stock.pk)
    assert second.pk != first.pk
    assert second.token != first.token
    assert second.status == BookingStatus.CONFIRMED


def test_total_cannot_exceed_remaining_credit(beneficiary):
    expensive = StockFactory(price_cents=250_00)
    book_offer(beneficiary, expensive.pk)
    too_much = StockFactory(price_cents=50_01)
    assert _refusal(beneficiary, too_much.pk) == "INSUFFICIENT_CREDIT"
    assert Stock.objects.get(pk=too_much.pk).booked_quantity == 0
    book_offer(beneficiary, StockFactory(price_cents=50_00).pk)
    assert balance_of(beneficiary).remaining_cents == 0


def test_duo_total_cannot_exceed_remaining_credit(beneficiary):
    book_offer(beneficiary, StockFactory(price_cents=280_00).pk)
    duo = StockFactory(price_cents=15_00, offer__is_duo=True)
    assert _refusal(beneficiary, duo.pk, 2) == "INSUFFICIENT_CREDIT"
    assert book_offer(beneficiary, duo.pk, 1).total_amount_cents == 15_00


def test_digital_cap_applies_only_to_digital_offers(beneficiary):
    book_offer(beneficiary, ThingStockFactory(price_cents=100_00, offer__url="https://vod.example.com/1").pk)
    digital = ThingStockFactory(price_cents=1_00, offer__url="https://vod.example.com/2")
    assert _refusal(beneficiary, digital.pk) == "DIGITAL_CAP_REACHED"
    booking = book_offer(beneficiary, ThingStockFactory(price_cents=150_00).pk)
    assert booking.is_digital is False
    assert balance_of(beneficiary).remaining_cents == 50_00


def test_remaining_credit_is_amount_minus_non_cancelled_bookings(beneficiary):
    kept = book_offer(beneficiary, StockFactory(price_cents=12_00).pk)
    cancelled = book_offer(beneficiary, StockFactory(price_cents=30_00).pk)
    cancel_booking_by_beneficiary(beneficiary, cancelled.pk)
    used = book_offer(beneficiary, ThingStockFactory(price_cents=20_00).pk)
    Booking.objects.filter(pk=used.pk).update(status=BookingStatus.USED, used_at=NOW)
    assert balance_of(beneficiary).remaining_cents == 300_00 - kept.total_amount_cents - 20_00


def test_booking_refused_without_a_deposit(stock):
    assert _refusal(UserFactory(), stock.pk) == "NO_DEPOSIT"


def test_booking_refused_once_the_deposit_expired(stock):
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=731), expires_at=NOW)
    assert _refusal(user, stock.pk) == "DEPOSIT_EXPIRED"


def test_only_beneficiaries_book(stock):
    assert _refusal(ProFactory(), stock.pk) == "NOT_A_BENEFICIARY"


def test_booking_an_unknown_stock_is_refused(beneficiary):
    assert _refusal(beneficiary, 999_999) == "STOCK_NOT_FOUND"


def test_booking_refused_when_stock_not_bookable(beneficiary):
    # The full list of bookability rules is tested in tests/core/offers/test_validation.py.
    offer_inactive = StockFactory(offer__is_active=False)
    venue_pending = StockFactory(offer__venue__validation_status=ValidationStatus.PENDING)
    started = StockFactory(beginning_datetime=NOW, booking_limit_datetime=None)
    deleted = StockFactory(is_deleted=True)
    assert _refusal(beneficiary, offer_inactive.pk) == "OFFER_INACTIVE"
    assert _refusal(beneficiary, venue_pending.pk) == "VENUE_NOT_VALIDATED"
    assert _refusal(beneficiary, started.pk) == "EVENT_STARTED"
    assert _refusal(beneficiary, deleted.pk) == "STOCK_DELETED"


def test_booking_refused_when_not_enough_places(beneficiary):
    stock = StockFactory(quantity=1, offer__is_duo=True)
    assert _refusal(beneficiary, stock.pk, 2) == "NOT_ENOUGH_PLACES"
    book_offer(beneficiary, stock.pk, 1)
    assert _refusal(_another_beneficiary(), stock.pk) == "NOT_ENOUGH_PLACES"
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 1


def test_refused_booking_spends_nothing(beneficiary):
    stock = StockFactory(offer__is_active=False)
    _refusal(beneficiary, stock.pk)
    assert balance_of(beneficiary).remaining_cents == 300_00
    assert not Booking.objects.exists()


def test_countermark_is_unique_a_collision_draws_another_one(beneficiary, stock, monkeypatch):
    taken = BookingFactory(token="ABC234").token
    draws = iter([taken, "XYZ567"])
    monkeypatch.setattr(rules, "generate_token", lambda: next(draws))
    booking = book_offer(beneficiary, stock.pk)
    assert booking.token == "XYZ567"
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 1
    assert balance_of(beneficiary).spent_cents == stock.price_cents


def test_booking_is_recorded_in_the_audit_log(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    entry = AuditLog.objects.get(action="booking.created")
    assert (entry.actor, entry.target_id) == (beneficiary, str(booking.pk))


def test_booking_gives_up_cleanly_when_no_unique_countermark_can_be_drawn(beneficiary, stock, monkeypatch):
    taken = BookingFactory(token="ABC234").token
    monkeypatch.setattr(rules, "generate_token", lambda: taken)
    assert _refusal(beneficiary, stock.pk) == "TOKEN_GENERATION_FAILED"
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 0
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_booking_reads_the_clock_after_locking_the_deposit(stock, time_machine, monkeypatch):
    # The deposit expires during the wait for its lock: the booking must see it expired.
    from passculture.core.credit import services as credit_services

    user = UserFactory()
    DepositFactory(
        user=user, granted_at=NOW - dt.timedelta(days=730), expires_at=NOW + dt.timedelta(minutes=1)
    )
    real_lock = credit_services.lock_deposits

    def lock_after_a_long_wait(*args, **kwargs):
        deposits = real_lock(*args, **kwargs)
        time_machine.move_to(NOW + dt.timedelta(minutes=2), tick=False)
        return deposits

    monkeypatch.setattr(credit_services, "lock_deposits", lock_after_a_long_wait)
    assert _refusal(user, stock.pk) == "DEPOSIT_EXPIRED"
    assert not Booking.objects.exists()


def test_booking_keeps_the_price_category_label_and_price(beneficiary, stock):
    from passculture.core.offers import price_categories

    category = price_categories.create_price_category(stock.offer, label="Tarif réduit", price_cents=550)
    Stock.objects.filter(pk=stock.pk).update(price_category=category, price_cents=550)
    booking = book_offer(beneficiary, stock.pk)
    assert (booking.price_category_label, booking.amount_cents, booking.price_label) == (
        "Tarif réduit",
        550,
        "Tarif réduit",
    )
    # The pro renames the label and changes the price afterwards: the booking keeps what it was made with.
    price_categories.rename_label(category.label, "Réduit")
    price_categories.update_price_category(category, price_cents=600)
    booking.refresh_from_db()
    assert (booking.price_category_label, booking.amount_cents) == ("Tarif réduit", 550)


def test_a_stock_without_category_books_at_its_one_price(beneficiary, stock):
    booking = book_offer(beneficiary, stock.pk)
    assert (booking.price_category_label, booking.price_label) == ("", "Tarif unique")
