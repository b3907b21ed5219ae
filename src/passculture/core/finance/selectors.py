from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from passculture.core.common.counting import capped_count
from passculture.core.offerers.models import Venue

from .constants import BankAccountStatus, PaymentBatchStatus, PaymentLineStatus
from .models import BankAccount, PaymentBatch, PaymentLine
from .transfers import (  # noqa: F401  (the offerer's reimbursements, for the pro pages)
    NextTransferSummary,
    VenueRevenue,
    next_transfer_of_offerers,
    yearly_revenue_by_venue,
)


def current_bank_account(venue) -> BankAccount | None:
    """The venue's current bank details (any status), or None if it never gave any."""
    return BankAccount.objects.filter(venue_id=venue.pk, archived_at__isnull=True).first()


def previous_bank_accounts(accounts: Iterable[BankAccount]) -> dict[int, BankAccount]:
    """The details each of these accounts replaced (shown to staff beside a change), by the account's
    id, in one query for the whole queue."""
    accounts = list(accounts)
    archived_by_venue: dict[int, list[BankAccount]] = defaultdict(list)
    for archived in BankAccount.objects.filter(
        venue_id__in={account.venue_id for account in accounts}, archived_at__isnull=False
    ).order_by("-pk"):
        archived_by_venue[archived.venue_id].append(archived)
    previous = {}
    for account in accounts:
        found = next((old for old in archived_by_venue[account.venue_id] if old.pk < account.pk), None)
        if found is not None:
            previous[account.pk] = found
    return previous


def is_venue_payable(venue) -> bool:
    """Reimbursements go only to bank details approved by staff (RULES.md "Reimbursement")."""
    return BankAccount.objects.filter(
        venue_id=venue.pk, archived_at__isnull=True, status=BankAccountStatus.ACCEPTED
    ).exists()


def _current_status_subquery() -> Subquery:
    return Subquery(
        BankAccount.objects.filter(venue_id=OuterRef("pk"), archived_at__isnull=True).values("status")[:1]
    )


def venues_with_bank_status(offerer_ids: Iterable[int]) -> QuerySet[Venue]:
    """The offerers' venues, each annotated with `bank_account_status` (None: no bank details)."""
    return (
        Venue.objects.filter(offerer_id__in=list(offerer_ids))
        .select_related("offerer")
        .annotate(bank_account_status=_current_status_subquery())
        .order_by("offerer__name", "name", "pk")
    )


def venues_missing_bank_details(offerer_ids: Iterable[int]) -> QuerySet[Venue]:
    """The offerers' venues without accepted bank details (none, draft, pending or rejected), annotated
    with `bank_account_status` like `venues_with_bank_status`."""
    return venues_with_bank_status(offerer_ids).filter(
        Q(bank_account_status__isnull=True) | ~Q(bank_account_status=BankAccountStatus.ACCEPTED)
    )


def bank_accounts_of_venues(venue_ids: Iterable[int]) -> dict[int, BankAccount]:
    """Current bank details by venue id, in one query (for lists)."""
    accounts = BankAccount.objects.filter(venue_id__in=list(venue_ids), archived_at__isnull=True)
    return {account.venue_id: account for account in accounts}


def pending_bank_accounts() -> QuerySet[BankAccount]:
    """Staff's queue: submitted details waiting for a decision, oldest first."""
    return (
        BankAccount.objects.filter(status=BankAccountStatus.PENDING, archived_at__isnull=True)
        .select_related("venue__offerer")
        .order_by("submitted_at", "pk")
    )


def count_bank_accounts_waiting() -> int:
    """The size of `pending_bank_accounts` (capped: core.common.counting)."""
    return capped_count(
        BankAccount.objects.filter(status=BankAccountStatus.PENDING, archived_at__isnull=True)
    )


def payment_lines_in_error() -> QuerySet[PaymentLine]:
    """Transfers that did not reach the venue and are not yet paid again in a later batch (a line
    retried is done with: the retry carries its amount)."""
    return PaymentLine.objects.filter(status=PaymentLineStatus.ERROR, retried_in__isnull=True)


def count_payment_lines_in_error() -> int:
    return capped_count(payment_lines_in_error())


def count_batches_to_send() -> int:
    """Batches generated and not yet marked as sent to the bank."""
    return capped_count(PaymentBatch.objects.filter(status=PaymentBatchStatus.GENERATED))


def last_batch_totals() -> dict | None:
    """The latest batch (by cut-off): its cut-off, status, and per line status the count and amount."""
    batch = PaymentBatch.objects.order_by("-cutoff").values("pk", "cutoff", "status", "created_at").first()
    if batch is None:
        return None
    by_status = {
        row["status"]: {"lines": row["lines"], "amount_cents": row["amount_cents"] or 0}
        for row in PaymentLine.objects.filter(batch_id=batch["pk"])
        .values("status")
        .annotate(lines=Count("id"), amount_cents=Sum("amount_cents"))
        .order_by()
    }
    return {**batch, "lines_by_status": by_status}
