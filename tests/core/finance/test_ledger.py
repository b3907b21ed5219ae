"""The pro's live ledger and per-venue statements (issue 6, point 5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.bookings.factories import BookingFactory
from passculture.core.finance import ledger
from passculture.core.finance.batches import (
    generate_payment_batch,
    mark_batch_sent,
    mark_line_error,
    venue_statement,
)
from passculture.core.finance.constants import PricingScope, TransferState
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import BankAccount, PricingCounter
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc

# 17 March 2026, 07:00 Paris: the batch of the 16 March cut-off is due today and not made yet.
NOW = utc(2026, 3, 17, 6, 0)
CUTOFF = dt.date(2026, 3, 16)
INSTANT = utc(2026, 3, 15, 23, 0)
LONG_AGO = utc(2026, 1, 5, 9, 0)
EUR = 100


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def paid_venue():
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO)
    return venue


def used(venue, amount_cents=800, used_at=INSTANT - dt.timedelta(days=2), **kwargs):
    return UsedBookingFactory(stock__offer__venue=venue, amount_cents=amount_cents, used_at=used_at, **kwargs)


def waiting(result) -> dict[str, tuple[int, int]]:
    return {group.reason: (group.count, group.amount_cents) for group in result.waiting}


def test_each_waiting_booking_is_counted_under_its_reason_and_the_transfers_are_dated(db):
    venue = paid_venue()
    used(venue, 1000)  # before the 16 March cut-off: paid by its batch, on 23 March
    used(venue, 500, used_at=NOW - dt.timedelta(hours=1))  # after it: 1 April, paid on 8 April
    price_bookings(at=NOW)
    BookingFactory(stock__offer__venue=venue, amount_cents=700, quantity=2)  # not validated
    future_show = StockFactory(offer__venue=venue, beginning_datetime=NOW + dt.timedelta(days=2))
    used(venue, 900, used_at=NOW - dt.timedelta(hours=2), stock=future_show)  # validated early
    used(venue, 300, used_at=NOW - dt.timedelta(minutes=5))  # the pricing job has not run since
    used(VenueFactory(), 4000)  # another venue's booking counts nowhere here

    result = ledger.venue_ledger(venue)

    assert result.payable
    assert waiting(result) == {
        ledger.NOT_VALIDATED: (1, 1400),
        ledger.EVENT_NOT_HAPPENED: (1, 900),
        ledger.TO_BE_PRICED: (1, 300),
        ledger.NEXT_CUTOFF: (2, 1000 + 500),
        ledger.IN_TRANSFER: (0, 0),
    }
    assert [(t.cutoff, t.execution_date, t.amount_cents, t.booking_count) for t in result.transfers] == [
        (CUTOFF, dt.date(2026, 3, 23), 1000, 1),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 8), 500, 1),
    ]
    assert result.priced_count == 2
    assert [(row.booking_amount_cents, row.rate, row.reimbursed_cents) for row in result.priced] == [
        (500, Decimal("1.0000"), 500),
        (1000, Decimal("1.0000"), 1000),
    ]


def test_a_made_batch_is_being_sent_until_staff_send_it_then_only_the_next_transfer_remains(db, staff):
    venue = paid_venue()
    used(venue, 1000)
    used(venue, 500, used_at=NOW - dt.timedelta(hours=1))
    price_bookings(at=NOW)
    batch = generate_payment_batch(CUTOFF)

    result = ledger.venue_ledger(venue)

    # The contradiction: a made batch is neither "nothing to transfer" nor "received".
    assert [(t.cutoff, t.amount_cents, t.state) for t in result.transfers] == [
        (CUTOFF, 1000, TransferState.SENDING),
        (dt.date(2026, 4, 1), 500, TransferState.TO_COME),
    ]
    assert waiting(result)[ledger.IN_TRANSFER] == (1, 1000)
    assert [(row.cutoff, row.state) for row in result.priced] == [
        (None, TransferState.TO_COME),
        (batch.cutoff, TransferState.SENDING),
    ]

    mark_batch_sent(batch, staff)
    result = ledger.venue_ledger(venue)

    assert [(t.cutoff, t.amount_cents) for t in result.transfers] == [(dt.date(2026, 4, 1), 500)]
    assert waiting(result)[ledger.IN_TRANSFER] == (0, 0)
    assert [row.state for row in result.priced] == [TransferState.TO_COME, TransferState.SENT]


def test_without_accepted_bank_details_nothing_is_transferred_and_the_reason_says_so(db):
    venue = VenueFactory()
    BankAccountFactory(venue=venue)  # pending
    used(venue, 1200)
    price_bookings(at=NOW)

    result = ledger.venue_ledger(venue)

    assert not result.payable
    assert result.transfers == ()
    assert waiting(result)[ledger.NO_ACCEPTED_BANK_ACCOUNT] == (1, 1200)
    assert waiting(result)[ledger.PAYMENT_ERROR] == (0, 0)


def test_a_failed_transfer_waits_for_bank_details_accepted_again(db, staff):
    venue = paid_venue()
    used(venue, 1000)
    price_bookings(at=NOW)
    batch = generate_payment_batch(CUTOFF)
    mark_batch_sent(batch, staff)
    mark_line_error(batch.lines.get(), "Compte clos", staff)

    result = ledger.venue_ledger(venue)

    assert not result.payable
    assert waiting(result)[ledger.PAYMENT_ERROR] == (1, 1000)


def test_a_failed_transfer_goes_with_the_next_one_once_new_details_are_accepted(db, staff):
    venue = paid_venue()
    used(venue, 1000)
    price_bookings(at=NOW)
    batch = generate_payment_batch(CUTOFF)
    mark_batch_sent(batch, staff)
    mark_line_error(batch.lines.get(), "Compte clos", staff)
    BankAccount.objects.filter(venue=venue).update(archived_at=NOW)
    BankAccountFactory(venue=venue, accepted=True, decided_at=NOW + dt.timedelta(minutes=1))
    used(venue, 300, used_at=NOW - dt.timedelta(hours=1))
    price_bookings(at=NOW)

    result = ledger.venue_ledger(venue, at=NOW + dt.timedelta(minutes=2))

    assert result.payable
    assert waiting(result)[ledger.NEXT_CUTOFF] == (2, 1300)
    assert [(t.cutoff, t.amount_cents, t.booking_count) for t in result.transfers] == [
        (dt.date(2026, 4, 1), 1300, 2)
    ]


def test_revenue_is_shown_against_the_scale_thresholds(db):
    venue = paid_venue()
    PricingCounter.objects.create(
        scope=PricingScope.VENUE, scope_id=venue.pk, year=2026, revenue_cents=25_000 * EUR
    )

    result = ledger.venue_ledger(venue)

    assert result.revenue_cents == 25_000 * EUR
    assert [(t.up_to_cents, t.reached) for t in result.thresholds] == [
        (20_000 * EUR, True),
        (40_000 * EUR, False),
        (150_000 * EUR, False),
    ]
    assert result.current_rate == Decimal("0.95")
    assert result.top_rate == Decimal("0.90")
    assert result.progress_percent == 16  # 25,000 of 150,000


def test_the_offerer_scope_reads_the_offerer_counter(db, settings):
    settings.PASSCULTURE_REIMBURSEMENT_SCOPE = PricingScope.OFFERER
    venue = paid_venue()
    PricingCounter.objects.create(
        scope=PricingScope.OFFERER, scope_id=venue.offerer_id, year=2026, revenue_cents=123
    )
    result = ledger.venue_ledger(venue)
    assert (result.revenue_cents, result.scope_is_offerer) == (123, True)


def test_the_ledger_queries_do_not_grow_with_bookings(db):
    venue = paid_venue()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            ledger.venue_ledger(venue)
        return len(queries)

    used(venue)
    price_bookings(at=NOW)
    few = count_queries()
    for _ in range(6):
        used(venue)
        BookingFactory(stock__offer__venue=venue)
    price_bookings(at=NOW)
    assert count_queries() == few <= 15


def test_a_venue_statement_holds_only_that_venues_lines(db):
    eden, other = paid_venue(), paid_venue()
    mine = used(eden, 1000)
    used(other, 2000)
    price_bookings(at=NOW)
    batch = generate_payment_batch(CUTOFF)

    statement = venue_statement(batch, eden.pk)

    assert [line.countermark for line in statement.lines] == [mine.token]
    assert venue_statement(batch, VenueFactory().pk) is None
    assert ledger.payment_line_of_venue(batch.pk, eden.pk).amount_cents == 1000
    assert ledger.payment_line_of_venue(batch.pk, VenueFactory().pk) is None
    assert list(ledger.payment_lines_of_offerer(eden.offerer_id)) == [batch.lines.get(venue=eden)]


def test_the_ledger_gives_the_price_category_booked_after_the_offer(db):
    venue = paid_venue()
    used(venue, 550, price_category_label="Tarif réduit", stock__offer__name="Orbite")
    price_bookings(at=NOW)
    (row,) = ledger.venue_ledger(venue).priced
    assert (row.offer, row.booking_amount_cents) == ("Orbite (Tarif réduit)", 550)
