"""What the pro portal shows of an offerer's reimbursements, venue by venue (issue 14, point 6).

- `next_transfer_of_offerers`: the next transfer (date, amount, venues), the ones after it, and what
  waits and why. It adds up `ledger.venue_position` of each venue, which the per-venue ledger shows
  too: the two pages read the same figures and cannot contradict each other.
- `yearly_revenue_by_venue`: each venue's reimbursable revenue of the year against the scale's
  thresholds (the reimbursements page and the dashboard).
- `sent_batches_of_offerers` / `sent_transfers`: the transfers sent to the bank, newest first.
- `statement_batches_of_offerers` / `statements_by_period`: the statements to download, per period
  and venue, whatever the state of their transfer.

Every word of state comes from constants.TransferState.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue

from .constants import PaymentBatchStatus, PaymentLineStatus, PricingScope, TransferState
from .ledger import (
    IN_TRANSFER,
    NEXT_CUTOFF,
    NO_ACCEPTED_BANK_ACCOUNT,
    PARIS,
    WAITING_LABELS,
    WAITING_STATES,
    NextTransfer,
    Threshold,
    general_scale_book,
    scale_thresholds,
    venue_position,
)
from .models import PaymentBatch, PaymentLine, PricingCounter
from .periods import fortnight_closed_by, requested_execution_date, transfer_label
from .pricing import pricing_scope, pricing_year


@dataclass(frozen=True)
class VenueAmount:
    venue_id: int
    venue_name: str
    amount_cents: int
    booking_count: int


@dataclass(frozen=True)
class UpcomingTransfer:
    """One transfer not sent yet: SENDING (its batch is made) or TO_COME (its cut-off is ahead).
    `date`: the execution date asked of the bank (the cut-off + 7 days)."""

    cutoff: dt.date
    date: dt.date
    label: str
    state: str
    amount_cents: int
    booking_count: int
    venues: tuple[VenueAmount, ...]


@dataclass(frozen=True)
class WaitingItem:
    """Money not in any transfer yet, for one reason, with the venues concerned (for BLOCKED ones, the
    venues whose bank details are to fix, even with nothing booked yet)."""

    reason: str
    state: str
    label: str
    count: int
    amount_cents: int
    venues: tuple[VenueAmount, ...]


@dataclass(frozen=True)
class NextTransferSummary:
    """`transfers`: every transfer not sent yet, the next one first; `waiting`: what is in none yet."""

    transfers: tuple[UpcomingTransfer, ...]
    waiting: tuple[WaitingItem, ...]

    @property
    def next(self) -> UpcomingTransfer | None:
        return self.transfers[0] if self.transfers else None

    @property
    def later(self) -> tuple[UpcomingTransfer, ...]:
        return self.transfers[1:]

    @property
    def date(self) -> dt.date | None:
        return self.next.date if self.next else None

    @property
    def amount_cents(self) -> int:
        return self.next.amount_cents if self.next else 0

    @property
    def venues(self) -> tuple[VenueAmount, ...]:
        return self.next.venues if self.next else ()


def _venues(offerer_ids: Iterable[int]) -> list[Venue]:
    return list(Venue.objects.filter(offerer_id__in=list(offerer_ids)).order_by("name", "pk"))


def next_transfer_of_offerers(
    offerer_ids: Iterable[int], at: dt.datetime | None = None
) -> NextTransferSummary:
    """The offerers' next transfer and what waits, at `at` (now by default).

    The transfers are those of `ledger.venue_position` of each venue, merged by cut-off (one batch
    pays every venue of a cut-off): first those whose batch is made and not sent ("En cours d'envoi"),
    then those to come ("À venir"). A batch's transfers all leave on the same day, so `date` is the
    execution date asked of the bank for the earliest cut-off. The waiting items add up the venues'
    reasons (ledger.WAITING_LABELS) but those already in a transfer; venues without accepted bank
    details are all listed under NO_ACCEPTED_BANK_ACCOUNT, so the page can link to where to fix them.

    A few queries per venue (an offerer has a handful of venues), none per booking.
    """
    at = at or utcnow()
    by_cutoff: dict[tuple[dt.date, str], list[tuple[Venue, NextTransfer]]] = defaultdict(list)
    waiting: dict[str, list[tuple[Venue, int, int]]] = defaultdict(list)
    for venue in _venues(offerer_ids):
        position = venue_position(venue, at=at)
        for transfer in position.transfers:
            by_cutoff[(transfer.cutoff, transfer.state)].append((venue, transfer))
        for group in position.waiting:
            if group.reason in (NEXT_CUTOFF, IN_TRANSFER):
                continue  # in the transfers above
            if group.count or (group.reason == NO_ACCEPTED_BANK_ACCOUNT):
                waiting[group.reason].append((venue, group.count, group.amount_cents))
    # SENDING before TO_COME on the same cut-off cannot happen (a made batch takes its cut-off), but
    # the order is made explicit anyway.
    order: dict[str, int] = {TransferState.SENDING: 0, TransferState.TO_COME: 1}
    transfers = []
    for (cutoff, state), parts in sorted(by_cutoff.items(), key=lambda item: (item[0][0], order[item[0][1]])):
        venues = tuple(
            VenueAmount(venue.pk, venue.display_name, transfer.amount_cents, transfer.booking_count)
            for venue, transfer in parts
        )
        transfers.append(
            UpcomingTransfer(
                cutoff=cutoff,
                date=requested_execution_date(cutoff),
                label=transfer_label(cutoff),
                state=state,
                amount_cents=sum(v.amount_cents for v in venues),
                booking_count=sum(v.booking_count for v in venues),
                venues=venues,
            )
        )
    items = []
    for reason in WAITING_LABELS:  # in the order money goes through them
        if reason not in waiting:
            continue
        venues = tuple(
            VenueAmount(v.pk, v.display_name, amount, count) for v, count, amount in waiting[reason]
        )
        items.append(
            WaitingItem(
                reason=reason,
                state=WAITING_STATES[reason],
                label=WAITING_LABELS[reason],
                count=sum(v.booking_count for v in venues),
                amount_cents=sum(v.amount_cents for v in venues),
                venues=venues,
            )
        )
    return NextTransferSummary(transfers=tuple(transfers), waiting=tuple(items))


# --- Revenue against the thresholds ----------------------------------------------------------------


@dataclass(frozen=True)
class VenueRevenue:
    """One venue's reimbursable revenue of `year` (or its offerer's, when the thresholds count per
    offerer: `scope`), against the thresholds of the general scale in force."""

    venue_id: int
    venue_name: str
    year: int
    scope: str
    revenue_cents: int
    thresholds: tuple[Threshold, ...]
    current_rate: Decimal | None
    top_rate: Decimal | None
    # The first threshold not passed yet (None above the last one).
    next_threshold: Threshold | None
    # Percentage of the last finite threshold (capped at 100), for a progress bar.
    progress_percent: int

    @property
    def scope_is_offerer(self) -> bool:
        return self.scope == PricingScope.OFFERER


def yearly_revenue_by_venue(
    offerer_ids: Iterable[int], year: int | None = None, *, at: dt.datetime | None = None
) -> list[VenueRevenue]:
    """Each venue of the offerers (by name) with its reimbursable revenue of `year` (the current civil
    year in Paris by default) against the thresholds of the general scale in force at `at` (the
    brackets the pricing applies: RULES.md "Reimbursement"). Three queries, whatever the venues."""
    at = at or utcnow()
    year = year or pricing_year(at)
    today = at.astimezone(PARIS).date()
    scope = pricing_scope()
    venues = _venues(offerer_ids)
    scope_ids = {venue.offerer_id if scope == PricingScope.OFFERER else venue.pk for venue in venues}
    revenues = dict(
        PricingCounter.objects.filter(scope=scope, scope_id__in=scope_ids, year=year).values_list(
            "scope_id", "revenue_cents"
        )
    )
    book = general_scale_book()
    result = []
    for venue in venues:
        revenue = revenues.get(venue.offerer_id if scope == PricingScope.OFFERER else venue.pk, 0)
        thresholds, current_rate, top_rate = scale_thresholds(revenue, today, book)
        top = thresholds[-1].up_to_cents if thresholds else 0
        result.append(
            VenueRevenue(
                venue_id=venue.pk,
                venue_name=venue.display_name,
                year=year,
                scope=scope,
                revenue_cents=revenue,
                thresholds=thresholds,
                current_rate=current_rate,
                top_rate=top_rate,
                next_threshold=next((t for t in thresholds if not t.reached), None),
                progress_percent=int(min(100, revenue * 100 // top)) if top else 0,
            )
        )
    return result


# --- Transfers sent and statements -----------------------------------------------------------------


@dataclass(frozen=True)
class SentTransfer:
    """One batch's transfers to the offerers' venues, sent to the bank. `date`: the execution date asked
    of the bank, or the day it was sent if later; `reference`: the label on the bank statement."""

    batch_id: int
    cutoff: dt.date
    date: dt.date
    reference: str
    amount_cents: int
    booking_count: int
    venues: tuple[VenueAmount, ...]


def sent_batches_of_offerers(offerer_ids: Iterable[int]) -> QuerySet[PaymentBatch]:
    """Batches sent to the bank with a transfer to one of the offerers' venues still SENT (a line put in
    error after sending was not received), newest first: paginate it, then `sent_transfers`."""
    return (
        PaymentBatch.objects.filter(
            status=PaymentBatchStatus.SENT,
            lines__venue__offerer_id__in=list(offerer_ids),
            lines__status=PaymentLineStatus.SENT,
        )
        .distinct()
        .order_by("-cutoff")
    )


def sent_transfers(batches: Sequence[PaymentBatch], offerer_ids: Iterable[int]) -> list[SentTransfer]:
    """The offerers' SENT transfers of these batches (one query), in the batches' order."""
    lines = defaultdict(list)
    for line in (
        PaymentLine.objects.filter(
            batch__in=[batch.pk for batch in batches],
            venue__offerer_id__in=list(offerer_ids),
            status=PaymentLineStatus.SENT,
        )
        .select_related("venue")
        .order_by("venue__name", "pk")
    ):
        lines[line.batch_id].append(line)
    result = []
    for batch in batches:
        venues = tuple(
            VenueAmount(line.venue_id, line.venue.display_name, line.amount_cents, line.booking_count)
            for line in lines[batch.pk]
        )
        sent_on = batch.sent_at.astimezone(PARIS).date() if batch.sent_at else None
        date = requested_execution_date(batch.cutoff)
        result.append(
            SentTransfer(
                batch_id=batch.pk,
                cutoff=batch.cutoff,
                date=max(date, sent_on) if sent_on else date,
                reference=transfer_label(batch.cutoff),
                amount_cents=sum(v.amount_cents for v in venues),
                booking_count=sum(v.booking_count for v in venues),
                venues=venues,
            )
        )
    return result


@dataclass(frozen=True)
class Statement:
    batch_id: int
    venue_id: int
    venue_name: str


@dataclass(frozen=True)
class PeriodStatements:
    """The statements of one batch: `period` names the fortnight its cut-off closes ("du 1er au 15
    mars 2026"; the batch may also pay older bookings that waited)."""

    batch_id: int
    cutoff: dt.date
    period: str
    statements: tuple[Statement, ...]


def statement_batches_of_offerers(offerer_ids: Iterable[int]) -> QuerySet[PaymentBatch]:
    """Batches with a line (so a statement) for one of the offerers' venues, newest first."""
    return (
        PaymentBatch.objects.filter(lines__venue__offerer_id__in=list(offerer_ids))
        .distinct()
        .order_by("-cutoff")
    )


def statements_by_period(
    batches: Sequence[PaymentBatch], offerer_ids: Iterable[int]
) -> list[PeriodStatements]:
    """Each batch's statements of the offerers' venues (one query). Their transfers' states are told
    elsewhere (a statement stays the same when its failed transfer is paid again by a later batch)."""
    lines = defaultdict(list)
    for line in (
        PaymentLine.objects.filter(
            batch__in=[batch.pk for batch in batches], venue__offerer_id__in=list(offerer_ids)
        )
        .select_related("venue")
        .order_by("venue__name", "pk")
    ):
        lines[line.batch_id].append(Statement(line.batch_id, line.venue_id, line.venue.display_name))
    return [
        PeriodStatements(
            batch_id=batch.pk,
            cutoff=batch.cutoff,
            period=fortnight_closed_by(batch.cutoff).describe(),
            statements=tuple(lines[batch.pk]),
        )
        for batch in batches
    ]
