"""Remboursements in a real browser (issue 14, point 6): the pro reads the next transfer and what waits,
the transfers sent, downloads a statement, then opens a venue's ledger, which says the same."""

from pathlib import Path

import pytest
from django.test import Client

from passculture.core.offerers.factories import MembershipFactory
from passculture.core.users.factories import ProFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot
from tests.core.finance import reimbursement_scenario as scenario

pytestmark = BROWSER_MARKS

# The lead's side menu leaves the content ~800 px wide at 1280: the page is checked in such a column.
CONTENT_WIDTH = 800
# What sticks out of `main` narrowed to that width, or scrolls sideways inside it (a table's wrapper).
# Visually hidden text (captions, .fr-sr-only: 1 px, clipped) is not judged.
NARROW = "width => { document.querySelector('main').style.maxWidth = width ? width + 'px' : ''; }"
OVERFLOWS = """() => {
  const main = document.querySelector('main');
  const right = main.getBoundingClientRect().right + 1;
  const shown = element => element.getBoundingClientRect().width > 1 && !element.closest('.fr-sr-only, caption');
  const wide = [...main.querySelectorAll('*')].filter(shown).filter(
    element => element.getBoundingClientRect().right > right
      || (['auto', 'scroll'].includes(getComputedStyle(element).overflowX) && element.scrollWidth > element.clientWidth + 1)
  ).map(element => element.tagName + '.' + element.className + ' ' + element.textContent.trim().slice(0, 40));
  return wide;
}"""


@pytest.fixture
def cinema(transactional_db, time_machine):
    built = scenario.build(time_machine, tick=True)
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=built.offerer)
    return built, pro


def test_pro_reads_one_coherent_reimbursements_page_and_the_ledger_agrees(live_server, cinema, page):
    built, pro = cinema
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, Client(), pro, live_server.url)
    page.goto(f"{live_server.url}/pro/")
    page.get_by_role("link", name="Remboursements").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Remboursements"

    # The 142 EUR batch made but not sent is the next transfer, never a transfer sent.
    # (text_content: DSFR badges are upper-cased by CSS.)
    next_transfer = page.locator("#next-transfer").text_content()
    assert "En cours d'envoi" in next_transfer
    assert "142\u00a0€ le lundi 23 mars 2026" in next_transfer
    assert "À venir" in next_transfer and "8 avril 2026" in next_transfer
    sent = page.locator("#payments-table tbody tr")
    assert sent.count() == 1
    assert "08/03/2026" in sent.inner_text() and "80\u00a0€" in sent.inner_text()
    waiting = page.locator("#waiting")
    assert "Bloqué" in waiting.text_content()
    assert (
        waiting.get_by_role(
            "link", name="Faire valider les coordonnées bancaires de Ciné Lumière Part-Dieu"
        ).count()
        == 1
    )
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    assert_accessible(page, "pro-reimbursements")
    screenshot(page, "pro-reimbursements-1440")

    # Statements: one link per period, venue and format, with a name that says which.
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Relevé du 1er au 15 mars 2026 — Ciné Lumière Bellecour, format CSV"
        ).click()
    download = download_info.value
    assert download.suggested_filename == f"releve-2026-03-16-lieu-{built.bellecour.pk}.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert built.tokens["sending0"] in content and built.tokens["sent0"] not in content
    pdf = page.get_by_role(
        "link", name="Relevé du 16 au 28 février 2026 — Ciné Lumière Bellecour, format PDF"
    )
    assert pdf.is_visible()

    # 1280x800, and a ~800 px content column (the side menu): nothing scrolls sideways.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "pro-reimbursements-1280")
    page.evaluate(NARROW, CONTENT_WIDTH)
    assert page.evaluate(OVERFLOWS) == []
    screenshot(page, "pro-reimbursements-1280-content-800")
    page.evaluate(NARROW, 0)

    # The ledger of the venue says the same, in the same words.
    page.locator("#ledger-links").get_by_role("link", name="Ciné Lumière Bellecour").click()
    page.wait_for_load_state()
    assert "Suivi des remboursements" in page.get_by_role("heading", level=1).inner_text()
    transfers = page.locator("#next-transfer li")
    assert [transfers.nth(i).get_attribute("data-state") for i in range(transfers.count())] == [
        "SENDING",
        "TO_COME",
    ]
    assert "142\u00a0€ le 23/03/2026" in transfers.nth(0).inner_text()
    assert "6,50\u00a0€ le 08/04/2026" in transfers.nth(1).inner_text()
    assert page.locator(f'tr[data-token="{built.tokens["to_come"]}"]').count() == 1
    screenshot(page, "pro-reimbursements-ledger-1280")
    page.evaluate(NARROW, CONTENT_WIDTH)
    assert page.evaluate(OVERFLOWS) == []
    screenshot(page, "pro-reimbursements-ledger-1280-content-800")
    assert_accessible(page, "pro-reimbursements-ledger")
