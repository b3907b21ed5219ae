"""The side menu and the header's structure selector in a real browser, at the staff's desktop size."""

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS


def test_menu_and_structure_selector(page, live_server, client, transactional_db):
    pro = ProFactory()
    for name in ("Le Carré Nantais", "Cinémas Voltaire"):
        VenueFactory(offerer=MembershipFactory(user=pro, offerer__name=name).offerer)
    log_in(page, client, pro, live_server.url)
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
