"""The notification preferences page on phones: reached from the account page, every choice saved with
one button, read back; the unsubscribe pages without signing in (screenshots + axe)."""

import pytest

from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def beneficiary(transactional_db):
    from passculture.core.credit.factories import DepositFactory
    from passculture.core.users.factories import UserFactory

    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_preferences_page_from_the_account_page(live_server, page, client, beneficiary):
    page.set_viewport_size(PHONE)
    log_in(page, client, beneficiary, live_server.url)
    page.goto(f"{live_server.url}/compte/")
    page.get_by_role("link", name="Choisir mes notifications").click()
    page.get_by_role("heading", name="Mes notifications").wait_for()
    show = page.get_by_label("Recevoir un rappel par email avant mes séances")
    credit = page.get_by_label("Recevoir un rappel avant la fin de mon crédit")
    assert show.is_checked() and credit.is_checked()
    assert _fits(page)
    assert_accessible(page, "app-accounts-notifications")
    screenshot(page, "app-accounts-notifications")
    show.uncheck(force=True)  # DSFR draws the box on the label, over the input
    page.get_by_role("button", name="Enregistrer mes choix").click()
    page.get_by_text("tes choix de notifications sont à jour").wait_for()
    assert not page.get_by_label("Recevoir un rappel par email avant mes séances").is_checked()
    assert page.get_by_label("Recevoir un rappel avant la fin de mon crédit").is_checked()
    assert_accessible(page, "app-accounts-notifications-saved")
    screenshot(page, "app-accounts-notifications-saved")
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False
    assert beneficiary.wants_credit_reminders is True
    page.set_viewport_size(SMALL_PHONE)
    page.reload()
    assert _fits(page)
    screenshot(page, "app-accounts-notifications-360")
    # Scrolled to, the button is above the tab bar, not under it (a full-page shot draws the bar over it).
    covering = page.evaluate(
        """() => { const button = document.getElementById('preferences-save');
        button.scrollIntoView({block: 'center', behavior: 'instant'});
        const b = button.getBoundingClientRect();
        return document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2)?.id; }"""
    )
    assert covering == "preferences-save"
    page.screenshot(path=str(screenshot(page, "app-accounts-notifications-360-button")), caret="initial")


def test_the_unsubscribe_pages_without_signing_in(live_server, page, beneficiary):
    from passculture.core.users.notification_preferences import Topic, unsubscribe_token
    from passculture.core.users.reminder_preferences import legacy_unsubscribe_token

    page.set_viewport_size(PHONE)
    url = f"{live_server.url}/desabonnement/{unsubscribe_token(beneficiary, Topic.CREDIT_REMINDERS)}/"
    page.goto(url)
    page.locator("#unsubscribed").wait_for()
    assert "fin de ton crédit" in page.locator("#unsubscribed").inner_text()
    assert beneficiary.email not in page.content()
    assert_accessible(page, "app-unsubscribed")
    screenshot(page, "app-unsubscribed")
    page.goto(f"{live_server.url}/rappels/desabonnement/{legacy_unsubscribe_token(beneficiary)}/")
    assert "avant tes séances" in page.locator("#unsubscribed").inner_text()
    page.goto(url[:-3] + "x/")
    assert "pas valide" in page.locator("#unsubscribe-error").inner_text()
    assert_accessible(page, "app-unsubscribe-refused")
    screenshot(page, "app-unsubscribe-refused")
