"""Issue 6 audit, point 7: `passculture payments generate` on the demo really yields a non-empty batch
with valid files, and the ledger pages have something to show (the other demo tests only count rows)."""

import io
from decimal import Decimal

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring
from django.core.management import call_command

from passculture.core.common.time import to_local
from passculture.core.finance import ledger
from passculture.core.finance.constants import PricingStatus
from passculture.core.finance.files import schema_path
from passculture.core.finance.models import PaymentBatch, Pricing
from passculture.core.finance.periods import CUTOFF_TIMEZONE, cutoff_instant, latest_due_cutoff
from passculture.core.offerers.models import Venue

pytestmark = pytest.mark.usefixtures("demo")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def test_payments_generate_on_the_demo_makes_a_non_empty_batch_with_valid_files(
    db, demo, time_machine, tmp_path
):
    time_machine.move_to(demo.at, tick=False)
    cutoff = latest_due_cutoff(to_local(demo.at, CUTOFF_TIMEZONE).date())
    out = tmp_path / "lot"

    call_command(
        "payments", "generate", "--cutoff", cutoff.isoformat(), "--out", str(out), stdout=io.StringIO()
    )

    batch = PaymentBatch.objects.get(cutoff=cutoff)
    lines = list(batch.lines.all())
    assert len(lines) >= 5
    assert all(line.amount_cents > 0 and line.booking_count > 0 for line in lines)
    without = Venue.objects.get(name="Ciné Lumière Capitole")
    assert without.pk not in {line.venue_id for line in lines}
    waiting = Pricing.objects.filter(venue=without, validated_at__lt=cutoff_instant(cutoff))
    assert waiting.exists()
    assert set(waiting.values_list("status", flat=True)) == {PricingStatus.PRICED}

    stamp = cutoff.isoformat()
    xml = (out / f"virements-{stamp}.xml").read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(schema_path())).validate(xml)
    root = fromstring(xml.encode("utf-8"))
    ctrl_sum = Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text)
    assert ctrl_sum * 100 == sum(line.amount_cents for line in lines)
    assert (out / f"comptabilite-{stamp}.csv").exists()
    for line in lines:
        assert (out / f"releve-{stamp}-lieu-{line.venue_id}.pdf").read_bytes().startswith(b"%PDF")


def test_the_demo_ledgers_have_something_to_show(db, demo, time_machine):
    time_machine.move_to(demo.at, tick=False)
    without = Venue.objects.get(name="Ciné Lumière Capitole")
    latest = Pricing.objects.exclude(venue=without).latest("validated_at")
    result = ledger.venue_ledger(latest.venue)
    assert result.payable
    if result.year == latest.year:  # a demo loaded in early January has last year's bookings only
        assert result.revenue_cents > 0 and result.priced

    waiting = ledger.venue_ledger(without)
    assert not waiting.payable
    count, amount = {w.reason: (w.count, w.amount_cents) for w in waiting.waiting}[
        ledger.NO_ACCEPTED_BANK_ACCOUNT
    ]
    assert count > 0 and amount > 0
