"""The whole back office in a real browser, as staff: the home, every list, one form per model and
every page of our own, each checked by axe (0 critical, 0 serious) with no sideways scroll."""

import pytest

from passculture.core.bookings.services import book_offer
from passculture.core.users.factories import StaffFactory
from tests.browser import AXE, BROWSER_MARKS, assert_accessible, log_in, screenshot

from .pages import admin_pages, custom_pages, fill_back_office

pytestmark = BROWSER_MARKS

# Looked at: the home, a list with filters, a change form with inlines, a queue of our own.
SCREENSHOTS = {
    "/backoffice/": "backoffice-home",
    "/backoffice/offerers/offerer/": "backoffice-offerer-list",
    "/backoffice/files/identite/": "backoffice-identity-queue",
}


@pytest.fixture
def staff_page(transactional_db, live_server, page, client, beneficiary, stock, pro):
    rows = fill_back_office(book_offer(beneficiary, stock.pk))
    # Staff, not superuser, as the words crawl (both see the same pages since groups and DSFR settings left).
    staff = StaffFactory(is_superuser=False)
    log_in(page, client, staff, live_server.url)
    page.set_viewport_size({"width": 1440, "height": 900})
    return page, staff, rows


# axe's CSSOM preload re-reads the sheets a stylesheet @imports (Django's forms.css imports widgets.css)
# through an inline <style>, which the CSP refuses (console errors). Only css-orientation-lock needs it:
# a desktop back office has no orientation to lock.
AXE_WITHOUT_PRELOAD = """() => {
  const run = axe.run;
  axe.run = (context, options) => run(context, {...options, preload: false});
}"""


def test_every_back_office_page_passes_axe(live_server, staff_page):
    page, staff, rows = staff_page
    page.add_init_script(path=str(AXE))
    page.add_init_script(AXE_WITHOUT_PRELOAD.join(["(", ")()"]))
    # Histories and add forms are Django's own markup again (the words crawl reads them): left out, for time.
    pages = [path for path in admin_pages(staff) if not path.endswith(("/history/", "/add/"))]
    pages += custom_pages(rows)
    wide, refused = [], []
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        try:
            assert_accessible(page, path)
        except AssertionError as error:  # every page's violations at once, not only the first page's
            refused.append(str(error).split("\nassert")[0])
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
        if path in SCREENSHOTS:
            screenshot(page, SCREENSHOTS[path])
    assert not refused, "\n".join(refused)
    assert not wide, f"Pages wider than the window: {wide}"
    assert len(pages) > 40
