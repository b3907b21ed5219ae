"""Staff follow a payment batch in a real browser: open it, report a line in error, mark it sent."""

import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.constants import PaymentBatchStatus, PaymentLineStatus
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PaymentLine
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import StaffFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot
from tests.conftest import utc

pytestmark = BROWSER_MARKS

# A past cut-off, so the real clock can run (the live server is another thread).
CUTOFF = dt.date(2026, 3, 16)


@pytest.fixture
def staff_page(transactional_db, live_server, page, client):
    log_in(page, client, StaffFactory(), live_server.url)
    return page


def test_staff_report_an_error_then_mark_the_batch_sent(live_server, staff_page):
    venues = []
    for name, account in (("Eden", {}), ("Lumière", {"iban": IBAN_LA_BANQUE_POSTALE, "bic": "PSSTFRPP"})):
        venue = VenueFactory(name=name, public_name="")
        BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0), **account)
        UsedBookingFactory(stock__offer__venue=venue, amount_cents=800, used_at=utc(2026, 3, 10, 10, 0))
        venues.append(venue)
    price_bookings()
    batch = generate_payment_batch(CUTOFF)
    page = staff_page

    page.goto(f"{live_server.url}/backoffice/paiements/lots/")
    page.get_by_role("link", name="16/03/2026").click()
    page.wait_for_selector("#batch-lines")
    lumiere = PaymentLine.objects.get(batch=batch, venue=venues[1])
    page.locator(f"#error-reason-{lumiere.pk}").fill("IBAN clôturé")
    page.get_by_role("button", name="Signaler une erreur sur le virement de Lumière").click()
    page.wait_for_selector("text=IBAN clôturé")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Marquer comme envoyé").click()
    page.wait_for_selector("text=marqué comme envoyé")
    screenshot(page, "backoffice-payment-batch")

    batch.refresh_from_db()
    assert batch.status == PaymentBatchStatus.SENT
    lumiere.refresh_from_db()
    assert (lumiere.status, lumiere.error_reason) == (PaymentLineStatus.ERROR, "IBAN clôturé")
    statuses = dict(Booking.objects.values_list("stock__offer__venue_id", "status"))
    assert statuses == {venues[0].pk: BookingStatus.REIMBURSED, venues[1].pk: BookingStatus.USED}
