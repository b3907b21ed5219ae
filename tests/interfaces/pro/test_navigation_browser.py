"""The side menu and the header's structure selector in a real browser, at the staff's desktop size."""

import pytest

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS


@pytest.fixture
def pro_page(page, live_server, client, transactional_db):
    """The page, logged in as a pro member of two structures (the header then shows the selector)."""
    pro = ProFactory()
    for name in ("Le Carré Nantais", "Cinémas Voltaire"):
        VenueFactory(offerer=MembershipFactory(user=pro, offerer__name=name).offerer)
    log_in(page, client, pro, live_server.url)
    return page


def test_menu_and_structure_selector(pro_page, live_server):
    page = pro_page
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/pro/lieux/")

    menu = page.get_by_role("navigation", name="Cinémas Voltaire")  # the first by name is the current one
    assert menu.get_by_role("link", name="Lieux").get_attribute("aria-current") == "page"
    settings = menu.get_by_role("button", name="Paramètres")
    settings.click()
    menu.get_by_role("link", name="AlloCiné").wait_for()
    assert_accessible(page, "pro menu with Paramètres open")
    screenshot(page, "pro-navigation-1440")
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")

    page.get_by_label("Structure").select_option(label="Le Carré Nantais")
    with page.expect_navigation():
        page.get_by_role("button", name="Changer de structure").click()
    assert page.url.endswith("/pro/lieux/")
    page.get_by_role("navigation", name="Le Carré Nantais").wait_for()

    page.keyboard.press("Tab")  # the skip links come first
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Menu"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#pro-menu"


def _header_menu(page) -> dict:
    return page.evaluate(
        """() => { const menu = document.getElementById('pro-header-modal');
        return {role: menu.getAttribute('role'), labelledby: menu.getAttribute('aria-labelledby')}; }"""
    )


def test_header_menu_is_valid_before_the_design_system_script_runs(pro_page, live_server):
    """On a desktop the header's menu is shown inline, a plain block: until (or unless) DSFR's script runs,
    nothing may name it as if it were a dialog (axe: aria-prohibited-attr; it once failed a page test that
    ran axe before the script)."""
    page = pro_page
    page.set_viewport_size({"width": 1440, "height": 900})
    page.route("**/dsfr.module.min.js", lambda route: route.abort())
    page.route("**/dsfr.nomodule.min.js", lambda route: route.abort())
    page.goto(f"{live_server.url}/pro/lieux/")

    assert _header_menu(page) == {"role": None, "labelledby": None}
    assert_accessible(page, "pro header without the design system's script")


def test_header_menu_opens_as_a_named_dialog_on_a_phone(pro_page, live_server):
    """Below DSFR's large breakpoint the menu is a dialog: its script gives it the role and names it after
    the button that opens it."""
    page = pro_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/pro/")

    page.get_by_role("button", name="Compte").click()
    dialog = page.get_by_role("dialog", name="Compte")
    dialog.get_by_label("Structure").wait_for()
    assert_accessible(page, "pro header menu open on a phone")
    assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "pro-header-menu-375")
