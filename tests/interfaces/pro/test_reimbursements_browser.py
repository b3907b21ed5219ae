"""Remboursements in a real browser: the pro finds a batch, downloads its statement, opens the ledger."""

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.browser import BROWSER_MARKS, screenshot
from tests.conftest import utc

pytestmark = BROWSER_MARKS

NOW = utc(2026, 3, 17, 6, 0)


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def cinema(transactional_db, time_machine):
    time_machine.move_to(NOW, tick=True)
    venue = VenueFactory(name="Ciné Lumière Bellecour", offerer__name="Lumière Bellecour SAS")
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    paid = UsedBookingFactory(stock__offer__venue=venue, amount_cents=800, used_at=utc(2026, 3, 10, 12, 0))
    price_bookings(at=NOW)
    generate_payment_batch(dt.date(2026, 3, 16))
    waiting = UsedBookingFactory(stock__offer__venue=venue, amount_cents=650, used_at=utc(2026, 3, 17, 5, 0))
    price_bookings(at=NOW)
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    return {"venue": venue, "pro": pro, "paid": paid, "waiting": waiting}


def test_pro_downloads_a_statement_and_follows_the_ledger(live_server, cinema, page):
    venue = cinema["venue"]
    log_in(page, live_server, cinema["pro"])
    page.goto(f"{live_server.url}/pro/")
    page.get_by_role("link", name="Remboursements").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Remboursements"
    row = page.locator("#payments-table tbody tr")
    assert row.count() == 1
    assert "16/03/2026" in row.inner_text()
    assert "Ciné Lumière Bellecour" in row.inner_text()
    screenshot(page, "pro-reimbursements-list")

    with page.expect_download() as download_info:
        row.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"releve-2026-03-16-lieu-{venue.pk}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert cinema["paid"].token in content

    page.locator("#ledger-links").get_by_role("link", name="Ciné Lumière Bellecour").click()
    page.wait_for_load_state()
    assert "Suivi des remboursements" in page.get_by_role("heading", level=1).inner_text()
    next_transfer = page.locator("#next-transfer").inner_text()
    assert "01/04/2026" in next_transfer and "08/04/2026" in next_transfer
    assert "6,50" in next_transfer
    assert page.locator(f'tr[data-token="{cinema["waiting"].token}"]').count() == 1
    screenshot(page, "pro-reimbursements-ledger")
