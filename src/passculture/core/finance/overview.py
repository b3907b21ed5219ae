"""The reimbursement figures of the pro home page: this year's revenue of each venue against the
scale's thresholds, and the next transfer to the offerer (date and amount).

Both reuse the ledger's rules (ledger.py) so that the home page and the Remboursements page agree.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from passculture.core.common.time import now as utcnow

from .batches import payable_since
from .constants import PricingScope
from .ledger import PARIS, Threshold, _thresholds, _transfers
from .models import PricingCounter
from .periods import requested_execution_date
from .pricing import pricing_scope, pricing_year

# The next transfer is computed venue by venue (as the ledger does); an offerer has a few venues.
MAX_TRANSFER_VENUES = 50


@dataclass(frozen=True)
class VenueRevenue:
    venue_id: int
    name: str
    revenue_cents: int
    thresholds: tuple[Threshold, ...]
    current_rate: Decimal | None
    # Percentage of the last finite threshold (capped at 100), as the ledger's progress bar.
    progress_percent: int

    @property
    def next_threshold(self) -> Threshold | None:
        return next((threshold for threshold in self.thresholds if not threshold.reached), None)

    @property
    def next_threshold_percent(self) -> int:
        """How far the revenue is toward the next threshold (100 once they are all passed): a small
        cinema sees its way to 20,000 EUR, not a sliver of the last threshold."""
        upcoming = self.next_threshold
        if upcoming is None or not upcoming.up_to_cents:
            return 100
        return min(100, self.revenue_cents * 100 // upcoming.up_to_cents)


@dataclass(frozen=True)
class UpcomingTransfer:
    cutoff: dt.date
    execution_date: dt.date
    amount_cents: int
    booking_count: int
    venue_count: int


def _rate_for(thresholds: tuple[Threshold, ...], top_rate: Decimal | None, revenue: int) -> Decimal | None:
    # find_bracket's rule: the first bracket whose inclusive upper bound the revenue does not pass.
    for threshold in thresholds:
        if revenue <= threshold.up_to_cents:
            return threshold.rate
    return top_rate


def yearly_revenue_of_venues(venues, *, at: dt.datetime | None = None) -> list[VenueRevenue]:
    """This civil year's (Paris) reimbursable revenue of each venue, in the order given, with the
    general scale in force today: one query for the counters, one for the scale. When the thresholds
    count per offerer (PASSCULTURE_REIMBURSEMENT_SCOPE), every venue shows the offerer's revenue."""
    at = at or utcnow()
    venues = list(venues)
    if not venues:
        return []
    year = pricing_year(at)
    scope = pricing_scope()
    by_offerer = scope == PricingScope.OFFERER
    scope_ids = {venue.offerer_id if by_offerer else venue.pk for venue in venues}
    revenues = dict(
        PricingCounter.objects.filter(scope=scope, scope_id__in=scope_ids, year=year).values_list(
            "scope_id", "revenue_cents"
        )
    )
    scale, _, top_rate = _thresholds(0, at.astimezone(PARIS).date())
    top = scale[-1].up_to_cents if scale else 0
    rows = []
    for venue in venues:
        revenue = revenues.get(venue.offerer_id if by_offerer else venue.pk, 0)
        thresholds = tuple(
            Threshold(up_to_cents=item.up_to_cents, rate=item.rate, reached=revenue > item.up_to_cents)
            for item in scale
        )
        rows.append(
            VenueRevenue(
                venue_id=venue.pk,
                name=venue.display_name,
                revenue_cents=revenue,
                thresholds=thresholds,
                current_rate=_rate_for(scale, top_rate, revenue) if scale else None,
                progress_percent=min(100, revenue * 100 // top) if top else 0,
            )
        )
    return rows


def upcoming_transfer_of_venues(venues, *, at: dt.datetime | None = None) -> UpcomingTransfer | None:
    """The offerer's next transfer: the earliest cut-off that pays one of these venues, and what it
    pays all of them (the ledger's announcement of each venue, added up). None: nothing to pay yet."""
    at = at or utcnow()
    today = at.astimezone(PARIS).date()
    by_cutoff: dict[dt.date, list[tuple[int, int, int]]] = {}
    for venue in list(venues)[:MAX_TRANSFER_VENUES]:
        payable_after = payable_since(venue.pk)
        if payable_after is None:
            continue
        transfers, _, _ = _transfers(venue.pk, today, payable_after)
        for transfer in transfers:
            by_cutoff.setdefault(transfer.cutoff, []).append(
                (venue.pk, transfer.amount_cents, transfer.booking_count)
            )
    if not by_cutoff:
        return None
    cutoff = min(by_cutoff)
    paid = by_cutoff[cutoff]
    return UpcomingTransfer(
        cutoff=cutoff,
        execution_date=requested_execution_date(cutoff),
        amount_cents=sum(amount for _, amount, _ in paid),
        booking_count=sum(count for _, _, count in paid),
        venue_count=len({venue_id for venue_id, _, _ in paid}),
    )
