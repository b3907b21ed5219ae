"""The account page's reminder checkbox on a phone: unticked, saved, read back (screenshot + axe)."""

import pytest

from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def beneficiary(transactional_db):
    from passculture.core.credit.factories import DepositFactory
    from passculture.core.users.factories import UserFactory

    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


def test_the_reminder_checkbox_on_the_account_page(live_server, page, client, beneficiary):
    page.set_viewport_size(PHONE)
    log_in(page, client, beneficiary, live_server.url)
    page.goto(f"{live_server.url}/compte/")
    box = page.get_by_label("Recevoir un rappel par email avant mes séances")
    assert box.is_checked()
    page.locator("#notifications").scroll_into_view_if_needed()
    assert_accessible(page, "app-accounts-reminder-preference")
    screenshot(page, "app-accounts-reminder-preference")
    box.uncheck(force=True)  # DSFR draws the box on the label, over the input
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Tu ne recevras plus de rappel avant tes séances.").wait_for()
    assert not page.get_by_label("Recevoir un rappel par email avant mes séances").is_checked()
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False


def test_the_unsubscribe_pages_without_signing_in(live_server, page, beneficiary):
    from passculture.core.users.reminder_preferences import unsubscribe_token

    page.set_viewport_size(PHONE)
    url = f"{live_server.url}/rappels/desabonnement/{unsubscribe_token(beneficiary)}/"
    page.goto(url)
    page.locator("#unsubscribed").wait_for()
    assert_accessible(page, "app-reminders-unsubscribed")
    screenshot(page, "app-reminders-unsubscribed")
    page.goto(url[:-3] + "x/")
    assert "pas valide" in page.locator("#unsubscribe-error").inner_text()
    assert_accessible(page, "app-reminders-unsubscribe-refused")
    screenshot(page, "app-reminders-unsubscribe-refused")
