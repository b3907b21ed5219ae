"""A young person signs up on a phone, confirms the address from the emailed link, logs in, reads the
account page (eligibility and next step) and logs out."""

import datetime as dt
import re

import pytest
from django.core import mail

from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.models import User
from tests.browser import BROWSER_MARKS, assert_accessible, screenshot

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}
EMAIL = "lea.durand@example.com"
PASSWORD = "Un-mot-de-passe-2026"


@pytest.fixture
def public_url(settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_up_confirm_log_in_see_the_account_and_log_out_on_a_phone(
    transactional_db, live_server, public_url, page
):
    page.set_viewport_size(PHONE)
    # 18 and a few weeks: eligible, with the identity check as next step.
    birth_date = dt.date.today() - dt.timedelta(days=365 * 18 + 40)

    page.goto(f"{live_server.url}/")
    # From the tab bar's "Se connecter" to the login page, which offers to create an account.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Se connecter"
    ).click()
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    page.get_by_role("heading", name="Créer mon compte").wait_for()
    assert "au minimum 12 caractères" in page.locator("#password-rules").inner_text()
    page.get_by_label("Adresse email").fill(EMAIL)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Date de naissance").fill(birth_date.isoformat())
    page.get_by_label("Téléphone portable").fill("06 12 34 56 78")
    page.get_by_label("Code postal").fill("69001")
    # The only town of the postal code comes from the gazetteer and fills the city field.
    page.wait_for_function("() => document.getElementById('id_city').value === 'Lyon'")
    assert "Lyon" in page.locator("#city-suggestions-status").inner_text()
    page.get_by_label("J'accepte les conditions générales d'utilisation du pass Culture").check(
        force=True
    )  # DSFR draws the box on the label, over the input
    assert _fits_the_screen(page)
    assert_accessible(page, "app-accounts-signup")
    screenshot(page, "app-accounts-signup")
    page.get_by_role("button", name="Créer mon compte").click()

    page.get_by_role("heading", name="Ton compte est créé").wait_for()
    assert "Tu es éligible au pass Culture" in page.locator("#eligibility").inner_text()
    assert_accessible(page, "app-accounts-signup-done")
    screenshot(page, "app-accounts-signup-done")
    user = User.objects.get(email=EMAIL)
    assert not user.is_email_validated

    # Delivered right after the commit, so the outbox kept only a placeholder: read what was sent.
    outboxed = OutboxEmail.objects.get(kind="account_beneficiary_email_confirmation")
    body = next(m.body for m in mail.outbox if m.subject == outboxed.subject)
    link = re.search(r"http\S+/inscription/confirmer/\S+", body).group(0)
    page.goto(link)
    page.get_by_role("heading", name="Adresse email confirmée").wait_for()
    assert_accessible(page, "app-accounts-email-confirmed")
    screenshot(page, "app-accounts-email-confirmed")
    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    page.get_by_role("button", name="Se connecter").wait_for()
    assert_accessible(page, "app-accounts-login")
    screenshot(page, "app-accounts-login")

    page.get_by_label("Adresse email").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/compte/")
    page.get_by_role("heading", name="Mon compte").wait_for()
    main = page.get_by_role("main").inner_text()
    assert "Tu es éligible au pass Culture" in main
    assert "Prochaine étape : faire vérifier ton identité" in main
    assert EMAIL in main and "06 12 34 56 78" in main and "69001 Lyon" in main
    assert _fits_the_screen(page)
    assert_accessible(page, "app-accounts-account")
    screenshot(page, "app-accounts-account")

    page.locator("#logout-button").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Tu es déconnecté." in page.get_by_role("main").inner_text()
    page.goto(f"{live_server.url}/compte/")
    page.wait_for_url(re.compile(r"/connexion/\?next=/compte/$"))
