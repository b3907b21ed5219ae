"""Read-only views of a venue's reimbursements for the pro portal (issue 6, point 5).

- `payment_lines_of_offerer`: what each venue received, batch by batch;
- `venue_ledger`: the live ledger, beyond the real service: this year's revenue against the scale's
  thresholds, the rate each priced booking got, what waits and why, and the next transfer(s).
- `venue_position`: what the venue is owed and in which state (constants.TransferState): the ledger and
  the offerer's summary (transfers.next_transfer_of_offerers) both read it, so they cannot disagree.

Every figure is an aggregate or a bounded list: the number of queries does not grow with bookings.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.time import now as utcnow

from .batches import payable_pricings, payable_since, with_retried
from .constants import LINE_STATES, PaymentLineStatus, PricingScope, PricingStatus, ScaleKind, TransferState
from .models import PaymentBatch, PaymentLine, Pricing, PricingCounter, ReimbursementScale
from .periods import (
    CUTOFF_TIMEZONE,
    batch_creation_day,
    cutoff_instant,
    cutoff_on_or_before,
    next_cutoff,
    requested_execution_date,
    transfer_label,
)
from .pricing import ScaleBook, find_bracket, pricing_scope, pricing_year

PARIS = ZoneInfo(CUTOFF_TIMEZONE)
# How many priced bookings the ledger lists (the most recent ones; the totals cover them all).
PRICINGS_SHOWN = 100


# --- Batches and statements ------------------------------------------------------------------------


def payment_lines_of_offerer(offerer_id: int) -> QuerySet[PaymentLine]:
    """The payment lines of the offerer's venues, newest cut-off first, with batch and venue."""
    return (
        PaymentLine.objects.filter(venue__offerer_id=offerer_id)
        .select_related("batch", "venue")
        .order_by("-batch__cutoff", "venue__name", "pk")
    )


def payment_line_of_venue(batch_id: int, venue_id: int) -> PaymentLine | None:
    """The venue's line in that batch, or None (the venue was not paid in it)."""
    return PaymentLine.objects.filter(batch_id=batch_id, venue_id=venue_id).select_related("batch").first()


# --- Live ledger -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    up_to_cents: int
    rate: Decimal
    reached: bool


@dataclass(frozen=True)
class Waiting:
    """Bookings waiting for one reason: `amount_cents` is what was booked, or what is to be reimbursed
    once priced."""

    reason: str
    label: str
    count: int
    amount_cents: int
    state: str = TransferState.WAITING


@dataclass(frozen=True)
class NextTransfer:
    cutoff: dt.date
    execution_date: dt.date
    label: str
    amount_cents: int
    booking_count: int
    # SENDING: its batch is made, not sent to the bank yet; TO_COME: its batch is not made yet.
    state: str = TransferState.TO_COME


@dataclass(frozen=True)
class PricedBooking:
    token: str
    offer: str
    validated_at: dt.datetime
    booking_amount_cents: int
    rate: Decimal | None
    custom_rule: bool
    reimbursed_cents: int
    status: str
    cutoff: dt.date | None
    # Where its money is (constants.TransferState): the state of the transfer carrying it.
    state: str = TransferState.TO_COME


@dataclass(frozen=True)
class VenueLedger:
    year: int
    scope: str
    revenue_cents: int
    thresholds: tuple[Threshold, ...]
    current_rate: Decimal | None
    # The rate above the last threshold.
    top_rate: Decimal | None
    # Percentage of the last finite threshold (capped at 100) for the progress bar.
    progress_percent: int
    reimbursed_this_year_cents: int
    priced: tuple[PricedBooking, ...]
    priced_count: int
    waiting: tuple[Waiting, ...]
    transfers: tuple[NextTransfer, ...]
    payable: bool

    @property
    def scope_is_offerer(self) -> bool:
        return self.scope == PricingScope.OFFERER


# Reasons a booking is not paid yet, in the order it goes through them.
NOT_VALIDATED = "NOT_VALIDATED"
EVENT_NOT_HAPPENED = "EVENT_NOT_HAPPENED"
TO_BE_PRICED = "TO_BE_PRICED"
NO_ACCEPTED_BANK_ACCOUNT = "NO_ACCEPTED_BANK_ACCOUNT"
PAYMENT_ERROR = "PAYMENT_ERROR"
NEXT_CUTOFF = "NEXT_CUTOFF"
IN_TRANSFER = "IN_TRANSFER"
WAITING_LABELS = {
    NOT_VALIDATED: "Réservations pas encore validées au guichet",
    EVENT_NOT_HAPPENED: "Réservations validées, séance pas encore passée",
    TO_BE_PRICED: "Réservations validées, montant du remboursement en cours de calcul",
    NO_ACCEPTED_BANK_ACCOUNT: "Coordonnées bancaires du lieu pas encore validées",
    PAYMENT_ERROR: "Virement en erreur : de nouvelles coordonnées bancaires sont à faire valider",
    NEXT_CUTOFF: "Dans un prochain virement",
    IN_TRANSFER: "Dans un virement en cours d'envoi",
}
WAITING_STATES = {
    NOT_VALIDATED: TransferState.WAITING,
    EVENT_NOT_HAPPENED: TransferState.WAITING,
    TO_BE_PRICED: TransferState.WAITING,
    NO_ACCEPTED_BANK_ACCOUNT: TransferState.BLOCKED,
    PAYMENT_ERROR: TransferState.BLOCKED,
    NEXT_CUTOFF: TransferState.TO_COME,
    IN_TRANSFER: TransferState.SENDING,
}


@dataclass(frozen=True)
class VenuePosition:
    """What a venue is owed, by state: `transfers` are the ones in progress (SENDING), then those to
    come (TO_COME), by cut-off; `waiting` has one group per reason (constants.TransferState of each in
    WAITING_STATES); `payable`: a batch would pay the venue (accepted bank details)."""

    waiting: tuple[Waiting, ...]
    transfers: tuple[NextTransfer, ...]
    payable: bool


def general_scale_book() -> ScaleBook:
    return ScaleBook(ReimbursementScale.objects.filter(kind=ScaleKind.GENERAL))


def scale_thresholds(
    revenue_cents: int, day: dt.date, book: ScaleBook | None = None
) -> tuple[tuple[Threshold, ...], Decimal | None, Decimal | None]:
    """(thresholds, current rate, rate above the last threshold) of the general scale in force on `day`
    for that yearly revenue (the brackets are inclusive upper bounds). `book`: to read the scales once
    for many venues."""
    book = book or general_scale_book()
    try:
        scale = book.in_force(ScaleKind.GENERAL, day)
    except LookupError:
        return (), None, None
    brackets = book.brackets[scale.pk]
    if not brackets:
        return (), None, None
    thresholds = tuple(
        Threshold(up_to_cents=upper, rate=rate, reached=revenue_cents > upper)
        for upper, rate in brackets
        if upper is not None
    )
    try:
        _, current_rate = find_bracket(brackets, revenue_cents)  # the rule pricing applies
    except ValueError:  # a scale whose last bracket is bounded, revenue above it
        current_rate = None
    return thresholds, current_rate, brackets[-1][1]


def _sum(queryset, expression) -> tuple[int, int]:
    totals = queryset.aggregate(count=Count("pk"), amount=Sum(expression))
    return totals["count"] or 0, totals["amount"] or 0


def _failed_transfers(venue_id: int) -> tuple[int, int]:
    """Bookings and amount of the venue's lines in error not paid again yet (a line retrying others
    counts their bookings too: see batches.with_retried)."""
    totals = PaymentLine.objects.filter(
        venue_id=venue_id, status=PaymentLineStatus.ERROR, retried_in__isnull=True
    ).aggregate(count=Sum("booking_count"), amount=Sum("amount_cents"))
    return totals["count"] or 0, totals["amount"] or 0


def _transfers(
    venue_id: int, today: dt.date, payable_after: dt.datetime
) -> tuple[list[NextTransfer], int, int]:
    """The transfer(s) paying the venue's PRICED pricings: the latest cut-off if its batch is not made
    yet and will pay the venue (what was validated before its instant), then the next one for the
    rest. `payable_after`: see batches.payable_since."""
    priced = Pricing.objects.filter(venue_id=venue_id, status=PricingStatus.PRICED)
    retry_count, retry_amount = _failed_transfers(venue_id)
    transfers = []
    cutoffs = []
    latest = cutoff_on_or_before(today)
    # Until its batch is made (the day after the cut-off), the latest cut-off still takes what was
    # validated before it, if that batch pays the venue (its bank account accepted before the
    # instant, and after the last failed transfer: batches.payable_since).
    if (
        today <= batch_creation_day(latest)
        and payable_after < cutoff_instant(latest)
        and not PaymentBatch.objects.filter(cutoff=latest).exists()
    ):
        cutoffs.append(latest)
    cutoffs.append(next_cutoff(today))
    taken = Pricing.objects.none()
    for index, cutoff in enumerate(cutoffs):
        if index == len(cutoffs) - 1:
            group = priced.exclude(pk__in=taken.values("pk"))
        else:
            group = payable_pricings(cutoff_instant(cutoff)).filter(venue_id=venue_id)
            taken = group
        count, amount = _sum(group, "reimbursed_cents")
        if index == 0:
            # A failed transfer goes again in the first batch after the account is accepted again.
            amount += retry_amount
            count += retry_count
        if count:
            transfers.append(
                NextTransfer(
                    cutoff=cutoff,
                    execution_date=requested_execution_date(cutoff),
                    label=transfer_label(cutoff),
                    amount_cents=amount,
                    booking_count=count,
                )
            )
    return transfers, retry_count, retry_amount


def _in_transfer(venue_id: int) -> list[NextTransfer]:
    """The venue's lines of batches made but not sent to the bank yet (PENDING lines exist only there:
    mark_batch_sent turns them all SENT)."""
    return [
        NextTransfer(
            cutoff=line.batch.cutoff,
            execution_date=requested_execution_date(line.batch.cutoff),
            label=transfer_label(line.batch.cutoff),
            amount_cents=line.amount_cents,
            booking_count=line.booking_count,
            state=TransferState.SENDING,
        )
        for line in PaymentLine.objects.filter(venue_id=venue_id, status=PaymentLineStatus.PENDING)
        .select_related("batch")
        .order_by("batch__cutoff")
    ]


def venue_position(venue, *, at: dt.datetime | None = None) -> VenuePosition:
    """What the venue is owed at `at` and why each part waits: the single source of the ledger and of
    the offerer's next transfer (transfers.next_transfer_of_offerers). Amounts not priced yet are the
    booked amounts; priced ones are what will be reimbursed."""
    at = at or utcnow()
    today = at.astimezone(PARIS).date()
    bookings = Booking.objects.filter(venue_id=venue.pk, amount_cents__gt=0)
    booked = F("amount_cents") * F("quantity")
    unpriced_used = bookings.filter(status=BookingStatus.USED, pricing__isnull=True)
    started = Q(stock__beginning_datetime__isnull=True) | Q(stock__beginning_datetime__lte=at)
    # As a batch sees it (batches.payable_since): an accepted current account, accepted after the
    # venue's last failed transfer still to be paid again.
    payable_after = payable_since(venue.pk)
    waiting = [
        (NOT_VALIDATED, *_sum(bookings.filter(status=BookingStatus.CONFIRMED), booked)),
        (EVENT_NOT_HAPPENED, *_sum(unpriced_used.exclude(started), booked)),
        (TO_BE_PRICED, *_sum(unpriced_used.filter(started), booked)),
    ]
    priced_waiting = _sum(
        Pricing.objects.filter(venue_id=venue.pk, status=PricingStatus.PRICED), "reimbursed_cents"
    )
    sending = _in_transfer(venue.pk)
    to_come: list[NextTransfer] = []
    if payable_after is not None:
        to_come, retry_count, retry_amount = _transfers(venue.pk, today, payable_after)
        waiting.append((NEXT_CUTOFF, priced_waiting[0] + retry_count, priced_waiting[1] + retry_amount))
    else:
        waiting.append((NO_ACCEPTED_BANK_ACCOUNT, *priced_waiting))
        waiting.append((PAYMENT_ERROR, *_failed_transfers(venue.pk)))
    waiting.append((IN_TRANSFER, sum(t.booking_count for t in sending), sum(t.amount_cents for t in sending)))
    return VenuePosition(
        waiting=tuple(
            Waiting(
                reason=reason,
                label=WAITING_LABELS[reason],
                count=count,
                amount_cents=amount,
                state=WAITING_STATES[reason],
            )
            for reason, count, amount in waiting
        ),
        transfers=tuple(sending + to_come),
        payable=payable_after is not None,
    )


def venue_ledger(venue, *, at: dt.datetime | None = None) -> VenueLedger:
    at = at or utcnow()
    today = at.astimezone(PARIS).date()
    year = pricing_year(at)
    scope = pricing_scope()
    scope_id = venue.offerer_id if scope == PricingScope.OFFERER else venue.pk
    revenue = (
        PricingCounter.objects.filter(scope=scope, scope_id=scope_id, year=year)
        .values_list("revenue_cents", flat=True)
        .first()
    ) or 0
    thresholds, current_rate, top_rate = scale_thresholds(revenue, today)
    top = thresholds[-1].up_to_cents if thresholds else 0
    progress = min(100, revenue * 100 // top) if top else 0

    this_year = Pricing.objects.filter(venue_id=venue.pk, year=year)
    priced_count, reimbursed_this_year = _sum(this_year, "reimbursed_cents")
    rows = list(
        this_year.order_by("-validated_at", "-booking_id").values_list(
            "booking__token",
            "booking__offer__name",
            "booking__price_category_label",
            "validated_at",
            "booking_amount_cents",
            "rate",
            "custom_rule_id",
            "reimbursed_cents",
            "status",
            "payment_line_id",
        )[:PRICINGS_SHOWN]
    )
    # A booking's transfer is the latest line carrying it: the end of its line's chain of retries.
    latest_line: dict[int, int] = {}
    line_ends: dict[int, tuple[dt.date, str]] = {}
    if any(row[-1] is not None for row in rows):
        ends = PaymentLine.objects.filter(venue_id=venue.pk, retried_in__isnull=True)
        latest_line = with_retried(ends)
        line_ends = {
            pk: (cutoff, status) for pk, cutoff, status in ends.values_list("id", "batch__cutoff", "status")
        }
    position = venue_position(venue, at=at)
    unpaid_state = TransferState.TO_COME if position.payable else TransferState.BLOCKED

    def end_of(line_id: int | None) -> tuple[dt.date | None, str]:
        if line_id is None:
            return None, unpaid_state
        cutoff, status = line_ends.get(latest_line.get(line_id, line_id), (None, PaymentLineStatus.ERROR))
        return cutoff, LINE_STATES[status]

    priced = tuple(
        PricedBooking(
            token=token,
            offer=f"{offer} ({price_label})" if price_label else offer,
            validated_at=validated_at,
            booking_amount_cents=booked,
            rate=rate,
            custom_rule=rule_id is not None,
            reimbursed_cents=reimbursed,
            status=status,
            cutoff=end_of(line_id)[0],
            state=end_of(line_id)[1],
        )
        for token, offer, price_label, validated_at, booked, rate, rule_id, reimbursed, status, line_id in rows
    )

    return VenueLedger(
        year=year,
        scope=scope,
        revenue_cents=revenue,
        thresholds=thresholds,
        current_rate=current_rate,
        top_rate=top_rate,
        progress_percent=int(progress),
        reimbursed_this_year_cents=reimbursed_this_year,
        priced=priced,
        priced_count=priced_count,
        waiting=position.waiting,
        transfers=position.transfers,
        payable=position.payable,
    )
