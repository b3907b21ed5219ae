"""Payment batches: every cut-off (the 1st and the 16th, Europe/Paris), what pass Culture pays to whom.

`generate_payment_batch(cutoff)` puts in one batch, in one transaction:
- the PRICED pricings of bookings validated strictly before the cut-off instant (00:00 Paris), whose
  event had started by then (things have no event), of venues whose current bank account was ACCEPTED
  before the cut-off. The others wait ("not processable") and join the first batch after their
  account is accepted, since a batch takes every PRICED pricing whatever its age;
- the lines in ERROR of earlier batches whose venue's bank account was accepted (again, or a new one)
  after the error: the old line points to the retry with `retried_in` and keeps its amount as
  history; its pricings do NOT move (no pricing row is rewritten by a retry).
One line per venue (its current account: IBAN + BIC, copied on the line), amount = the sum of its
pricings and of those of the lines it retries; the pricings become PROCESSED (frozen: no un-pricing
or re-pricing any more) and keep for ever the line that first processed them (`payment_line`).

The pricings a line pays are its own plus those of the lines it retries, transitively
(`with_retried`): the files of a batch read them so, and never change once the batch is made (the
statement of the old batch keeps listing its bookings with the old line's status, the new batch's
with the new line's).

Idempotent per cut-off: the batch row is unique by cut-off, so a second run (or a concurrent one)
returns the existing batch. A crash rolls everything back and a rerun starts afresh.

Statuses (issue 6, point 4): line PENDING -> SENT (the whole batch, `mark_batch_sent`: its bookings
become REIMBURSED) and PENDING/SENT -> ERROR (`mark_line_error`, with a reason: the bookings go back
to USED, their pricings stay PROCESSED and are paid again by a later batch).

Files are not stored: `batch_files` rebuilds them from the rows (see docs/decisions/0014).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet, Sum

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.audit import log_action
from passculture.core.common.bulk import ANALYZE_AFTER_ROWS, analyze, stream_values
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue

from .constants import (
    PAYMENT_ERROR_REASON_MAX_LENGTH,
    STATEMENT_LINE_STATUSES,
    BankAccountStatus,
    PaymentBatchStatus,
    PaymentLineStatus,
    PricingScope,
    PricingStatus,
)
from .exceptions import PaymentBatchAlreadySent, PaymentErrorReasonRequired, PaymentLineAlreadyInError
from .files import (
    ACCOUNTING_HEADER,
    STATEMENT_HEADER,
    Creditor,
    Payee,
    StatementCsvFormatter,
    StatementLine,
    StatementRow,
    Transfer,
    VenueStatement,
    build_credit_transfer_file,
    debtor_from_settings,
    line_of,
    statement_pdf,
)
from .models import BankAccount, PaymentBatch, PaymentLine, Pricing
from .periods import (
    CUTOFF_TIMEZONE,
    check_cutoff,
    check_cutoff_passed,
    cutoff_instant,
    due_cutoff,
    requested_execution_date,
    transfer_label,
)
from .pricing import lock_counters, price_bookings

PARIS = ZoneInfo(CUTOFF_TIMEZONE)


# --- Generation ------------------------------------------------------------------------------------


def _payable_accounts(
    instant: dt.datetime | None, venue_ids: list[int] | None = None
) -> dict[int, BankAccount]:
    """Venue id -> its current bank account, when it was accepted before the cut-off `instant` (at any
    time when None) and after the venue's last failed transfer, if any; only of `venue_ids` if given."""
    accounts = BankAccount.objects.filter(
        archived_at__isnull=True, status=BankAccountStatus.ACCEPTED, decided_at__isnull=False
    ).select_related("venue__offerer")
    if instant is not None:
        accounts = accounts.filter(decided_at__lt=instant)
    if venue_ids is not None:
        accounts = accounts.filter(venue_id__in=venue_ids)
    payable = {account.venue_id: account for account in accounts}
    # A venue whose last transfer failed and whose account was not accepted again since waits
    # entirely: its new bookings would go to the same failing account.
    for venue_id, errored_at in PaymentLine.objects.filter(
        status=PaymentLineStatus.ERROR, retried_in__isnull=True, venue_id__in=list(payable)
    ).values_list("venue_id", "errored_at"):
        decided_at = payable[venue_id].decided_at if venue_id in payable else None
        if decided_at is None or errored_at is None or decided_at <= errored_at:
            payable.pop(venue_id, None)
    return payable


def payable_since(venue_id: int) -> dt.datetime | None:
    """From when batches pay the venue, by the rule `_generate` applies (`_payable_accounts`): the batch
    of a cut-off whose instant is strictly after the returned date pays it; None: no batch would (no
    accepted account, or not accepted again since the last failed transfer). The ledger announces
    transfers with it."""
    account = _payable_accounts(None, [venue_id]).get(venue_id)
    return account.decided_at if account is not None else None


def payable_pricings(instant: dt.datetime) -> QuerySet[Pricing]:
    """PRICED pricings a batch at `instant` pays, whatever the venue's bank account: validated, and
    their event begun, before the cut-off."""
    return Pricing.objects.filter(
        Q(event_at__isnull=True) | Q(event_at__lt=instant),
        status=PricingStatus.PRICED,
        validated_at__lt=instant,
    )


def _lock_pricing_groups(pricings: QuerySet[Pricing]) -> None:
    """Locks the counters of the pricings' groups, in pricing.py's order. While we hold them no
    pricing of these groups is created, re-priced or deleted: un-validating or cancelling one of the
    batch's bookings waits here, then finds its pricing PROCESSED and is refused.

    The bookings themselves need no lock: the batch writes only pricing rows, and never the columns
    that reference a booking, so it never waits for a booking's lock (no cycle with the bookings
    services, which lock the booking, then the counter)."""
    groups: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for scope, year, venue_id, offerer_id in (
        pricings.order_by().values_list("scope", "year", "venue_id", "offerer_id").distinct()
    ):
        groups[scope].add((venue_id if scope == PricingScope.VENUE else offerer_id, year))
    for scope, keys in sorted(groups.items()):
        lock_counters(scope, keys, create=False)


def _retriable_lines(accounts: dict[int, BankAccount]) -> list[PaymentLine]:
    """Lines in error whose venue's bank account was accepted after the error (fixed)."""
    errored = lock(
        PaymentLine.objects.filter(
            status=PaymentLineStatus.ERROR, retried_in__isnull=True, venue_id__in=list(accounts)
        )
    ).order_by("id")
    return [
        line
        for line in errored
        if (decided_at := accounts[line.venue_id].decided_at) is not None and decided_at > line.errored_at
    ]


def _mark_processed(candidates: QuerySet[Pricing], lines: QuerySet[PaymentLine]) -> int:
    """Each venue's pricings PROCESSED and attached to its line: one UPDATE per line (a venue's rows,
    found by its index), never one per pricing."""
    return sum(
        candidates.filter(venue_id=venue_id).update(status=PricingStatus.PROCESSED, payment_line_id=line_id)
        for line_id, venue_id in lines.order_by("id").values_list("id", "venue_id")
    )


def with_retried(lines: QuerySet[PaymentLine]) -> dict[int, int]:
    """Line id -> the line of `lines` that pays its pricings: each line of `lines` maps to itself, and
    every line it retries, transitively (`retry_of`, then that line's `retry_of`...), maps to it.

    A pricing keeps for ever the line that first processed it (a retry rewrites no pricing row), so
    the pricings a line pays are those of every line mapped to it. One query per level of retries over
    the whole set (chains are short). Given the lines not retried (the ends of the chains), it maps
    every line to the latest one carrying its pricings."""
    carriers = {pk: pk for pk in lines.values_list("id", flat=True)}
    if not carriers:
        return carriers
    retried = list(PaymentLine.objects.filter(retried_in__in=lines).values_list("id", "retried_in_id"))
    while retried:
        for origin, retry in retried:
            carriers[origin] = carriers[retry]
        retried = list(
            PaymentLine.objects.filter(retried_in_id__in=[origin for origin, _ in retried]).values_list(
                "id", "retried_in_id"
            )
        )
    return carriers


def _pricings_paid_by(lines: QuerySet[PaymentLine], carriers: dict[int, int]) -> QuerySet[Pricing]:
    """The pricings `lines` pay: their own and those of the lines they retry (`carriers` is
    `with_retried(lines)`). One subquery on the lines (a batch may have thousands; the retried ones are
    a few ids): the OR stays in it, so the pricings are read by their line's index, never scanned."""
    retried = sorted(origin for origin, carrier in carriers.items() if origin != carrier)
    if retried:
        lines = lines | PaymentLine.objects.filter(pk__in=retried)
    return Pricing.objects.filter(payment_line__in=lines)


def _total_lines(batch: PaymentBatch) -> list[PaymentLine]:
    """Amounts and counts summed from what the lines really pay, their own pricings and those of the
    lines they retry (one GROUP BY): they cannot disagree."""
    carriers = with_retried(batch.lines.all())
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for origin, amount, count in (
        _pricings_paid_by(batch.lines.all(), carriers)
        .order_by()
        .values("payment_line")
        .annotate(amount=Sum("reimbursed_cents"), count=Count("id"))
        .values_list("payment_line", "amount", "count")
    ):
        total = totals[carriers[origin]]
        total[0] += amount or 0
        total[1] += count or 0
    lines = list(batch.lines.order_by("id"))
    for line in lines:
        line.amount_cents, line.booking_count = totals.get(line.pk, (0, 0))
    PaymentLine.objects.bulk_update(lines, ["amount_cents", "booking_count"], batch_size=1000)
    return lines


def _creditor_name(account: BankAccount) -> str:
    # The offerer receives the money (RULES.md: creditor = offerer name); the holder is the fallback.
    return account.venue.offerer.name or account.holder


def generate_payment_batch(cutoff: dt.date, *, at: dt.datetime | None = None) -> PaymentBatch:
    """The batch of `cutoff`, created (see the module docstring) or, when it exists, returned as is.
    A cut-off still to come is refused (`CutoffNotPassed`), whoever asks: the command, the back office
    or the job."""
    check_cutoff(cutoff)
    at = at or utcnow()
    check_cutoff_passed(cutoff, at)
    existing = PaymentBatch.objects.filter(cutoff=cutoff).first()
    if existing is not None:
        return existing
    try:
        batch = _generate(cutoff, at)
    except IntegrityError:
        # A concurrent run created it first (unique cut-off): that one is the batch.
        existing = PaymentBatch.objects.filter(cutoff=cutoff).first()
        if existing is None:
            raise
        return existing
    if (
        sum(batch.lines.values_list("booking_count", flat=True)) >= ANALYZE_AFTER_ROWS
        and not connection.in_atomic_block
    ):
        analyze(Pricing)  # its files select these rows by their new line
    return batch


@transaction.atomic
def _generate(cutoff: dt.date, at: dt.datetime) -> PaymentBatch:
    instant = cutoff_instant(cutoff)
    # First: a concurrent run blocks here on the unique index until we commit, then gives up.
    batch = PaymentBatch.objects.create(cutoff=cutoff, created_at=at)
    accounts = _payable_accounts(instant)
    candidates = payable_pricings(instant).filter(venue_id__in=list(accounts))
    _lock_pricing_groups(candidates)

    # Read again under the locks: the venues to pay, and the errored lines to pay again.
    venue_ids = set(candidates.order_by().values_list("venue_id", flat=True).distinct())
    retries = _retriable_lines(accounts)
    venue_ids |= {old.venue_id for old in retries}
    PaymentLine.objects.bulk_create(
        [
            PaymentLine(
                batch=batch,
                venue_id=venue_id,
                bank_account=accounts[venue_id],
                creditor=_creditor_name(accounts[venue_id]),
                iban=accounts[venue_id].iban,
                bic=accounts[venue_id].bic,
                amount_cents=0,  # summed below from the pricings attached
                booking_count=0,
            )
            for venue_id in sorted(venue_ids)
        ],
        batch_size=1000,
    )
    # Lines exist only for payable venues: each line's UPDATE needs no list of them.
    _mark_processed(payable_pricings(instant), batch.lines.all())
    new_line_of_venue = dict(batch.lines.values_list("venue_id", "id"))
    # The new line pays the old one's pricings again through `retried_in` (see `with_retried`): they
    # keep their line, so the files of the old batch stay the same.
    for old in retries:
        old.retried_in_id = new_line_of_venue[old.venue_id]
    PaymentLine.objects.bulk_update(retries, ["retried_in"])
    lines = _total_lines(batch)

    log_action(
        "payment_batch.generated",
        actor_label="system",
        target=batch,
        data={
            "cutoff": cutoff.isoformat(),
            "lines": len(lines),
            "bookings": sum(line.booking_count for line in lines),
            "amount_cents": sum(line.amount_cents for line in lines),
            "retried_lines": [old.pk for old in retries],
        },
    )
    return batch


def generate_due_batch() -> dict[str, Any]:
    """The periodic job: from the day after a cut-off (Paris), prices what is left, then creates the
    batch of that cut-off; does nothing once it exists."""
    cutoff = due_cutoff()
    if PaymentBatch.objects.filter(cutoff=cutoff).exists():
        return {"cutoff": cutoff.isoformat(), "created": False}
    price_bookings()
    batch = generate_payment_batch(cutoff)
    return {"cutoff": cutoff.isoformat(), "created": True, "lines": batch.lines.count()}


# --- Statuses --------------------------------------------------------------------------------------


def mark_batch_sent(batch: PaymentBatch, actor: Any) -> PaymentBatch:
    """Staff sent the SEPA file to the bank: PENDING lines become SENT, their bookings (and those of
    the lines they retry) REIMBURSED. Lines already in error stay so (they were left out of the file)."""
    with transaction.atomic():
        batch = lock(PaymentBatch.objects.filter(pk=batch.pk)).get()
        if batch.status == PaymentBatchStatus.SENT:
            raise PaymentBatchAlreadySent()
        at = utcnow()
        pending = PaymentLine.objects.filter(batch=batch, status=PaymentLineStatus.PENDING)
        paid = _pricings_paid_by(pending, with_retried(pending))
        reimbursed = Booking.objects.filter(
            pk__in=paid.values("booking_id"), status=BookingStatus.USED
        ).update(status=BookingStatus.REIMBURSED, reimbursed_at=at)
        lines = pending.update(status=PaymentLineStatus.SENT)
        batch.status = PaymentBatchStatus.SENT
        batch.sent_at = at
        batch.sent_by = actor if getattr(actor, "pk", None) else None
        batch.save(update_fields=["status", "sent_at", "sent_by"])
        log_action(
            "payment_batch.sent",
            actor=actor,
            target=batch,
            data={"lines": lines, "bookings": reimbursed},
        )
    return batch


def clean_error_reason(reason: str) -> str:
    reason = check_text((reason or "").strip(), multiline=True)
    if not reason or len(reason) > PAYMENT_ERROR_REASON_MAX_LENGTH:
        raise PaymentErrorReasonRequired()
    return reason


def mark_line_error(line: PaymentLine, reason: str, actor: Any) -> PaymentLine:
    """The transfer failed or must not go (IBAN closed...): the line waits for the venue's bank
    account to be accepted again, then a later batch pays it. Its bookings (and those of the lines it
    retries) are not reimbursed."""
    reason = clean_error_reason(reason)
    with transaction.atomic():
        line = lock(PaymentLine.objects.filter(pk=line.pk)).get()
        if line.status == PaymentLineStatus.ERROR:
            raise PaymentLineAlreadyInError()
        previous = line.status
        reverted = 0
        if previous == PaymentLineStatus.SENT:
            this_line = PaymentLine.objects.filter(pk=line.pk)
            paid = _pricings_paid_by(this_line, with_retried(this_line))
            reverted = Booking.objects.filter(
                pk__in=paid.values("booking_id"), status=BookingStatus.REIMBURSED
            ).update(status=BookingStatus.USED, reimbursed_at=None)
        line.status = PaymentLineStatus.ERROR
        line.error_reason = reason
        line.errored_at = utcnow()
        line.save(update_fields=["status", "error_reason", "errored_at"])
        log_action(
            "payment_line.error",
            actor=actor,
            target=line,
            data={"reason": reason, "previous_status": previous, "bookings_not_reimbursed": reverted},
        )
    return line


# --- Files -----------------------------------------------------------------------------------------


def _in_transfer_file(line: PaymentLine, batch: PaymentBatch) -> bool:
    """A line is in the SEPA file unless it was put in error before the batch was sent (staff then
    knew it must not go). So the file of a sent batch stays the one that was sent."""
    if line.amount_cents <= 0:
        return False  # nothing to transfer (0 % offers): a SEPA transfer cannot carry 0 EUR
    if line.status != PaymentLineStatus.ERROR:
        return True
    return batch.sent_at is not None and line.errored_at is not None and line.errored_at > batch.sent_at


def batch_transfers(batch: PaymentBatch) -> list[Transfer]:
    """One transfer per IBAN + BIC (two venues may share an account), in the order of the lines."""
    label = transfer_label(batch.cutoff)
    totals: dict[tuple[str, str], int] = {}
    names: dict[tuple[str, str], str] = {}
    for line in batch.lines.order_by("id"):
        if not _in_transfer_file(line, batch):
            continue
        key = (line.iban, line.bic)
        names.setdefault(key, line.creditor)
        totals[key] = totals.get(key, 0) + line.amount_cents
    return [
        Transfer(
            creditor=Creditor(name=names[key], iban=key[0], bic=key[1]),
            amount_cents=amount,
            label=label,
            end_to_end_id=f"{batch.message_id}-{number}",
        )
        for number, (key, amount) in enumerate(totals.items(), start=1)
    ]


def sepa_file(batch: PaymentBatch) -> bytes | None:
    """The pain.001.001.03 order of the batch, or None when there is nothing to transfer."""
    transfers = batch_transfers(batch)
    if not transfers:
        return None
    return build_credit_transfer_file(
        transfers,
        debtor=debtor_from_settings(),
        execution_date=requested_execution_date(batch.cutoff),
        message_id=batch.message_id,
        created_at=batch.created_at.astimezone(PARIS),
    )


STATEMENT_FIELDS = (
    "venue_id",
    "year",
    "booking__token",
    "booking__offer__name",
    "booking__price_category_label",
    "booking__user__first_name",
    "booking__user__last_name",
    "validated_at",
    "booking_amount_cents",
    "rate",
    "reimbursed_cents",
    "payment_line_id",
)


# Rows fetched per round trip when streaming a batch's bookings.
STATEMENT_CHUNK_SIZE = 10_000


def statement_rows(batch: PaymentBatch, venue_id: int | None = None) -> Iterator[tuple[int, StatementRow]]:
    """(venue id, row) for every booking the batch pays (or only one venue's), by venue then
    validation: one query streamed by chunks, plus a few for the lines and venues.

    The bookings a batch pays are those of its lines and of the lines they retry (`with_retried`); the
    line columns (status, IBAN, BIC, creditor) are those of the batch's line that pays them. So an
    errored line's bookings stay on its batch's statement (status: error) and are listed again on the
    statement of the batch that retries them (with that line's status and bank details). The columns
    a venue's rows share are one `Payee` per (venue, paying line)."""
    paid_lines = PaymentLine.objects.filter(batch=batch)
    if venue_id is not None:
        paid_lines = paid_lines.filter(venue_id=venue_id)
    carriers = with_retried(paid_lines)
    line_columns = {
        pk: (status, iban, bic, creditor)
        for pk, status, iban, bic, creditor in paid_lines.values_list(
            "id", "status", "iban", "bic", "creditor"
        )
    }
    pricings = _pricings_paid_by(paid_lines, carriers)
    if venue_id is not None:
        pricings = pricings.filter(venue_id=venue_id)
    venues = {
        venue["id"]: venue
        for venue in Venue.objects.filter(id__in=paid_lines.values("venue_id")).values(
            "id", "name", "public_name", "siret", "timezone"
        )
    }
    label = transfer_label(batch.cutoff)
    statuses = STATEMENT_LINE_STATUSES
    payees: dict[tuple[int, int], Payee] = {}

    def payee_of(venue_id: int, line_id: int) -> Payee:
        venue = venues[venue_id]
        status, iban, bic, creditor = line_columns[carriers[line_id]]
        payee = payees[(venue_id, line_id)] = Payee(
            transfer_label=label,
            creditor=creditor,
            siret=venue["siret"] or "",
            iban=iban,
            bic=bic,
            venue=venue["public_name"] or venue["name"],
            status=str(statuses.get(status, status)),
            timezone=venue["timezone"],
        )
        return payee

    rows = stream_values(
        pricings.order_by("venue_id", "validated_at", "booking_id").values_list(*STATEMENT_FIELDS),
        STATEMENT_CHUNK_SIZE,
    )
    for (
        venue_id,
        year,
        token,
        offer,
        price_label,
        first_name,
        last_name,
        validated_at,
        booked,
        rate,
        reimbursed,
        line_id,
    ) in rows:
        yield (
            venue_id,
            (
                payees.get((venue_id, line_id)) or payee_of(venue_id, line_id),
                year,
                # The price category booked, after the offer (bookings made before categories: none).
                f"{offer} ({price_label})" if price_label else offer,
                f"{first_name} {last_name}".strip(),
                token,
                validated_at,
                booked,
                rate,
                reimbursed,
            ),
        )


def iter_statement_lines(
    batch: PaymentBatch, venue_id: int | None = None
) -> Iterator[tuple[int, StatementLine]]:
    """`statement_rows` as `StatementLine`s (the PDF reads them)."""
    for venue, row in statement_rows(batch, venue_id):
        yield venue, line_of(row)


def _statement(batch: PaymentBatch, lines: list[StatementLine]) -> VenueStatement:
    first = lines[0]
    return VenueStatement(
        venue=first.venue,
        siret=first.siret,
        creditor=first.creditor,
        iban=first.iban,
        cutoff=batch.cutoff,
        lines=tuple(lines),
    )


def venue_statement(batch: PaymentBatch, venue_id: int) -> VenueStatement | None:
    """One venue's statement of the batch: only its own lines, read alone (never the whole batch)."""
    lines = [line for _, line in iter_statement_lines(batch, venue_id)]
    return _statement(batch, lines) if lines else None


@contextmanager
def _csv_lines(
    batch: PaymentBatch, venue_id: int | None = None
) -> Iterator[Iterator[tuple[int, Iterator[tuple[int, StatementRow, str, str]]]]]:
    """(venue id, its rows as (venue id, row, statement CSV line, accounting CSV line)), venue after
    venue, streamed: each row is read and formatted once for both files. Leaving the block closes the
    stream (its cursor and reading thread) even when the rows were not all read."""
    formatted = StatementCsvFormatter().lines(statement_rows(batch, venue_id))
    try:
        yield groupby(formatted, key=itemgetter(0))
    finally:
        formatted.close()


def _venue_csvs(
    batch: PaymentBatch, *, with_pdf: bool
) -> Iterator[tuple[int, list[str], list[str], list[StatementRow]]]:
    """Venue after venue: its statement CSV lines, its accounting CSV lines and (for its PDF) its rows.
    Memory holds one venue's lines at a time."""
    with _csv_lines(batch) as venues:
        for venue_id, rows in venues:
            lines: list[str] = []
            accounting: list[str] = []
            kept: list[StatementRow] = []
            for _, row, line, accounting_line in rows:
                lines.append(line)
                accounting.append(accounting_line)
                if with_pdf:
                    kept.append(row)
            yield venue_id, lines, accounting, kept


@dataclass(frozen=True)
class BatchFile:
    name: str
    content: bytes
    content_type: str


def _stamp(batch: PaymentBatch) -> str:
    return batch.cutoff.strftime("%Y-%m-%d")


def _sepa_name(batch: PaymentBatch) -> str:
    return f"virements-{_stamp(batch)}.xml"


def _accounting_name(batch: PaymentBatch) -> str:
    return f"comptabilite-{_stamp(batch)}.csv"


def _statement_prefix(batch: PaymentBatch) -> str:
    return f"releve-{_stamp(batch)}-lieu-"


def _statement_name(batch: PaymentBatch, venue_id: int, extension: str) -> str:
    return f"{_statement_prefix(batch)}{venue_id}.{extension}"


def _statement_file(
    batch: PaymentBatch, venue_id: int, statement: VenueStatement, extension: str
) -> BatchFile:
    """A PDF statement (the CSV files are streamed: `_csv_lines`)."""
    name = _statement_name(batch, venue_id, extension)
    generated_at = batch.created_at.astimezone(PARIS)
    return BatchFile(name, statement_pdf(statement, generated_at=generated_at), "application/pdf")


def _pdf_of(batch: PaymentBatch, venue_id: int, rows: list[StatementRow]) -> BatchFile:
    return _statement_file(batch, venue_id, _statement(batch, [line_of(row) for row in rows]), "pdf")


# CSV lines joined and encoded together (memory stays flat, writes stay few).
LINES_PER_WRITE = 2_000


def _csv_content(header: str, lines: Iterator[str]) -> bytes:
    chunks = [header.encode("utf-8")]
    pending: list[str] = []
    for line in lines:
        pending.append(line)
        if len(pending) >= LINES_PER_WRITE:
            chunks.append("".join(pending).encode("utf-8"))
            pending = []
    chunks.append("".join(pending).encode("utf-8"))
    return b"".join(chunks)


def batch_file_names(batch: PaymentBatch) -> list[str]:
    """The names `batch_files` gives, without building any file (a batch can pay a million bookings)."""
    names = [_sepa_name(batch)] if batch_transfers(batch) else []
    names.append(_accounting_name(batch))
    lines = batch.lines.all()
    venue_ids = (
        _pricings_paid_by(lines, with_retried(lines))
        .order_by("venue_id")
        .values_list("venue_id", flat=True)
        .distinct()
    )
    for venue_id in venue_ids:
        names += [_statement_name(batch, venue_id, "csv"), _statement_name(batch, venue_id, "pdf")]
    return names


@transaction.atomic  # the rows stream through a cursor of this transaction (`stream_values`)
def batch_file(batch: PaymentBatch, name: str) -> BatchFile | None:
    """One file of the batch, built alone (a statement reads only its venue's lines); None if the batch
    has no file of that name."""
    if name == _sepa_name(batch):
        sepa = sepa_file(batch)
        return BatchFile(name, sepa, "application/xml") if sepa is not None else None
    if name == _accounting_name(batch):
        with _csv_lines(batch) as venues:
            accounting = (line for _, rows in venues for _, _, _, line in rows)
            return BatchFile(name, _csv_content(ACCOUNTING_HEADER, accounting), "text/csv")
    prefix = _statement_prefix(batch)
    stem, _, extension = name.removeprefix(prefix).partition(".")
    if not name.startswith(prefix) or not stem.isdigit() or extension not in ("csv", "pdf"):
        return None
    venue_id = int(stem)
    if extension == "pdf":
        statement = venue_statement(batch, venue_id)
        return _statement_file(batch, venue_id, statement, extension) if statement is not None else None
    with _csv_lines(batch, venue_id) as venues:
        for _, rows in venues:
            lines = (line for _, _, line, _ in rows)
            return BatchFile(name, _csv_content(STATEMENT_HEADER, lines), "text/csv")
    return None


@transaction.atomic  # the rows stream through a cursor of this transaction (`stream_values`)
def batch_files(batch: PaymentBatch, *, with_pdf: bool = True) -> list[BatchFile]:
    """Every file of a batch, rebuilt from the rows: SEPA XML (when something is to be transferred),
    the accounting CSV, and per venue a statement CSV and PDF. All in memory: `write_batch_files`
    streams them to a folder instead."""
    files = []
    sepa = sepa_file(batch)
    if sepa is not None:
        files.append(BatchFile(_sepa_name(batch), sepa, "application/xml"))
    accounting: list[str] = []
    venue_files = []
    for venue_id, lines, accounting_lines, rows in _venue_csvs(batch, with_pdf=with_pdf):
        accounting += accounting_lines
        name = _statement_name(batch, venue_id, "csv")
        venue_files.append(BatchFile(name, _csv_content(STATEMENT_HEADER, iter(lines)), "text/csv"))
        if with_pdf:
            venue_files.append(_pdf_of(batch, venue_id, rows))
    files.append(
        BatchFile(_accounting_name(batch), _csv_content(ACCOUNTING_HEADER, iter(accounting)), "text/csv")
    )
    return files + venue_files


@transaction.atomic  # the rows stream through a cursor of this transaction (`stream_values`)
def write_batch_files(batch: PaymentBatch, out_dir: Path, *, with_pdf: bool = True) -> list[Path]:
    """Writes the files `batch_files` gives into `out_dir` (the same names and bytes), in one pass over
    the rows: each row is read once, formatted once for the accounting file and its venue's statement,
    and written venue by venue, so that memory holds one venue's lines at most."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    sepa = sepa_file(batch)
    if sepa is not None:
        paths.append(out_dir / _sepa_name(batch))
        paths[-1].write_bytes(sepa)
    paths.append(out_dir / _accounting_name(batch))
    with paths[-1].open("wb") as accounting:
        accounting.write(ACCOUNTING_HEADER.encode("utf-8"))
        for venue_id, lines, accounting_lines, rows in _venue_csvs(batch, with_pdf=with_pdf):
            paths.append(out_dir / _statement_name(batch, venue_id, "csv"))
            paths[-1].write_bytes(_csv_content(STATEMENT_HEADER, iter(lines)))
            accounting.write("".join(accounting_lines).encode("utf-8"))
            if with_pdf:
                pdf = _pdf_of(batch, venue_id, rows)
                paths.append(out_dir / pdf.name)
                paths[-1].write_bytes(pdf.content)
    return paths
