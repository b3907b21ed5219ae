"""The reimbursement figures of the pro home page agree with the ledger of each venue."""

import datetime as dt
from decimal import Decimal

import pytest

from passculture.core.finance import ledger, overview
from passculture.core.finance.constants import PricingScope
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PricingCounter
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import VenueFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
# 17 March 2026, 07:00 Paris: the batch of the 16 March cut-off is due today and not made yet.
NOW = utc(2026, 3, 17, 6, 0)
INSTANT = utc(2026, 3, 15, 23, 0)
LONG_AGO = utc(2026, 1, 5, 9, 0)
EUR = 100


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def paid_venue(**kwargs):
    venue = VenueFactory(**kwargs)
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO)
    return venue


def used(venue, amount_cents, used_at=INSTANT - dt.timedelta(days=2)):
    return UsedBookingFactory(stock__offer__venue=venue, amount_cents=amount_cents, used_at=used_at)


def test_each_venue_shows_its_revenue_against_the_thresholds_with_two_queries(
    venue, django_assert_num_queries
):
    big = VenueFactory(offerer=venue.offerer)
    PricingCounter.objects.create(
        scope=PricingScope.VENUE, scope_id=big.pk, year=2026, revenue_cents=25_000 * EUR
    )
    with django_assert_num_queries(2):
        small_row, big_row = overview.yearly_revenue_of_venues([venue, big], at=NOW)
    assert (small_row.revenue_cents, small_row.current_rate, small_row.next_threshold.up_to_cents) == (
        0,
        Decimal("1.0000"),
        20_000 * EUR,
    )
    assert big_row.current_rate == Decimal("0.95")
    assert [threshold.reached for threshold in big_row.thresholds] == [True, False, False]
    assert big_row.next_threshold_percent == 62  # 25,000 of 40,000
    assert big_row.progress_percent == ledger.venue_ledger(big).progress_percent


def test_the_offerer_scope_shows_the_offerers_revenue_on_each_venue(venue, settings):
    settings.PASSCULTURE_REIMBURSEMENT_SCOPE = PricingScope.OFFERER
    PricingCounter.objects.create(
        scope=PricingScope.OFFERER, scope_id=venue.offerer_id, year=2026, revenue_cents=123
    )
    (row,) = overview.yearly_revenue_of_venues([venue], at=NOW)
    assert row.revenue_cents == 123


def test_the_next_transfer_adds_up_the_venues_paid_at_the_earliest_cut_off(db):
    first = paid_venue()
    second = paid_venue(offerer=first.offerer)
    unpaid = VenueFactory(offerer=first.offerer)  # no accepted bank details: waits
    used(first, 1000)  # before the 16 March cut-off
    used(second, 700)
    used(second, 500, used_at=NOW - dt.timedelta(hours=1))  # after it: the next transfer
    used(unpaid, 4000)
    price_bookings(at=NOW)
    transfer = overview.upcoming_transfer_of_venues([first, second, unpaid], at=NOW)
    assert transfer == overview.UpcomingTransfer(
        cutoff=dt.date(2026, 3, 16),
        execution_date=dt.date(2026, 3, 23),
        amount_cents=1700,
        booking_count=2,
        venue_count=2,
    )
    ledger_first = ledger.venue_ledger(first).transfers[0]
    assert (ledger_first.cutoff, ledger_first.amount_cents) == (transfer.cutoff, 1000)


def test_nothing_to_pay_means_no_next_transfer(venue):
    assert overview.upcoming_transfer_of_venues([venue], at=NOW) is None
