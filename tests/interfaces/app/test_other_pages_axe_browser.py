"""The app's smaller pages, not reached by the journeys' browser tests, on a phone (390x844): each is
checked with axe (no critical or serious violation), fits the screen without sideways scroll, and gets
its screenshot. The journeys check the main pages (home, film, cinema, map, booking, ticket, bookings,
credit, account, errors, offline) in their own tests."""

import pytest

from passculture.core.credit.factories import DepositFactory
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


def _check(page, heading: str, name: str) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, name)
    assert_accessible(page, name)


@pytest.mark.parametrize(
    ("path", "heading", "name"),
    [
        ("/mot-de-passe/oublie/", "Mot de passe oublié", "app-password-reset"),
        ("/conditions-generales/", "Conditions générales d'utilisation", "app-terms"),
        ("/inscription/nouveau-lien/", "Recevoir un nouveau lien de confirmation", "app-resend-confirmation"),
    ],
)
def test_the_pages_for_visitors(page, live_server, path, heading, name):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")
    _check(page, heading, name)


@pytest.mark.parametrize(
    ("path", "heading", "name"),
    [
        ("/compte/mot-de-passe/", "Changer de mot de passe", "app-password-change"),
        ("/compte/suppression/", "Supprimer mon compte", "app-account-delete"),
        ("/reservations/", "Mes réservations", "app-bookings-empty"),
    ],
)
def test_the_pages_of_a_beneficiary(page, live_server, client, path, heading, name):
    page.set_viewport_size(PHONE)
    user = UserFactory(first_name="Lina")
    DepositFactory(user=user)
    log_in(page, client, user, live_server.url)
    page.goto(f"{live_server.url}{path}")
    _check(page, heading, name)


def test_a_pro_on_a_beneficiary_page_reads_why(page, live_server, client):
    page.set_viewport_size(PHONE)
    log_in(page, client, UserFactory(role=Role.PRO), live_server.url)
    response = page.goto(f"{live_server.url}/credit/")
    assert response.status == 403
    _check(page, "Espace réservé aux jeunes bénéficiaires", "app-not-a-beneficiary")
