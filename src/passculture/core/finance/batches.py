"""Payment batches: every cut-off (the 1st and the 16th, Europe/Paris), what pass Culture pays to whom.

`generate_payment_batch(cutoff)` puts in one batch, in one transaction:
- the PRICED pricings of bookings validated strictly before the cut-off instant (00:00 Paris), whose
  event had started by then (things have no event), of venues whose current bank account was ACCEPTED
  before the cut-off. The others wait ("not processable") and join the first batch after their
  account is accepted, since a batch takes every PRICED pricing whatever its age;
- the lines in ERROR of earlier batches whose venue's bank account was accepted (again, or a new one)
  after the error: their pricings move to the venue's new line (the old line keeps its amount as
  history and points to the retry with `retried_in`).
One line per venue (its current account: IBAN + BIC, copied on the line), amount = the sum of its
pricings; the pricings become PROCESSED (frozen: no un-pricing or re-pricing any more).

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Venue

from .constants import (
    PAYMENT_ERROR_REASON_MAX_LENGTH,
    BankAccountStatus,
    PaymentBatchStatus,
    PaymentLineStatus,
    PricingScope,
    PricingStatus,
)
from .exceptions import PaymentBatchAlreadySent, PaymentErrorReasonRequired, PaymentLineAlreadyInError
from .files import (
    Creditor,
    StatementLine,
    Transfer,
    VenueStatement,
    accounting_csv,
    build_credit_transfer_file,
    debtor_from_settings,
    statement_csv,
    statement_pdf,
)
from .models import BankAccount, PaymentBatch, PaymentLine, Pricing, PricingCounter
from .periods import (
    CUTOFF_TIMEZONE,
    check_cutoff,
    cutoff_instant,
    due_cutoff,
    requested_execution_date,
    transfer_label,
)
from .pricing import IDS_PER_QUERY, price_bookings

PARIS = ZoneInfo(CUTOFF_TIMEZONE)


# --- Generation ------------------------------------------------------------------------------------


def _payable_accounts(instant: dt.datetime) -> dict[int, BankAccount]:
    """Venue id -> its current bank account, when it was accepted before the cut-off (and after the
    venue's last failed transfer, if any)."""
    accounts = BankAccount.objects.filter(
        archived_at__isnull=True, status=BankAccountStatus.ACCEPTED, decided_at__lt=instant
    ).select_related("venue__offerer")
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


def payable_pricings(instant: dt.datetime) -> QuerySet[Pricing]:
    """PRICED pricings a batch at `instant` pays, whatever the venue's bank account."""
    return Pricing.objects.filter(
        Q(booking__stock__beginning_datetime__isnull=True)
        | Q(booking__stock__beginning_datetime__lt=instant),
        status=PricingStatus.PRICED,
        validated_at__lt=instant,
    )


def _lock_pricing_groups(pricings: QuerySet[Pricing]) -> None:
    """Same lock order as pricing.py (bookings by id, then counters): while we hold them, no booking
    of the batch is un-validated or cancelled, and no pricing of these groups is re-priced."""
    list(lock(Booking.objects.filter(pricing__in=pricings)).order_by("id").values_list("id", flat=True))
    groups: dict[tuple[str, int], set[int]] = defaultdict(set)
    for scope, year, venue_id, offerer_id in (
        pricings.order_by().values_list("scope", "year", "venue_id", "offerer_id").distinct()
    ):
        groups[(scope, year)].add(venue_id if scope == PricingScope.VENUE else offerer_id)
    for (scope, year), scope_ids in sorted(groups.items()):
        # Literal ids (a venue count, not a booking count): a subquery here makes PostgreSQL's
        # planner scan the pricings once per counter.
        ids = sorted(scope_ids)
        for start in range(0, len(ids), IDS_PER_QUERY):
            list(
                lock(
                    PricingCounter.objects.filter(
                        scope=scope, year=year, scope_id__in=ids[start : start + IDS_PER_QUERY]
                    )
                )
                .order_by("scope_id")
                .values_list("id", flat=True)
            )


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


def _mark_processed(candidates: QuerySet[Pricing], batch: PaymentBatch, venue_ids: list[int]) -> int:
    """One UPDATE: each pricing PROCESSED and attached to its venue's line of the batch."""
    line_of_venue = (
        PaymentLine.objects.filter(batch=batch, venue_id=OuterRef("venue_id")).order_by().values("id")[:1]
    )
    return candidates.filter(venue_id__in=venue_ids).update(
        status=PricingStatus.PROCESSED, payment_line=Subquery(line_of_venue)
    )


def _total_lines(batch: PaymentBatch) -> list[PaymentLine]:
    """Amounts and counts summed from what the lines really got (one GROUP BY): they cannot disagree."""
    totals = {
        row["payment_line"]: row
        for row in Pricing.objects.filter(payment_line__batch=batch)
        .order_by()
        .values("payment_line")
        .annotate(amount=Sum("reimbursed_cents"), count=Count("id"))
    }
    lines = list(batch.lines.order_by("id"))
    for line in lines:
        total = totals.get(line.pk, {})
        line.amount_cents = total.get("amount") or 0
        line.booking_count = total.get("count") or 0
    PaymentLine.objects.bulk_update(lines, ["amount_cents", "booking_count"], batch_size=1000)
    return lines


def _creditor_name(account: BankAccount) -> str:
    # The offerer receives the money (RULES.md: creditor = offerer name); the holder is the fallback.
    return account.venue.offerer.name or account.holder


def generate_payment_batch(cutoff: dt.date, *, at: dt.datetime | None = None) -> PaymentBatch:
    """The batch of `cutoff`, created (see the module docstring) or, when it exists, returned as is."""
    check_cutoff(cutoff)
    existing = PaymentBatch.objects.filter(cutoff=cutoff).first()
    if existing is not None:
        return existing
    try:
        return _generate(cutoff, at or utcnow())
    except IntegrityError:
        # A concurrent run created it first (unique cut-off): that one is the batch.
        existing = PaymentBatch.objects.filter(cutoff=cutoff).first()
        if existing is None:
            raise
        return existing


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
    _mark_processed(candidates, batch, sorted(venue_ids))
    new_line_of_venue = dict(batch.lines.values_list("venue_id", "id"))
    for old in retries:
        old.retried_in_id = new_line_of_venue[old.venue_id]
        Pricing.objects.filter(payment_line=old).update(payment_line_id=old.retried_in_id)
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
    """Staff sent the SEPA file to the bank: PENDING lines become SENT, their bookings REIMBURSED.
    Lines already in error stay so (they were left out of the file)."""
    with transaction.atomic():
        batch = lock(PaymentBatch.objects.filter(pk=batch.pk)).get()
        if batch.status == PaymentBatchStatus.SENT:
            raise PaymentBatchAlreadySent()
        at = utcnow()
        pending = PaymentLine.objects.filter(batch=batch, status=PaymentLineStatus.PENDING)
        reimbursed = Booking.objects.filter(
            pricing__payment_line__in=pending, status=BookingStatus.USED
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
    reason = (reason or "").strip()
    if not reason or len(reason) > PAYMENT_ERROR_REASON_MAX_LENGTH:
        raise PaymentErrorReasonRequired()
    return reason


def mark_line_error(line: PaymentLine, reason: str, actor: Any) -> PaymentLine:
    """The transfer failed or must not go (IBAN closed...): the line waits for the venue's bank
    account to be accepted again, then a later batch pays it. Its bookings are not reimbursed."""
    reason = clean_error_reason(reason)
    with transaction.atomic():
        line = lock(PaymentLine.objects.filter(pk=line.pk)).get()
        if line.status == PaymentLineStatus.ERROR:
            raise PaymentLineAlreadyInError()
        previous = line.status
        reverted = 0
        if previous == PaymentLineStatus.SENT:
            reverted = Booking.objects.filter(
                pricing__payment_line=line, status=BookingStatus.REIMBURSED
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
    "booking__user__first_name",
    "booking__user__last_name",
    "validated_at",
    "booking_amount_cents",
    "rate",
    "reimbursed_cents",
    "payment_line__status",
    "payment_line__iban",
    "payment_line__bic",
    "payment_line__creditor",
)


def iter_statement_lines(
    batch: PaymentBatch, venue_id: int | None = None
) -> Iterator[tuple[int, StatementLine]]:
    """(venue id, line) for every booking the batch pays (or only one venue's), by venue then
    validation: one query streamed by chunks, plus one for the venues."""
    paid_lines = PaymentLine.objects.filter(batch=batch)
    pricings = Pricing.objects.filter(payment_line__batch=batch)
    if venue_id is not None:
        paid_lines = paid_lines.filter(venue_id=venue_id)
        pricings = pricings.filter(venue_id=venue_id)
    venues = {
        venue["id"]: venue
        for venue in Venue.objects.filter(id__in=paid_lines.values("venue_id")).values(
            "id", "name", "public_name", "siret", "timezone"
        )
    }
    label = transfer_label(batch.cutoff)
    statuses = dict(PaymentLineStatus.choices)
    rows = (
        pricings.order_by("venue_id", "validated_at", "booking_id")
        .values_list(*STATEMENT_FIELDS)
        .iterator(chunk_size=5000)
    )
    for (
        venue_id,
        year,
        token,
        offer,
        first_name,
        last_name,
        validated_at,
        booked,
        rate,
        reimbursed,
        status,
        iban,
        bic,
        creditor,
    ) in rows:
        venue = venues[venue_id]
        yield (
            venue_id,
            StatementLine(
                year=year,
                transfer_label=label,
                creditor=creditor,
                siret=venue["siret"] or "",
                iban=iban,
                bic=bic,
                venue=venue["public_name"] or venue["name"],
                offer=offer,
                beneficiary=f"{first_name} {last_name}".strip(),
                countermark=token,
                validated_at=validated_at,
                booking_amount_cents=booked,
                rate=rate,
                reimbursed_cents=reimbursed,
                status=str(statuses.get(status, status)),
                timezone=venue["timezone"],
            ),
        )


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


def venue_statements(batch: PaymentBatch) -> list[tuple[int, VenueStatement]]:
    grouped: dict[int, list[StatementLine]] = defaultdict(list)
    for venue_id, line in iter_statement_lines(batch):
        grouped[venue_id].append(line)
    return [(venue_id, _statement(batch, lines)) for venue_id, lines in grouped.items()]


def venue_statement(batch: PaymentBatch, venue_id: int) -> VenueStatement | None:
    """One venue's statement of the batch: only its own lines, read alone (never the whole batch)."""
    lines = [line for _, line in iter_statement_lines(batch, venue_id)]
    return _statement(batch, lines) if lines else None


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
    name = _statement_name(batch, venue_id, extension)
    if extension == "csv":
        return BatchFile(name, statement_csv(statement), "text/csv")
    generated_at = batch.created_at.astimezone(PARIS)
    return BatchFile(name, statement_pdf(statement, generated_at=generated_at), "application/pdf")


def batch_file_names(batch: PaymentBatch) -> list[str]:
    """The names `batch_files` gives, without building any file (a batch can pay a million bookings)."""
    names = [_sepa_name(batch)] if batch_transfers(batch) else []
    names.append(_accounting_name(batch))
    venue_ids = (
        Pricing.objects.filter(payment_line__batch=batch)
        .order_by("venue_id")
        .values_list("venue_id", flat=True)
        .distinct()
    )
    for venue_id in venue_ids:
        names += [_statement_name(batch, venue_id, "csv"), _statement_name(batch, venue_id, "pdf")]
    return names


def batch_file(batch: PaymentBatch, name: str) -> BatchFile | None:
    """One file of the batch, built alone (a statement reads only its venue's lines); None if the batch
    has no file of that name."""
    if name == _sepa_name(batch):
        sepa = sepa_file(batch)
        return BatchFile(name, sepa, "application/xml") if sepa is not None else None
    if name == _accounting_name(batch):
        lines = [line for _, line in iter_statement_lines(batch)]
        return BatchFile(name, accounting_csv(lines), "text/csv")
    prefix = _statement_prefix(batch)
    stem, _, extension = name.removeprefix(prefix).partition(".")
    if not name.startswith(prefix) or not stem.isdigit() or extension not in ("csv", "pdf"):
        return None
    statement = venue_statement(batch, int(stem))
    return _statement_file(batch, int(stem), statement, extension) if statement is not None else None


def batch_files(batch: PaymentBatch, *, with_pdf: bool = True) -> list[BatchFile]:
    """Every file of a batch, rebuilt from the rows: SEPA XML (when something is to be transferred),
    the accounting CSV, and per venue a statement CSV and PDF."""
    files = []
    sepa = sepa_file(batch)
    if sepa is not None:
        files.append(BatchFile(_sepa_name(batch), sepa, "application/xml"))
    statements = venue_statements(batch)
    all_lines = [line for _, statement in statements for line in statement.lines]
    files.append(BatchFile(_accounting_name(batch), accounting_csv(all_lines), "text/csv"))
    for venue_id, statement in statements:
        files.append(_statement_file(batch, venue_id, statement, "csv"))
        if with_pdf:
            files.append(_statement_file(batch, venue_id, statement, "pdf"))
    return files


def write_batch_files(batch: PaymentBatch, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for file in batch_files(batch):
        path = out_dir / file.name
        path.write_bytes(file.content)
        paths.append(path)
    return paths
