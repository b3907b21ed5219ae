"""Bank details in a real browser: the pro submits them, staff accept them, the pro sees them validated."""

import pytest
from django.test import Client

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory, StaffFactory
from tests.browser import BROWSER_MARKS, screenshot

pytestmark = BROWSER_MARKS


def log_in(page, live_server, user) -> None:
    """Reuses a Django session instead of typing the password (the login page has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def cinema(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", offerer__name="Lumière Bellecour SAS")
    VenueFactory(offerer=venue.offerer, name="Ciné Lumière Terreaux")
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    return {"venue": venue, "pro": pro, "staff": StaffFactory()}


def test_pro_submits_bank_details_staff_accepts_them_pro_sees_them_validated(live_server, cinema, page):
    venue = cinema["venue"]
    log_in(page, live_server, cinema["pro"])
    page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/coordonnees-bancaires/")
    assert page.get_by_role("heading", level=1).inner_text() == "Coordonnées bancaires"

    page.locator("#id_iban").fill("FR76 3000 6000 0112 3456 7890 189")
    page.locator("#id_holder").click()  # leaving the IBAN field asks the server for the BIC
    bic = page.locator("#id_bic")
    page.wait_for_function("() => document.getElementById('id_bic').value !== ''")
    assert bic.input_value() == "AGRIFRPP"
    assert "CREDIT AGRICOLE SA" in page.locator("#bank-name").inner_text()
    page.locator("#id_holder").fill("Lumière Bellecour SAS")
    screenshot(page, "pro-finance-bank-account-form")

    page.get_by_role("button", name="Envoyer pour validation").click()
    page.wait_for_load_state()
    assert "en attente de validation" in page.locator(".pro-bank-summary").inner_text().lower()
    assert "FR76 **** **** **** **** **** 189" in page.locator(".pro-bank-summary").inner_text()

    page.get_by_role("button", name="Paramètres").click()  # the side menu's group
    page.locator("#pro-menu").get_by_role("link", name="Coordonnées bancaires").click()
    table = page.locator("#bank-accounts-table")
    assert "Ciné Lumière Terreaux" in table.inner_text()
    # DSFR badges are uppercased by CSS: compare the text in lower case.
    assert "aucune" in table.locator("tr", has_text="Ciné Lumière Terreaux").inner_text().lower()
    assert (
        "en attente de validation"
        in table.locator("tr", has_text="Ciné Lumière Bellecour").inner_text().lower()
    )
    screenshot(page, "pro-finance-bank-account-list")

    log_in(page, live_server, cinema["staff"])
    page.goto(f"{live_server.url}/backoffice/files/coordonnees-bancaires/")
    row = page.locator("#bank-queue tr", has_text="Ciné Lumière Bellecour")
    assert "FR76 3000 6000 0112 3456 7890 189" in row.inner_text()
    assert "CREDIT AGRICOLE SA" in row.inner_text()
    screenshot(page, "backoffice-finance-bank-account-queue")
    row.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    assert page.locator("#bank-queue-empty").is_visible()

    log_in(page, live_server, cinema["pro"])
    page.goto(f"{live_server.url}/pro/coordonnees-bancaires/")
    assert "validées" in page.locator("tr", has_text="Ciné Lumière Bellecour").inner_text().lower()


def test_an_invalid_iban_is_explained_on_the_page(live_server, cinema, page):
    log_in(page, live_server, cinema["pro"])
    page.goto(f"{live_server.url}/pro/lieux/{cinema['venue'].pk}/coordonnees-bancaires/")
    page.locator("#id_iban").fill("FR76 3000 6000 0112 3456 7890 188")
    page.locator("#id_holder").fill("Lumière Bellecour SAS")
    page.get_by_role("button", name="Envoyer pour validation").click()
    page.wait_for_load_state()
    assert "IBAN invalide" in page.locator("#iban-messages").inner_text()
    assert page.locator("#id_iban").input_value() == "FR76 3000 6000 0112 3456 7890 188"
    screenshot(page, "pro-finance-bank-account-form-error")
