"""Issue 6 audit: the cases the other finance tests leave out, hand-computed (frozen clock), and the
three defects the audit found (a retry emptying the old batch's files, the ledger counting failed
lines instead of bookings, a transfer announced at a cut-off whose batch would not pay the venue).
"""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.finance import batches, ledger, pricing
from passculture.core.finance.batches import (
    batch_file,
    batch_file_names,
    generate_due_batch,
    generate_payment_batch,
    mark_batch_sent,
    mark_line_error,
    sepa_file,
)
from passculture.core.finance.constants import PaymentLineStatus, PricingStatus, ScaleKind
from passculture.core.finance.factories import (
    IBAN_LA_BANQUE_POSTALE,
    BankAccountFactory,
    CustomReimbursementRuleFactory,
    UsedBookingFactory,
)
from passculture.core.finance.models import BankAccount, PaymentBatch, PaymentLine, Pricing, PricingCounter
from passculture.core.finance.periods import cutoff_instant
from passculture.core.jobs.schedule import get_job
from passculture.core.offerers.factories import VenueFactory
from tests.conftest import utc
from tests.core.finance.test_pricing import counter_for, pricing_of

EUR = 100
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
# Pricing cases: mid-June 2026.
JUNE = utc(2026, 6, 15, 12, 0)
# Batch cases: the day after the 16 March 2026 cut-off (its instant: 15 March 23:00 UTC).
NOW = utc(2026, 3, 17, 6, 0)
CUTOFF = dt.date(2026, 3, 16)
INSTANT = utc(2026, 3, 15, 23, 0)
LONG_AGO = utc(2026, 1, 5, 9, 0)


def used(venue, amount_cents, used_at, **kwargs):
    return UsedBookingFactory(stock__offer__venue=venue, amount_cents=amount_cents, used_at=used_at, **kwargs)


def paid_venue(decided_at=LONG_AGO, **account):
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=decided_at, **account)
    return venue


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def cents(text: str) -> int:
    return int(Decimal(text.replace(",", ".")) * 100)


# --- The scale, hand-computed --------------------------------------------------------------------------


def test_exactly_40000_stays_at_95_and_one_cent_more_is_92(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    first = used(venue, 39_990 * EUR, JUNE - dt.timedelta(days=4))
    reaching = used(venue, 1005, JUNE - dt.timedelta(days=3))
    beyond = used(venue, 1005, JUNE - dt.timedelta(days=2))
    pricing.price_bookings()
    # 39,990 > 20,000: 95 % of 3,999,000 cents = 3,799,050 cents.
    assert (pricing_of(first).rate, pricing_of(first).reimbursed_cents) == (Decimal("0.95"), 3_799_050)
    # 39,990 + 10.05 = 40,000.05 > 40,000: already 92 %. 92 % of 1005 = 924.6 -> 925.
    assert pricing_of(reaching).revenue_after_cents == 4_000_005
    assert (pricing_of(reaching).rate, pricing_of(reaching).reimbursed_cents) == (Decimal("0.92"), 925)
    assert (pricing_of(beyond).rate, pricing_of(beyond).reimbursed_cents) == (Decimal("0.92"), 925)


def test_a_booking_ending_exactly_on_40000_is_at_95(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    used(venue, 39_990 * EUR, JUNE - dt.timedelta(days=4))
    reaching = used(venue, 10 * EUR, JUNE - dt.timedelta(days=3))
    one_cent = used(venue, 1, JUNE - dt.timedelta(days=2))
    pricing.price_bookings()
    assert pricing_of(reaching).revenue_after_cents == 40_000 * EUR
    assert (pricing_of(reaching).rate, pricing_of(reaching).reimbursed_cents) == (Decimal("0.95"), 950)
    # 92 % of one cent = 0.92 cent -> 1 cent (half up to the cent).
    assert (pricing_of(one_cent).rate, pricing_of(one_cent).reimbursed_cents) == (Decimal("0.92"), 1)


def test_above_150000_the_2021_scale_pays_90_percent_rounded_half_up(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    used(venue, 149_990 * EUR, JUNE - dt.timedelta(days=4))
    reaching = used(venue, 10 * EUR, JUNE - dt.timedelta(days=3))  # exactly 150,000: still 92 %
    above = used(venue, 1005, JUNE - dt.timedelta(days=2))  # 90 % of 10.05 = 9.045 -> 9.05
    pricing.price_bookings()
    assert (pricing_of(reaching).rate, pricing_of(reaching).reimbursed_cents) == (Decimal("0.92"), 920)
    assert (pricing_of(above).rate, pricing_of(above).reimbursed_cents) == (Decimal("0.90"), 905)


def test_books_100_up_to_20000_then_95_even_above_150000(db, time_machine, monkeypatch):
    time_machine.move_to(JUNE, tick=False)
    # No book category in the catalogue: the default thing category stands for books here.
    monkeypatch.setattr(pricing, "BOOK_CATEGORIES", frozenset({"CARTE_CINE_MULTISEANCES"}))
    venue = VenueFactory()
    under = used(venue, 19_990 * EUR, JUNE - dt.timedelta(days=5))
    crossing = used(venue, 2030, JUNE - dt.timedelta(days=4))  # 20,010.30: 95 % of 20.30 = 19.285 -> 19.29
    big = used(venue, 140_000 * EUR, JUNE - dt.timedelta(days=3))
    far_above = used(venue, 1030, JUNE - dt.timedelta(days=2))  # 95 % of 10.30 = 9.785 -> 9.79 (not 90 %)
    pricing.price_bookings()
    assert {pricing_of(b).scale.kind for b in (under, crossing, big, far_above)} == {ScaleKind.BOOK}
    assert (pricing_of(under).rate, pricing_of(under).reimbursed_cents) == (Decimal("1"), 1_999_000)
    assert (pricing_of(crossing).rate, pricing_of(crossing).reimbursed_cents) == (Decimal("0.95"), 1929)
    assert pricing_of(far_above).revenue_before_cents == 159_990 * EUR + 2030
    assert (pricing_of(far_above).rate, pricing_of(far_above).reimbursed_cents) == (Decimal("0.95"), 979)


def test_a_custom_rate_rounds_half_up_to_the_cent(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    CustomReimbursementRuleFactory(
        venue=venue, rate=Decimal("0.925"), valid_from=JUNE - dt.timedelta(days=10)
    )
    other = VenueFactory()
    CustomReimbursementRuleFactory(venue=other, rate=Decimal("0.5"), valid_from=JUNE - dt.timedelta(days=10))
    ruled = used(venue, 1030, JUNE - dt.timedelta(days=2))  # 92.5 % of 10.30 = 9.5275 -> 9.53
    half_cent = used(other, 1, JUNE - dt.timedelta(days=2))  # 50 % of 1 cent = 0.5 -> 1 (banker's: 0)
    pricing.price_bookings()
    assert (pricing_of(ruled).rate, pricing_of(ruled).reimbursed_cents) == (Decimal("0.925"), 953)
    assert pricing_of(ruled).scale is None
    assert pricing_of(half_cent).reimbursed_cents == 1


def test_a_custom_rule_on_the_offerer_applies_to_all_its_venues_within_its_period(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    sister = VenueFactory(offerer=venue.offerer)
    CustomReimbursementRuleFactory(
        venue=None,
        offerer=venue.offerer,
        rate=None,
        amount_cents=300,
        valid_from=JUNE - dt.timedelta(days=5),
        valid_until=JUNE - dt.timedelta(days=1),
    )
    before = used(venue, 10 * EUR, JUNE - dt.timedelta(days=6))
    duo = used(sister, 10 * EUR, JUNE - dt.timedelta(days=3), quantity=2)  # 2 places x 3 EUR
    after = used(sister, 10 * EUR, JUNE - dt.timedelta(hours=12))
    pricing.price_bookings()
    assert [pricing_of(b).reimbursed_cents for b in (before, duo, after)] == [1000, 600, 1000]


def test_unvalidating_in_december_does_not_touch_the_next_years_pricings(db, time_machine):
    time_machine.move_to(utc(2027, 1, 5, 12, 0), tick=False)
    venue = VenueFactory()
    big = used(venue, 19_995 * EUR, utc(2026, 12, 20, 10, 0))
    december = used(venue, 10 * EUR, utc(2026, 12, 31, 22, 30))  # 23:30 Paris: still 2026
    january = used(venue, 10 * EUR, utc(2026, 12, 31, 23, 30))  # 00:30 Paris: 2027
    pricing.price_bookings()
    assert (pricing_of(december).rate, pricing_of(december).reimbursed_cents) == (Decimal("0.95"), 950)
    january_before = Pricing.objects.filter(booking=january).values().get()

    booking_services.undo_validation(counter_for(venue), big.token)

    assert not Pricing.objects.filter(booking=big).exists()
    assert (pricing_of(december).revenue_before_cents, pricing_of(december).reimbursed_cents) == (0, 1000)
    assert Pricing.objects.filter(booking=january).values().get() == january_before
    counters = dict(PricingCounter.objects.filter(scope_id=venue.pk).values_list("year", "revenue_cents"))
    assert counters == {2026: 1000, 2027: 1000}


def test_unvalidating_reprices_a_later_duo_and_keeps_a_later_ruled_booking_at_its_rule(db, time_machine):
    time_machine.move_to(JUNE, tick=False)
    venue = VenueFactory()
    big = used(venue, 19_995 * EUR, JUNE - dt.timedelta(days=5))
    duo = used(venue, 515, JUNE - dt.timedelta(days=4), quantity=2)  # 10.30 total
    CustomReimbursementRuleFactory(venue=venue, rate=Decimal("0.5"), valid_from=JUNE - dt.timedelta(days=3))
    ruled = used(venue, 10 * EUR, JUNE - dt.timedelta(days=2))
    pricing.price_bookings()
    # 19,995 + 10.30 > 20,000: 95 % of 10.30 = 9.785 -> 9.79.
    assert (pricing_of(duo).rate, pricing_of(duo).reimbursed_cents) == (Decimal("0.95"), 979)
    assert pricing_of(ruled).reimbursed_cents == 500

    booking_services.undo_validation(counter_for(venue), big.token)

    assert (pricing_of(duo).revenue_before_cents, pricing_of(duo).rate) == (0, Decimal("1"))
    assert pricing_of(duo).reimbursed_cents == 1030
    assert (pricing_of(ruled).revenue_before_cents, pricing_of(ruled).reimbursed_cents) == (1030, 500)


# --- Property: the same bookings split into payment batches ------------------------------------------

BATCH_CUTOFFS = [dt.date(2026, 3, 16), dt.date(2026, 4, 1), dt.date(2026, 4, 16), dt.date(2026, 5, 1)]
MARCH_FIRST = utc(2026, 3, 1, 10, 0)
END = utc(2026, 5, 10, 12, 0)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=15_000_00),  # unit amount: a few cross the thresholds
            st.integers(min_value=1, max_value=2),  # duo
            st.integers(min_value=0, max_value=59 * 24),  # hours after 1 March
        ),
        min_size=1,
        max_size=8,
    ),
    cutoffs=st.lists(st.sampled_from(BATCH_CUTOFFS), unique=True, max_size=4),
)
def test_any_split_into_payment_batches_gives_the_same_pricing_and_totals(db, time_machine, specs, cutoffs):
    time_machine.move_to(END, tick=False)
    with transaction.atomic():
        venue = paid_venue()
        bookings = [
            used(venue, amount, MARCH_FIRST + dt.timedelta(hours=hours), quantity=quantity)
            for amount, quantity, hours in specs
        ]
        for cutoff in sorted(cutoffs):
            instant = cutoff_instant(cutoff)
            pricing.price_bookings(at=instant)
            generate_payment_batch(cutoff, at=instant + dt.timedelta(days=1))
        pricing.price_bookings(at=END)
        split = dict(Pricing.objects.values_list("booking_id", "reimbursed_cents"))
        paid = sum(PaymentLine.objects.values_list("amount_cents", flat=True))
        assert paid == sum(
            Pricing.objects.filter(status=PricingStatus.PROCESSED).values_list("reimbursed_cents", flat=True)
        )

        Pricing.objects.all().delete()
        PaymentLine.objects.all().delete()
        PaymentBatch.objects.all().delete()
        PricingCounter.objects.all().delete()
        pricing.price_bookings(at=END)
        assert dict(Pricing.objects.values_list("booking_id", "reimbursed_cents")) == split
        booked = sum(b.amount_cents * b.quantity for b in bookings)
        assert sum(split.values()) <= booked
        transaction.set_rollback(True)


# --- Batches: labels, creditor, debtor, job --------------------------------------------------------------


def test_the_1_april_batch_is_labelled_2nde_quinzaine_executed_on_8_april_to_the_offerer(
    db, time_machine, settings
):
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)
    settings.SEPA_DEBTOR_NAME = "Société pass Culture"
    settings.SEPA_DEBTOR_IBAN = "FR7630001000640000001234559"
    settings.SEPA_DEBTOR_BIC = "BDFEFRPPCCT"
    venue = VenueFactory(offerer__name="Cinéma L'Éden & Cie", name="Salle Lumière")
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO, holder="Autre titulaire")
    used(venue, 800, utc(2026, 3, 20, 10, 0))
    pricing.price_bookings()

    batch = generate_payment_batch(dt.date(2026, 4, 1))

    root = fromstring(sepa_file(batch))
    assert [n.text for n in root.findall(".//p:RmtInf/p:Ustrd", NS)] == [
        "pass Culture Pro - remboursement 2nde quinzaine 03-2026"
    ]
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-04-08"
    # Creditor = the offerer's name (transliterated to the SEPA set), not the account holder nor the venue.
    assert [n.text for n in root.findall(".//p:CdtTrfTxInf/p:Cdtr/p:Nm", NS)] == ["Cinema L'Eden + Cie"]
    assert root.find(".//p:PmtInf/p:Dbtr/p:Nm", NS).text == "Societe pass Culture"
    statement = read_csv(batch_file(batch, f"releve-2026-04-01-lieu-{venue.pk}.csv").content)
    assert statement[0]["Libellé du virement"] == "pass Culture Pro - remboursement 2nde quinzaine 03-2026"
    assert statement[0]["Créancier"] == "Cinéma L'Éden & Cie"


def test_the_batch_job_is_in_runjobs_and_creates_the_batch_the_day_after(db, time_machine):
    assert get_job("generate_payment_batch").load() is generate_due_batch
    venue = paid_venue()
    booking = used(venue, 800, utc(2026, 3, 10, 12, 0))
    time_machine.move_to(utc(2026, 3, 16, 12, 0), tick=False)  # the cut-off day itself: not yet
    call_command("runjobs", "--job", "generate_payment_batch", stdout=io.StringIO())
    assert not PaymentBatch.objects.filter(cutoff=CUTOFF).exists()
    time_machine.move_to(NOW, tick=False)
    out = io.StringIO()
    call_command("runjobs", "--job", "generate_payment_batch", stdout=out)
    result = json.loads(out.getvalue())["generate_payment_batch"]
    assert (result["status"], result["cutoff"], result["created"], result["lines"]) == (
        "ok",
        "2026-03-16",
        True,
        1,
    )
    assert pricing_of(booking).status == PricingStatus.PROCESSED
    assert PaymentBatch.objects.get(cutoff=CUTOFF).lines.get().amount_cents == 800


def test_a_crash_while_retrying_errored_lines_leaves_nothing_and_a_rerun_completes(
    db, staff, time_machine, monkeypatch
):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    bookings = [
        used(venue, 800, INSTANT - dt.timedelta(days=2)),
        used(venue, 500, INSTANT - dt.timedelta(days=1)),
    ]
    pricing.price_bookings()
    first = generate_payment_batch(CUTOFF)
    mark_batch_sent(first, staff)
    old = first.lines.get()
    time_machine.move_to(utc(2026, 3, 20, 10, 0), tick=False)
    mark_line_error(old, "IBAN clôturé", staff)
    BankAccount.objects.filter(venue=venue).update(archived_at=utc(2026, 3, 21))
    BankAccountFactory(
        venue=venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP", accepted=True, decided_at=utc(2026, 3, 22)
    )
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)

    def crash(batch):
        raise RuntimeError("injected failure after the retried lines were linked")

    monkeypatch.setattr(batches, "_total_lines", crash)
    with pytest.raises(RuntimeError):
        generate_payment_batch(dt.date(2026, 4, 1))

    old.refresh_from_db()
    assert old.retried_in is None
    assert set(old.pricings.values_list("booking_id", flat=True)) == {b.pk for b in bookings}
    assert not PaymentBatch.objects.filter(cutoff=dt.date(2026, 4, 1)).exists()

    monkeypatch.undo()
    retry = generate_payment_batch(dt.date(2026, 4, 1)).lines.get()
    old.refresh_from_db()
    assert old.retried_in == retry
    assert (retry.amount_cents, retry.booking_count, retry.iban) == (1300, 2, IBAN_LA_BANQUE_POSTALE)
    assert old.amount_cents == 1300  # history
    mark_batch_sent(retry.batch, staff)
    assert set(Booking.objects.filter(pk__in=[b.pk for b in bookings]).values_list("status", flat=True)) == {
        BookingStatus.REIMBURSED
    }


def test_the_files_of_a_sent_batch_still_agree_after_one_of_its_lines_is_retried(db, staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    used(venue, 800, INSTANT - dt.timedelta(days=2))
    used(venue, 500, INSTANT - dt.timedelta(days=1))
    pricing.price_bookings()
    first = generate_payment_batch(CUTOFF)
    mark_batch_sent(first, staff)
    time_machine.move_to(utc(2026, 3, 20, 10, 0), tick=False)
    mark_line_error(first.lines.get(), "IBAN clôturé", staff)
    BankAccount.objects.filter(venue=venue).update(archived_at=utc(2026, 3, 21))
    BankAccountFactory(
        venue=venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP", accepted=True, decided_at=utc(2026, 3, 22)
    )
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)
    accounting_name = "comptabilite-2026-03-16.csv"
    before = read_csv(batch_file(first, accounting_name).content)
    assert sum(cents(row["Montant remboursé (€)"]) for row in before) == 1300

    generate_payment_batch(dt.date(2026, 4, 1))

    first = PaymentBatch.objects.get(pk=first.pk)
    ctrl_sum = Decimal(fromstring(sepa_file(first)).find(".//p:GrpHdr/p:CtrlSum", NS).text)
    after = read_csv(batch_file(first, accounting_name).content)
    assert ctrl_sum == Decimal("13.00")
    assert sum(cents(row["Montant remboursé (€)"]) for row in after) == 1300


def replace_account(venue, decided_at, **account):
    """The venue's current account archived, a new one accepted at `decided_at`."""
    BankAccount.objects.filter(venue=venue, archived_at__isnull=True).update(
        archived_at=decided_at - dt.timedelta(days=1)
    )
    BankAccountFactory(venue=venue, accepted=True, decided_at=decided_at, **account)


def statuses_of(bookings) -> set[str]:
    return set(Booking.objects.filter(pk__in=[b.pk for b in bookings]).values_list("status", flat=True))


def test_a_line_failing_twice_keeps_the_files_of_its_three_batches_and_the_third_reimburses(
    db, staff, time_machine
):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    march = [
        used(venue, 800, INSTANT - dt.timedelta(days=2)),
        used(venue, 500, INSTANT - dt.timedelta(days=1)),
    ]
    pricing.price_bookings()
    first = generate_payment_batch(CUTOFF)
    mark_batch_sent(first, staff)
    first_sepa = sepa_file(first)

    # Batch 1's transfer fails; a new account is accepted; batch 2 pays it again with a new booking.
    time_machine.move_to(utc(2026, 3, 20, 10, 0), tick=False)
    mark_line_error(first.lines.get(), "IBAN clôturé", staff)
    replace_account(venue, utc(2026, 3, 22), iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    april = used(venue, 300, utc(2026, 3, 25, 10, 0))
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)
    pricing.price_bookings()
    second = generate_payment_batch(dt.date(2026, 4, 1))
    mark_batch_sent(second, staff)
    assert statuses_of([*march, april]) == {BookingStatus.REIMBURSED}
    second_sepa = sepa_file(second)

    # Batch 2's transfer fails too: every booking it paid (its own and batch 1's) is back to USED.
    time_machine.move_to(utc(2026, 4, 3, 10, 0), tick=False)
    mark_line_error(second.lines.get(), "Compte bloqué", staff)
    assert statuses_of([*march, april]) == {BookingStatus.USED}
    replace_account(venue, utc(2026, 4, 5))
    may = used(venue, 200, utc(2026, 4, 10, 10, 0))
    time_machine.move_to(utc(2026, 4, 17, 6, 0), tick=False)
    pricing.price_bookings()
    third = generate_payment_batch(dt.date(2026, 4, 16))

    line1, line2, line3 = (batch.lines.get() for batch in (first, second, third))
    assert (line1.retried_in, line2.retried_in, line3.retried_in) == (line2, line3, None)
    assert [(line.amount_cents, line.booking_count) for line in (line1, line2, line3)] == [
        (1300, 2),
        (1600, 3),
        (1800, 4),
    ]
    # No pricing moved: each keeps the line that first processed it.
    assert dict(Pricing.objects.values_list("booking_id", "payment_line_id")) == {
        march[0].pk: line1.pk,
        march[1].pk: line1.pk,
        april.pk: line2.pk,
        may.pk: line3.pk,
    }
    assert batches.with_retried(third.lines.all()) == {
        line1.pk: line3.pk,
        line2.pk: line3.pk,
        line3.pk: line3.pk,
    }
    # The ledger shows each booking in the transfer that carries it now: the third one.
    assert {row.cutoff for row in ledger.venue_ledger(venue).priced} == {dt.date(2026, 4, 16)}
    assert statuses_of([*march, april, may]) == {BookingStatus.USED}

    mark_batch_sent(third, staff)

    assert statuses_of([*march, april, may]) == {BookingStatus.REIMBURSED}
    cases = [
        (first, line1, first_sepa, march, "En erreur"),
        (second, line2, second_sepa, [*march, april], "En erreur"),
        (third, line3, None, [*march, april, may], "Envoyé"),
    ]
    for made, line, sent_sepa, paid, status in cases:
        batch = PaymentBatch.objects.get(pk=made.pk)  # as sent
        sepa = sepa_file(batch)
        assert sent_sepa is None or sepa == sent_sepa  # the order sent to the bank, byte for byte
        ctrl_sum = Decimal(fromstring(sepa).find(".//p:GrpHdr/p:CtrlSum", NS).text)
        assert ctrl_sum * 100 == line.amount_cents
        stamp = f"{batch.cutoff:%Y-%m-%d}"
        statement_name = f"releve-{stamp}-lieu-{venue.pk}.csv"
        assert statement_name in batch_file_names(batch)
        accounting = read_csv(batch_file(batch, f"comptabilite-{stamp}.csv").content)
        statement = read_csv(batch_file(batch, statement_name).content)
        for rows in (accounting, statement):
            assert sum(cents(row["Montant remboursé (€)"]) for row in rows) == line.amount_cents
            assert sorted(row["Contremarque"] for row in rows) == sorted(b.token for b in paid)
            # The columns of the batch's own line: its status and the account it paid.
            assert {row["Statut"] for row in rows} == {status}
        assert {row["BIC"] for row in accounting} == {line.bic}


def test_a_batch_only_paying_a_failed_transfer_again_has_the_venues_statement(db, staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    booking = used(venue, 800, INSTANT - dt.timedelta(days=2))
    pricing.price_bookings()
    first = generate_payment_batch(CUTOFF)
    mark_batch_sent(first, staff)
    time_machine.move_to(utc(2026, 3, 20, 10, 0), tick=False)
    mark_line_error(first.lines.get(), "IBAN clôturé", staff)
    replace_account(venue, utc(2026, 3, 22), iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)

    retry = generate_payment_batch(dt.date(2026, 4, 1))

    name = f"releve-2026-04-01-lieu-{venue.pk}.csv"
    assert name in batch_file_names(retry)
    rows = read_csv(batch_file(retry, name).content)
    assert [(row["Contremarque"], row["Statut"]) for row in rows] == [(booking.token, "En cours d'envoi")]
    assert [
        row["Statut"] for row in read_csv(batch_file(first, f"releve-2026-03-16-lieu-{venue.pk}.csv").content)
    ] == ["En erreur"]
    # Put in error before it was sent, the retry line leaves the bookings (its own: none) not reimbursed.
    mark_line_error(retry.lines.get(), "Compte bloqué", staff)
    assert statuses_of([booking]) == {BookingStatus.USED}


# --- Ledger ----------------------------------------------------------------------------------------------


def _waiting(result) -> dict[str, tuple[int, int]]:
    return {group.reason: (group.count, group.amount_cents) for group in result.waiting}


def test_a_failed_transfer_of_two_bookings_counts_two_bookings_in_the_next_transfer(db, staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    used(venue, 800, INSTANT - dt.timedelta(days=2))
    used(venue, 500, INSTANT - dt.timedelta(days=1))
    pricing.price_bookings()
    batch = generate_payment_batch(CUTOFF)
    mark_batch_sent(batch, staff)
    mark_line_error(batch.lines.get(), "Compte clos", staff)
    assert _waiting(ledger.venue_ledger(venue))[ledger.PAYMENT_ERROR] == (2, 1300)  # unpayable: right
    BankAccount.objects.filter(venue=venue).update(archived_at=NOW)
    BankAccountFactory(venue=venue, accepted=True, decided_at=NOW + dt.timedelta(minutes=1))

    result = ledger.venue_ledger(venue, at=NOW + dt.timedelta(minutes=2))

    assert result.payable
    assert [(t.cutoff, t.amount_cents, t.booking_count) for t in result.transfers] == [
        (dt.date(2026, 4, 1), 1300, 2)
    ]
    assert _waiting(result)[ledger.NEXT_CUTOFF] == (2, 1300)


def test_an_account_accepted_after_the_cut_off_is_announced_for_the_next_cut_off(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue(decided_at=NOW - dt.timedelta(hours=1))  # 17 March, after the 16 March instant
    used(venue, 1000, INSTANT - dt.timedelta(days=2))
    pricing.price_bookings()

    announced = [(t.cutoff, t.execution_date) for t in ledger.venue_ledger(venue).transfers]
    actual = generate_payment_batch(CUTOFF)

    assert not actual.lines.exists()
    assert announced == [(dt.date(2026, 4, 1), dt.date(2026, 4, 8))]


def test_each_line_status_is_shown_on_the_statement_as_it_changes(db, staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    venue = paid_venue()
    used(venue, 800, INSTANT - dt.timedelta(days=2))
    pricing.price_bookings()
    batch = generate_payment_batch(CUTOFF)
    name = f"releve-2026-03-16-lieu-{venue.pk}.csv"

    def status():
        return {row["Statut"] for row in read_csv(batch_file(batch, name).content)}

    assert status() == {"En cours d'envoi"}
    mark_batch_sent(batch, staff)
    assert status() == {"Envoyé"}
    mark_line_error(batch.lines.get(), "IBAN clôturé", staff)
    assert status() == {"En erreur"}
    assert batch.lines.get().status == PaymentLineStatus.ERROR
