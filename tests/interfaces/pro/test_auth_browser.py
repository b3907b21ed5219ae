"""Sign-up to dashboard in a real browser, against a local replay of the company registry."""

import re

import pytest
from django.core import mail
from django.test import Client

from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.models import Offerer
from passculture.core.users.factories import StaffFactory
from tests.browser import BROWSER_MARKS, screenshot
from tests.core.offerers.registry_replay import CINEMA_SIREN, point_registry_at, serve_all

pytestmark = BROWSER_MARKS
PASSWORD = "Un-mot-de-passe-solide-2026"
EMAIL = "claire.dupont@melies.example.com"


@pytest.fixture
def registry(settings, httpserver, live_server):
    point_registry_at(settings, httpserver)
    settings.PUBLIC_BASE_URL = live_server.url
    serve_all(httpserver)


def test_a_cinema_signs_up_confirms_its_email_logs_in_and_waits_for_validation(
    transactional_db, live_server, registry, page
):
    page.goto(f"{live_server.url}/pro/inscription/")
    page.get_by_label("SIREN de votre structure").fill("832 145 676")
    page.get_by_role("button", name="Rechercher ma structure").click()
    page.locator("#siren-company").wait_for()
    assert "CINEMA LE MELIES" in page.locator("#siren-company").inner_text()
    page.get_by_label("Adresse email").fill(EMAIL)
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    screenshot(page, "pro-auth-signup")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Confirmez votre adresse email").wait_for()
    assert Offerer.objects.get(siren=CINEMA_SIREN).validation_status == ValidationStatus.NEW

    # Delivered right after the commit, so the outbox kept only a placeholder: read what was sent.
    outboxed = OutboxEmail.objects.get(kind="account_email_confirmation")
    body = next(m.body for m in mail.outbox if m.subject == outboxed.subject)
    page.goto(re.search(r"http\S+/pro/inscription/confirmer/\S+", body).group(0))
    page.get_by_role("heading", name="Adresse email confirmée").wait_for()
    page.get_by_role("link", name="Se connecter").last.click()

    page.get_by_label("Adresse email").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    screenshot(page, "pro-auth-login")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/pro/")
    assert "en attente de validation" in page.locator("main, #content").first.inner_text().lower()
    screenshot(page, "pro-auth-dashboard-pending")


def test_staff_see_the_new_offerer_with_its_registry_data_in_the_queue(
    transactional_db, live_server, registry, page
):
    staff = StaffFactory()
    client = Client()
    client.post("/pro/inscription/", {"action": "lookup", "siren": CINEMA_SIREN})
    client.post(
        "/pro/inscription/",
        {
            "action": "signup",
            "siren": CINEMA_SIREN,
            "email": EMAIL,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Claire",
            "last_name": "Dupont",
            "phone_number": "06 12 34 56 78",
        },
    )
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/backoffice/files/structures/")
    row = page.locator("#offerer-queue tbody tr").first
    for expected in ("832145676", "CINEMA LE MELIES", "59.14Z", "Vérifiée au répertoire", EMAIL):
        assert expected in row.inner_text()
    screenshot(page, "pro-auth-backoffice-offerer-queue")
    page.get_by_role("button", name="Valider la structure CINEMA LE MELIES").click()
    page.locator("#offerer-queue-empty").wait_for()
    assert Offerer.objects.get(siren=CINEMA_SIREN).validation_status == ValidationStatus.VALIDATED
