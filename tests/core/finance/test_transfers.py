"""The offerer's reimbursements as the pro pages show them (issue 14, point 6): the next transfer, what
waits and why, the transfers sent, the statements, the revenue against the thresholds. Frozen clock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.finance import ledger
from passculture.core.finance.batches import mark_batch_sent
from passculture.core.finance.constants import PricingScope, TransferState
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PricingCounter
from passculture.core.finance.pricing import price_bookings
from passculture.core.finance.selectors import next_transfer_of_offerers, yearly_revenue_by_venue
from passculture.core.finance.transfers import (
    sent_batches_of_offerers,
    sent_transfers,
    statement_batches_of_offerers,
    statements_by_period,
)
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import StaffFactory
from tests.conftest import utc

from . import reimbursement_scenario as scenario
from .reimbursement_scenario import NEXT_CUTOFF, NOW, SENDING_CUTOFF, SENT_CUTOFF

pytestmark = pytest.mark.django_db
EUR = 100


@pytest.fixture
def cinema(time_machine):
    return scenario.build(time_machine)


def test_the_next_transfer_is_the_batch_being_sent_then_the_one_to_come(cinema):
    summary = next_transfer_of_offerers([cinema.offerer.pk], NOW)

    assert (summary.date, summary.amount_cents) == (dt.date(2026, 3, 23), 14200)
    assert summary.next.state == TransferState.SENDING
    assert [(v.venue_name, v.amount_cents, v.booking_count) for v in summary.venues] == [
        ("Ciné Lumière Bellecour", 14200, 2)
    ]
    assert [(t.cutoff, t.date, t.state, t.amount_cents) for t in summary.later] == [
        (NEXT_CUTOFF, dt.date(2026, 4, 8), TransferState.TO_COME, 650)
    ]


def test_what_waits_says_why_and_names_the_venues_to_fix(cinema):
    summary = next_transfer_of_offerers([cinema.offerer.pk], NOW)

    assert [
        (w.reason, w.state, w.count, w.amount_cents, [v.venue_name for v in w.venues])
        for w in summary.waiting
    ] == [
        (ledger.NOT_VALIDATED, TransferState.WAITING, 1, 1200, ["Ciné Lumière Bellecour"]),
        (ledger.NO_ACCEPTED_BANK_ACCOUNT, TransferState.BLOCKED, 1, 900, ["Ciné Lumière Part-Dieu"]),
    ]


def test_a_venue_without_accepted_bank_details_is_blocked_even_with_nothing_booked(db):
    venue = VenueFactory()
    summary = next_transfer_of_offerers([venue.offerer_id], NOW)
    assert summary.next is None and summary.date is None and summary.amount_cents == 0
    assert [(w.reason, w.count, [v.venue_id for v in w.venues]) for w in summary.waiting] == [
        (ledger.NO_ACCEPTED_BANK_ACCOUNT, 0, [venue.pk])
    ]


def test_once_staff_send_the_batch_it_is_sent_and_the_next_transfer_is_the_one_to_come(cinema):
    mark_batch_sent(cinema.sending_batch, StaffFactory())

    summary = next_transfer_of_offerers([cinema.offerer.pk], NOW)

    assert [(t.cutoff, t.state, t.amount_cents) for t in summary.transfers] == [
        (NEXT_CUTOFF, TransferState.TO_COME, 650)
    ]
    sent = sent_transfers(list(sent_batches_of_offerers([cinema.offerer.pk])), [cinema.offerer.pk])
    assert [(t.cutoff, t.amount_cents) for t in sent] == [(SENDING_CUTOFF, 14200), (SENT_CUTOFF, 8000)]


def test_accepting_the_bank_details_puts_the_blocked_money_in_the_next_transfer(cinema, time_machine):
    cinema.part_dieu.bank_accounts.all().delete()
    BankAccountFactory(venue=cinema.part_dieu, accepted=True, decided_at=NOW)

    summary = next_transfer_of_offerers([cinema.offerer.pk], NOW + dt.timedelta(minutes=1))

    assert [(t.cutoff, t.amount_cents, [v.venue_name for v in t.venues]) for t in summary.later] == [
        (NEXT_CUTOFF, 650 + 900, ["Ciné Lumière Bellecour", "Ciné Lumière Part-Dieu"])
    ]
    assert ledger.NO_ACCEPTED_BANK_ACCOUNT not in [w.reason for w in summary.waiting]


def test_the_ledger_and_the_summary_agree_on_the_same_data(cinema):
    """The issue's contradiction cannot come back: each venue's ledger shows the transfers and waiting
    amounts the offerer's summary adds up."""
    summary = next_transfer_of_offerers([cinema.offerer.pk], NOW)
    for venue in (cinema.bellecour, cinema.part_dieu):
        venue_ledger = ledger.venue_ledger(venue, at=NOW)
        in_summary = [
            (t.cutoff, t.state, part.amount_cents, part.booking_count)
            for t in summary.transfers
            for part in t.venues
            if part.venue_id == venue.pk
        ]
        assert in_summary == [
            (t.cutoff, t.state, t.amount_cents, t.booking_count) for t in venue_ledger.transfers
        ]
        waiting = {w.reason: (w.count, w.amount_cents) for w in venue_ledger.waiting}
        for item in summary.waiting:
            for part in item.venues:
                if part.venue_id == venue.pk:
                    assert waiting[item.reason] == (part.booking_count, part.amount_cents)
        # What the ledger counts in a transfer is what its transfers add up to.
        in_transfers = sum(t.amount_cents for t in venue_ledger.transfers)
        assert waiting.get(ledger.NEXT_CUTOFF, (0, 0))[1] + waiting[ledger.IN_TRANSFER][1] == in_transfers
    bellecour = ledger.venue_ledger(cinema.bellecour, at=NOW)
    assert [t.state for t in bellecour.transfers] == [TransferState.SENDING, TransferState.TO_COME]


@pytest.mark.parametrize(
    ("moment", "cutoff", "date"),
    [
        # The last evening of a fortnight (Paris): the cut-off of the 16th, paid on the 23rd.
        (utc(2026, 3, 15, 22, 59), dt.date(2026, 3, 16), dt.date(2026, 3, 23)),
        # Just after midnight in Paris: the next fortnight's, paid on 8 April.
        (utc(2026, 3, 15, 23, 1), dt.date(2026, 4, 1), dt.date(2026, 4, 8)),
        # The end of December: the cut-off of 1 January, paid on 8 January.
        (utc(2026, 12, 20, 12, 0), dt.date(2027, 1, 1), dt.date(2027, 1, 8)),
    ],
)
def test_the_next_date_follows_the_fortnights_on_the_paris_clock(db, time_machine, moment, cutoff, date):
    time_machine.move_to(moment, tick=False)
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    UsedBookingFactory(stock__offer__venue=venue, amount_cents=1000, used_at=moment)
    price_bookings()

    summary = next_transfer_of_offerers([venue.offerer_id], moment)

    assert (summary.next.cutoff, summary.date, summary.next.state) == (cutoff, date, TransferState.TO_COME)


def test_another_offerers_venues_count_nowhere(cinema):
    other = next_transfer_of_offerers([VenueFactory().offerer_id], NOW)
    assert other.transfers == ()
    assert sent_transfers(list(sent_batches_of_offerers([VenueFactory().offerer_id])), []) == []


def test_transfers_sent_are_listed_newest_first_with_their_reference(cinema):
    batches = list(sent_batches_of_offerers([cinema.offerer.pk]))
    sent = sent_transfers(batches, [cinema.offerer.pk])
    # The batch being sent is not listed: nothing is received yet.
    assert [(t.cutoff, t.date, t.amount_cents, t.booking_count, t.reference) for t in sent] == [
        (SENT_CUTOFF, dt.date(2026, 3, 8), 8000, 2, "pass Culture Pro - remboursement 2nde quinzaine 02-2026")
    ]
    assert [v.venue_name for v in sent[0].venues] == ["Ciné Lumière Bellecour"]


def test_statements_are_listed_per_period_and_venue_whatever_the_transfers_state(cinema):
    batches = list(statement_batches_of_offerers([cinema.offerer.pk]))
    periods = statements_by_period(batches, [cinema.offerer.pk])
    assert [(p.cutoff, p.period, [s.venue_name for s in p.statements]) for p in periods] == [
        (SENDING_CUTOFF, "du 1er au 15 mars 2026", ["Ciné Lumière Bellecour"]),
        (SENT_CUTOFF, "du 16 au 28 février 2026", ["Ciné Lumière Bellecour"]),
    ]


def test_yearly_revenue_by_venue_against_the_thresholds(cinema):
    PricingCounter.objects.filter(scope=PricingScope.VENUE, scope_id=cinema.part_dieu.pk).update(
        revenue_cents=25_000 * EUR
    )

    revenues = {r.venue_name: r for r in yearly_revenue_by_venue([cinema.offerer.pk], at=NOW)}

    bellecour = revenues["Ciné Lumière Bellecour"]
    assert (bellecour.year, bellecour.revenue_cents, bellecour.current_rate) == (
        2026,
        8000 + 14200 + 650,
        Decimal("1"),
    )
    assert bellecour.next_threshold.up_to_cents == 20_000 * EUR
    part_dieu = revenues["Ciné Lumière Part-Dieu"]
    assert (part_dieu.current_rate, part_dieu.next_threshold.up_to_cents) == (Decimal("0.95"), 40_000 * EUR)
    assert part_dieu.progress_percent == 16  # of the last threshold, 150,000 EUR
    assert part_dieu.top_rate == Decimal("0.90")


def test_yearly_revenue_reads_the_offerers_counter_when_the_thresholds_count_per_offerer(db, settings):
    settings.PASSCULTURE_REIMBURSEMENT_SCOPE = PricingScope.OFFERER
    venue = VenueFactory()
    PricingCounter.objects.create(
        scope=PricingScope.OFFERER, scope_id=venue.offerer_id, year=2026, revenue_cents=123
    )
    (revenue,) = yearly_revenue_by_venue([venue.offerer_id], 2026, at=NOW)
    assert (revenue.revenue_cents, revenue.scope_is_offerer) == (123, True)


def test_yearly_revenue_queries_do_not_grow_with_venues(cinema):
    with CaptureQueriesContext(connection) as few:
        yearly_revenue_by_venue([cinema.offerer.pk], at=NOW)
    VenueFactory.create_batch(3, offerer=cinema.offerer)
    with CaptureQueriesContext(connection) as more:
        yearly_revenue_by_venue([cinema.offerer.pk], at=NOW)
    assert len(more) == len(few) <= 3


def test_the_next_transfer_queries_do_not_grow_with_bookings(cinema):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            next_transfer_of_offerers([cinema.offerer.pk], NOW)
        return len(queries)

    few = count()
    for _ in range(5):
        UsedBookingFactory(stock__offer__venue=cinema.bellecour, amount_cents=500, used_at=NOW)
    price_bookings()
    assert count() == few <= 30  # two venues
