"""An admin creates an API key in a real browser, their ticketing software uses it, then they revoke it."""

import re

import httpx
import pytest

from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot
from tests.interfaces.api.public.v2.conftest import build_scenario

# serialized_rollback: the closing flush would otherwise erase the credit policies seeded by migration.
pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_creates_uses_and_revokes_a_key(page, live_server, client, transactional_db):
    venue = VenueFactory(name="Ciné Lumière")
    admin = MembershipFactory(offerer=venue.offerer, role=MembershipRole.ADMIN).user
    build_scenario(venue, admin)
    log_in(page, client, admin, live_server.url)
    api = f"{live_server.url}/api/v2/bookings/token/XK4F2M"

    page.goto(f"{live_server.url}/pro/")
    page.get_by_role("button", name="Paramètres").click()  # the side menu's group
    page.locator("#pro-menu").get_by_role("link", name="Clés d'API").click()
    page.get_by_label("Nom de la clé").fill("Billetterie caisse 1")
    page.get_by_role("button", name="Créer une clé d'API").click()

    key = page.locator("#api-key-value").input_value()
    assert re.fullmatch(r"[a-z0-9]+_[0-9a-f]{12}_[0-9a-f]{64}", key)
    screenshot(page, "pro-api-key-created")
    assert httpx.get(api, headers={"Authorization": f"Bearer {key}"}).status_code == 200

    page.goto(f"{live_server.url}/pro/cles-api/")
    row = page.locator(f'tr[data-prefix="{key.split("_")[1]}"]')
    assert "Billetterie caisse 1" in row.inner_text()
    assert "Jamais" not in row.inner_text()
    assert key not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Révoquer").click()
    page.wait_for_selector("text=est révoquée")
    screenshot(page, "pro-api-key-revoked")
    refused = httpx.get(api, headers={"Authorization": f"Bearer {key}"})
    assert (refused.status_code, refused.json()["code"]) == (401, "API_KEY_REVOKED")

    page.locator("#api-docs-link").click()
    page.wait_for_selector("h1:has-text('API contremarque')")
    screenshot(page, "api-v2-docs")
