"""Payment batches (issue 6, points 2-4): content at the cut-off, idempotence, crash, files, statuses."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.models import AuditLog
from passculture.core.finance import batches
from passculture.core.finance.batches import (
    batch_file,
    batch_file_names,
    batch_files,
    generate_due_batch,
    generate_payment_batch,
    mark_batch_sent,
    mark_line_error,
    sepa_file,
)
from passculture.core.finance.constants import (
    BankAccountStatus,
    PaymentBatchStatus,
    PaymentLineStatus,
    PricingStatus,
)
from passculture.core.finance.exceptions import (
    PaymentBatchAlreadySent,
    PaymentErrorReasonRequired,
    PaymentLineAlreadyInError,
)
from passculture.core.finance.factories import (
    IBAN_LA_BANQUE_POSTALE,
    BankAccountFactory,
    UsedBookingFactory,
)
from passculture.core.finance.files import schema_path
from passculture.core.finance.models import PaymentBatch, PaymentLine, Pricing
from passculture.core.finance.periods import CutoffNotPassed, NotACutoff, transfer_label
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory
from tests.conftest import utc
from tests.helpers import error_code

# The day after the cut-off of 16 March 2026, whose instant is 16 March 00:00 Paris = 15 March 23:00 UTC.
NOW = utc(2026, 3, 17, 6, 0)
CUTOFF = dt.date(2026, 3, 16)
INSTANT = utc(2026, 3, 15, 23, 0)
NEXT_CUTOFF = dt.date(2026, 4, 1)
LONG_AGO = utc(2026, 1, 5, 9, 0)
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def paid_venue(decided_at=LONG_AGO, **account):
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=decided_at, **account)
    return venue


def used(venue, amount_cents=800, used_at=INSTANT - dt.timedelta(days=2), **kwargs):
    return UsedBookingFactory(stock__offer__venue=venue, amount_cents=amount_cents, used_at=used_at, **kwargs)


def priced(*bookings):
    price_bookings(at=NOW)
    return [Pricing.objects.get(booking=booking) for booking in bookings]


def status_of(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


# --- Content -----------------------------------------------------------------------------------------


def test_a_batch_pays_each_venue_the_sum_of_its_pricings_on_one_line(db):
    eden, lumiere = paid_venue(), paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    eden_bookings = [used(eden, 800), used(eden, 1030, quantity=2)]
    lumiere_booking = used(lumiere, 650)
    priced(*eden_bookings, lumiere_booking)

    batch = generate_payment_batch(CUTOFF)

    lines = {line.venue_id: line for line in batch.lines.all()}
    assert set(lines) == {eden.pk, lumiere.pk}
    assert (lines[eden.pk].amount_cents, lines[eden.pk].booking_count) == (800 + 2060, 2)
    assert (lines[lumiere.pk].iban, lines[lumiere.pk].bic) == (IBAN_LA_BANQUE_POSTALE, "PSSTFRPP")
    assert lines[eden.pk].creditor == eden.offerer.name
    assert all(line.status == PaymentLineStatus.PENDING for line in lines.values())
    pricings = Pricing.objects.filter(booking__in=[*eden_bookings, lumiere_booking])
    assert {(p.status, p.payment_line.venue_id == p.venue_id) for p in pricings} == {
        (PricingStatus.PROCESSED, True)
    }
    assert AuditLog.objects.filter(action="payment_batch.generated", target_id=str(batch.pk)).count() == 1


def test_the_cut_off_is_midnight_in_paris_not_in_utc(db):
    venue = paid_venue()
    last_minute = used(venue, used_at=INSTANT - dt.timedelta(minutes=1))  # 15 March 23:59 Paris
    first_minute = used(venue, used_at=INSTANT)  # 16 March 00:00 Paris, still the 15th in UTC
    priced(last_minute, first_minute)

    batch = generate_payment_batch(CUTOFF)

    assert list(batch.lines.get().pricings.values_list("booking_id", flat=True)) == [last_minute.pk]
    assert Pricing.objects.get(booking=first_minute).status == PricingStatus.PRICED
    # It is paid by the next batch.
    on_april_2 = utc(2026, 4, 2, 6)
    assert generate_payment_batch(NEXT_CUTOFF, at=on_april_2).lines.get().pricings.get().booking_id == (
        first_minute.pk
    )


def test_an_event_after_the_cut_off_waits_even_if_its_booking_was_validated_before(db):
    venue = paid_venue()
    show_after = StockFactory(offer__venue=venue, beginning_datetime=INSTANT + dt.timedelta(hours=12))
    early_validation = used(venue, stock=show_after, used_at=INSTANT - dt.timedelta(hours=1))
    show_before = StockFactory(offer__venue=venue, beginning_datetime=INSTANT - dt.timedelta(days=3))
    normal = used(venue, stock=show_before)
    priced(early_validation, normal)  # both priced: both events have started on 17 March

    batch = generate_payment_batch(CUTOFF)

    assert list(batch.lines.get().pricings.values_list("booking_id", flat=True)) == [normal.pk]
    assert Pricing.objects.get(booking=early_validation).status == PricingStatus.PRICED


def test_venues_without_an_account_accepted_before_the_cut_off_wait_and_join_a_later_batch(db):
    no_account = VenueFactory()
    pending = VenueFactory()
    BankAccountFactory(venue=pending)  # submitted, not accepted
    accepted_too_late = paid_venue(decided_at=INSTANT + dt.timedelta(hours=8))
    bookings = [used(no_account), used(pending), used(accepted_too_late)]
    priced(*bookings)

    batch = generate_payment_batch(CUTOFF)

    assert not batch.lines.exists()
    assert set(Pricing.objects.values_list("status", flat=True)) == {PricingStatus.PRICED}

    later = generate_payment_batch(NEXT_CUTOFF, at=utc(2026, 4, 2, 6))
    assert list(later.lines.values_list("venue_id", flat=True)) == [accepted_too_late.pk]
    assert later.lines.get().booking_count == 1


def test_an_archived_accepted_account_does_not_receive_money(db):
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO, archived_at=LONG_AGO)
    BankAccountFactory(venue=venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")  # the new one, pending
    priced(used(venue))
    assert not generate_payment_batch(CUTOFF).lines.exists()


def test_a_booking_in_a_batch_can_no_longer_be_unvalidated(db):
    venue = paid_venue()
    booking = used(venue)
    priced(booking)
    generate_payment_batch(CUTOFF)
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    actor = booking_services.CounterActor.for_user(pro)
    assert error_code(booking_services.undo_validation, actor, booking.token) == "BOOKING_IN_PAYMENT_BATCH"
    assert status_of(booking) == BookingStatus.USED
    assert Pricing.objects.get(booking=booking).status == PricingStatus.PROCESSED


# --- Idempotence, crash, bulk ------------------------------------------------------------------------


def test_generating_the_same_cut_off_twice_changes_nothing(db):
    venue = paid_venue()
    priced(used(venue, 800))
    first = generate_payment_batch(CUTOFF)
    # A booking validated before the cut-off but priced only now does not sneak into the existing batch.
    late = used(venue, 500)
    priced(late)

    second = generate_payment_batch(CUTOFF)

    assert second.pk == first.pk
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.get().amount_cents == 800
    assert Pricing.objects.get(booking=late).status == PricingStatus.PRICED
    assert AuditLog.objects.filter(action="payment_batch.generated").count() == 1


def test_a_crash_in_the_middle_leaves_nothing_and_a_rerun_completes(db, monkeypatch):
    venues = [paid_venue(), paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")]
    bookings = [used(venue) for venue in venues]
    priced(*bookings)
    real = batches._mark_processed
    calls = []

    def crash_after_marking(candidates, lines):
        calls.append(real(candidates, lines))
        raise RuntimeError("injected failure")

    monkeypatch.setattr(batches, "_mark_processed", crash_after_marking)
    with pytest.raises(RuntimeError):
        generate_payment_batch(CUTOFF)

    assert calls == [2]  # both pricings had been marked, then rolled back
    assert not PaymentBatch.objects.exists()
    assert not PaymentLine.objects.exists()
    assert set(Pricing.objects.values_list("status", flat=True)) == {PricingStatus.PRICED}
    assert not Pricing.objects.filter(payment_line__isnull=False).exists()

    monkeypatch.setattr(batches, "_mark_processed", real)
    batch = generate_payment_batch(CUTOFF)
    assert batch.lines.count() == 2
    assert set(Pricing.objects.values_list("status", flat=True)) == {PricingStatus.PROCESSED}


def _queries_to_generate(cutoff, bookings_per_venue):
    for _ in range(2):
        venue = paid_venue()
        for _ in range(bookings_per_venue):
            used(venue, used_at=cutoff_instant_of(cutoff) - dt.timedelta(days=1))
    price_bookings(at=NOW + dt.timedelta(days=30))
    with CaptureQueriesContext(connection) as context:
        generate_payment_batch(cutoff)  # on the clock: 20 April
    return len(context.captured_queries)


def cutoff_instant_of(cutoff):
    from passculture.core.finance.periods import cutoff_instant

    return cutoff_instant(cutoff)


def test_generation_works_in_bulk_not_one_query_per_booking(db, time_machine):
    time_machine.move_to(utc(2026, 4, 20), tick=False)
    few = _queries_to_generate(CUTOFF, 2)
    many = _queries_to_generate(NEXT_CUTOFF, 12)
    assert many == few


# --- Files -------------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


def test_files_sepa_valid_against_the_xsd_with_sums_equal_to_the_lines_and_statements_re_read(db):
    eden = paid_venue()
    # Two venues of the same offerer sharing one account: one transfer for both.
    twin = VenueFactory(offerer=eden.offerer)
    BankAccountFactory(venue=twin, accepted=True, decided_at=LONG_AGO)
    lumiere = paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    priced(used(eden, 800), used(eden, 1030), used(twin, 700), used(lumiere, 650, quantity=2))
    batch = generate_payment_batch(CUTOFF)

    files = {file.name: file.content for file in batch_files(batch)}

    stamp = "2026-03-16"
    assert set(files) == {
        f"virements-{stamp}.xml",
        f"comptabilite-{stamp}.csv",
        *(f"releve-{stamp}-lieu-{v.pk}.{ext}" for v in (eden, twin, lumiere) for ext in ("csv", "pdf")),
    }
    xml = files[f"virements-{stamp}.xml"]
    xmlschema.XMLSchema(str(schema_path())).validate(xml.decode("utf-8"))
    root = fromstring(xml)
    amounts = sorted(Decimal(node.text) for node in root.findall(".//p:InstdAmt", NS))
    assert amounts == [Decimal("13.00"), Decimal("25.30")]
    assert Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text) == Decimal("38.30")
    total = sum(batch.lines.values_list("amount_cents", flat=True))
    assert total == 3830
    assert root.find(".//p:GrpHdr/p:MsgId", NS).text == batch.message_id
    assert {node.text for node in root.findall(".//p:RmtInf/p:Ustrd", NS)} == {
        "pass Culture Pro - remboursement 1ere quinzaine 03-2026"
    }
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-03-23"

    accounting = read_csv(files[f"comptabilite-{stamp}.csv"])
    assert len(accounting) == 4
    assert sum(cents(row["Montant remboursé (€)"]) for row in accounting) == total
    for venue in (eden, twin, lumiere):
        rows = read_csv(files[f"releve-{stamp}-lieu-{venue.pk}.csv"])
        line = batch.lines.get(venue=venue)
        assert sum(cents(row["Montant remboursé (€)"]) for row in rows) == line.amount_cents
        assert {row["Libellé du virement"] for row in rows} == {transfer_label(CUTOFF)}
        assert {row["Statut"] for row in rows} == {"En cours d'envoi"}
        assert files[f"releve-{stamp}-lieu-{venue.pk}.pdf"].startswith(b"%PDF")
    lumiere_row = read_csv(files[f"releve-{stamp}-lieu-{lumiere.pk}.csv"])[0]
    assert cents(lumiere_row["Montant de la réservation (€)"]) == 1300  # duo: 2 x 6.50
    assert lumiere_row["Taux de remboursement"] == "100 %"

    # Rebuilt on demand, the bank order is byte for byte the same.
    assert sepa_file(PaymentBatch.objects.get(pk=batch.pk)) == xml


def test_an_empty_batch_has_no_sepa_file_but_an_accounting_file(db):
    batch = generate_payment_batch(CUTOFF)
    names = [file.name for file in batch_files(batch)]
    assert names == ["comptabilite-2026-03-16.csv"]


# --- Statuses ----------------------------------------------------------------------------------------


def test_marking_a_batch_sent_reimburses_its_bookings(db, staff):
    venue = paid_venue()
    bookings = [used(venue), used(venue)]
    waiting = used(VenueFactory())
    priced(*bookings, waiting)
    batch = generate_payment_batch(CUTOFF)

    mark_batch_sent(batch, staff)

    batch.refresh_from_db()
    assert (batch.status, batch.sent_at, batch.sent_by) == (PaymentBatchStatus.SENT, NOW, staff)
    assert set(batch.lines.values_list("status", flat=True)) == {PaymentLineStatus.SENT}
    for booking in bookings:
        booking.refresh_from_db()
        assert (booking.status, booking.reimbursed_at) == (BookingStatus.REIMBURSED, NOW)
    assert status_of(waiting) == BookingStatus.USED
    assert AuditLog.objects.filter(action="payment_batch.sent", actor=staff).count() == 1
    with pytest.raises(PaymentBatchAlreadySent):
        mark_batch_sent(batch, staff)


def test_a_line_in_error_is_paid_again_in_the_next_batch_once_the_account_is_fixed(db, staff, time_machine):
    venue = paid_venue()
    other = paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    bookings = [used(venue, 800), used(venue, 500)]
    priced(*bookings, used(other))
    batch = generate_payment_batch(CUTOFF)
    mark_batch_sent(batch, staff)
    line = batch.lines.get(venue=venue)

    time_machine.move_to(utc(2026, 3, 20, 10), tick=False)
    mark_line_error(line, "  IBAN clôturé  ", staff)

    line.refresh_from_db()
    assert (line.status, line.error_reason) == (PaymentLineStatus.ERROR, "IBAN clôturé")
    assert {status_of(b) for b in bookings} == {BookingStatus.USED}  # not reimbursed after all
    assert AuditLog.objects.filter(action="payment_line.error", target_id=str(line.pk)).count() == 1
    with pytest.raises(PaymentLineAlreadyInError):
        mark_line_error(line, "encore", staff)

    # Not fixed yet: the 1 April batch does not retry it, nor pays the venue's new bookings to the
    # failing account.
    waiting = used(venue, 200, used_at=utc(2026, 3, 25))
    time_machine.move_to(utc(2026, 4, 2, 6), tick=False)
    price_bookings()
    april = generate_payment_batch(NEXT_CUTOFF)
    assert not april.lines.filter(venue=venue).exists()
    assert Pricing.objects.get(booking=waiting).status == PricingStatus.PRICED

    # The venue gives a new account, accepted before the 16 April cut-off.
    account = venue.bank_accounts.get(archived_at__isnull=True)
    account.archived_at = utc(2026, 4, 3)
    account.save()
    BankAccountFactory(
        venue=venue,
        iban=IBAN_LA_BANQUE_POSTALE,
        bic="PSSTFRPP",
        status=BankAccountStatus.ACCEPTED,
        decided_at=utc(2026, 4, 5),
    )
    new_booking = used(venue, 300, used_at=utc(2026, 4, 10))
    time_machine.move_to(utc(2026, 4, 17, 6), tick=False)
    price_bookings()
    retry_batch = generate_payment_batch(dt.date(2026, 4, 16))

    retry = retry_batch.lines.get(venue=venue)
    line.refresh_from_db()
    assert line.retried_in == retry
    assert (line.amount_cents, line.status) == (1300, PaymentLineStatus.ERROR)  # history kept
    assert (retry.amount_cents, retry.booking_count, retry.iban) == (1800, 4, IBAN_LA_BANQUE_POSTALE)
    # The pricings keep the line that first processed them: the retry pays the old line's through
    # `retried_in` (the files of the first batch stay the same).
    assert set(retry.pricings.values_list("booking_id", flat=True)) == {waiting.pk, new_booking.pk}
    assert set(line.pricings.values_list("booking_id", flat=True)) == {b.pk for b in bookings}
    assert batches.with_retried(PaymentLine.objects.filter(pk=retry.pk)) == {
        retry.pk: retry.pk,
        line.pk: retry.pk,
    }
    # Not retried twice.
    may_batch = generate_payment_batch(dt.date(2026, 5, 1), at=utc(2026, 5, 2, 6))
    assert not may_batch.lines.filter(venue=venue).exists()

    mark_batch_sent(retry_batch, staff)
    assert {status_of(b) for b in [*bookings, waiting, new_booking]} == {BookingStatus.REIMBURSED}


def test_a_line_put_in_error_before_sending_is_left_out_of_the_sepa_file(db, staff):
    venue, other = paid_venue(), paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    priced(used(venue, 800), used(other, 500))
    batch = generate_payment_batch(CUTOFF)
    mark_line_error(batch.lines.get(venue=venue), "IBAN clôturé", staff)

    mark_batch_sent(batch, staff)

    root = fromstring(sepa_file(batch))
    assert [node.text for node in root.findall(".//p:InstdAmt", NS)] == ["5.00"]
    assert batch.lines.get(venue=venue).status == PaymentLineStatus.ERROR
    assert Pricing.objects.filter(venue=venue).get().booking.status == BookingStatus.USED


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_error_needs_a_reason(db, staff, reason):
    venue = paid_venue()
    priced(used(venue))
    line = generate_payment_batch(CUTOFF).lines.get()
    with pytest.raises(PaymentErrorReasonRequired):
        mark_line_error(line, reason, staff)
    line.refresh_from_db()
    assert line.status == PaymentLineStatus.PENDING


# --- Command and job ---------------------------------------------------------------------------------


def test_the_command_prices_generates_and_writes_the_files(db, tmp_path):
    venue = paid_venue()
    used(venue, 800)  # not priced yet: the command prices first
    out = tmp_path / "lot"

    call_command("payments", "generate", "--cutoff", "2026-03-16", "--out", str(out), stdout=io.StringIO())

    batch = PaymentBatch.objects.get(cutoff=CUTOFF)
    assert batch.lines.get().amount_cents == 800
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "comptabilite-2026-03-16.csv",
        f"releve-2026-03-16-lieu-{venue.pk}.csv",
        f"releve-2026-03-16-lieu-{venue.pk}.pdf",
        "virements-2026-03-16.xml",
    ]
    # Run again: same batch, same bank order.
    first_xml = (out / "virements-2026-03-16.xml").read_bytes()
    call_command("payments", "generate", "--cutoff", "2026-03-16", "--out", str(out), stdout=io.StringIO())
    assert PaymentBatch.objects.count() == 1
    assert (out / "virements-2026-03-16.xml").read_bytes() == first_xml


@pytest.mark.parametrize("cutoff", ["2026-03-15", "16/03/2026", "demain"])
def test_the_command_refuses_a_date_that_is_not_a_cut_off(db, tmp_path, cutoff):
    with pytest.raises(CommandError, match="Date de clôture invalide"):
        call_command("payments", "generate", "--cutoff", cutoff, "--out", str(tmp_path))
    assert not PaymentBatch.objects.exists()


def test_the_command_refuses_fewer_than_one_worker(db, tmp_path):
    with pytest.raises(CommandError, match="--workers : au moins 1"):
        call_command(
            "payments", "generate", "--cutoff", "2026-03-16", "--out", str(tmp_path), "--workers", "0"
        )
    assert not PaymentBatch.objects.exists()


def test_the_command_refuses_a_cut_off_still_to_come_and_writes_nothing(db, tmp_path, time_machine):
    used(paid_venue(), 800)  # would be priced by a run
    # 15 March 23:59 Paris: the cut-off of 16 March has not begun.
    time_machine.move_to(INSTANT - dt.timedelta(minutes=1), tick=False)
    out = tmp_path / "lot"

    with pytest.raises(CommandError, match="n'est pas encore passée") as raised:
        call_command("payments", "generate", "--cutoff", "2026-03-16", "--out", str(out))

    assert "16 mars 2026 à 00h00 (heure de Paris)" in str(raised.value)
    assert not PaymentBatch.objects.exists()
    assert not Pricing.objects.exists()
    assert not out.exists()


def test_generate_refuses_a_cut_off_before_its_instant_and_accepts_it_from_then(db):
    with pytest.raises(CutoffNotPassed) as raised:
        generate_payment_batch(CUTOFF, at=INSTANT - dt.timedelta(microseconds=1))
    assert raised.value.code == "CUTOFF_NOT_PASSED"
    assert not PaymentBatch.objects.exists()

    assert generate_payment_batch(CUTOFF, at=INSTANT).cutoff == CUTOFF


def test_generate_on_the_clock_refuses_a_cut_off_still_to_come(db):
    with pytest.raises(CutoffNotPassed):
        generate_payment_batch(NEXT_CUTOFF)  # the clock says 17 March
    assert not PaymentBatch.objects.exists()


def test_generate_refuses_a_day_that_is_not_a_cut_off(db):
    with pytest.raises(NotACutoff):
        generate_payment_batch(dt.date(2026, 3, 15))


def test_the_job_creates_the_batch_the_day_after_the_cut_off_once(db, time_machine):
    venue = paid_venue()
    used(venue, 800)
    # 16 March 23:30 Paris: still the day of the cut-off, the 1 March batch is the due one.
    time_machine.move_to(utc(2026, 3, 16, 22, 30), tick=False)
    assert generate_due_batch() == {"cutoff": "2026-03-01", "created": True, "lines": 0}
    # 17 March 00:30 Paris.
    time_machine.move_to(utc(2026, 3, 16, 23, 30), tick=False)
    assert generate_due_batch() == {"cutoff": "2026-03-16", "created": True, "lines": 1}
    assert generate_due_batch() == {"cutoff": "2026-03-16", "created": False}
    assert PaymentBatch.objects.count() == 2


def test_payment_errors_map_to_http_statuses():
    from passculture.interfaces.errors import status_for

    assert status_for(PaymentBatchAlreadySent()) == 409
    assert status_for(PaymentLineAlreadyInError()) == 409
    assert status_for(PaymentErrorReasonRequired()) == 400


def test_each_file_built_alone_is_the_same_as_in_the_whole_set_and_an_unknown_name_is_none(db):
    eden = paid_venue()
    lumiere = paid_venue(iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    priced(used(eden, 800), used(eden, 1030), used(lumiere, 650, quantity=2))
    batch = generate_payment_batch(CUTOFF)

    everything = batch_files(batch)

    assert batch_file_names(batch) == [file.name for file in everything]
    for file in everything:
        assert batch_file(batch, file.name) == file
    for name in ("releve-2026-03-16-lieu-999999.csv", "releve-2026-03-16-lieu-x.csv", "autre.csv", ""):
        assert batch_file(batch, name) is None


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_refreshes_the_pricing_statistics_for_its_files(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    venue = paid_venue()
    priced(used(venue), used(venue))
    monkeypatch.setattr(batches, "ANALYZE_AFTER_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        batch = generate_payment_batch(CUTOFF, at=NOW)
    assert batch.lines.get().booking_count == 2
    assert [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")] == [
        'ANALYZE "finance_pricing"'
    ]
