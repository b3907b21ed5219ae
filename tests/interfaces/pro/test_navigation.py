"""The pro portal's side menu, the structure selector in the header and Paramètres › AlloCiné."""

import re

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from passculture.core.users.factories import ProFactory

pytestmark = pytest.mark.django_db

MAIN = ["Accueil", "Offres", "Réservations", "Guichet", "Remboursements", "Lieux", "Paramètres"]
SETTINGS = ["Coordonnées bancaires", "Membres", "Clés d'API", "AlloCiné"]


def _menu(html: str) -> str:
    return html[html.index('id="pro-menu"') : html.index("</nav>", html.index('id="pro-menu"'))]


def _current(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)<', _menu(html))


def test_every_pro_page_has_the_side_menu_in_order(client, pro, venue):
    client.force_login(pro)
    menu = _menu(client.get(reverse("pro:bookings")).content.decode())
    positions = [menu.index(label.replace("'", "&#x27;")) for label in MAIN + SETTINGS]
    assert positions[: len(MAIN)] == sorted(positions[: len(MAIN)])
    assert _current(client.get(reverse("pro:bookings")).content.decode()) == ["Réservations"]
    assert _current(client.get(reverse("pro:dashboard")).content.decode()) == ["Accueil"]


def test_settings_pages_open_their_group(client, pro, venue):
    client.force_login(pro)
    html = client.get(reverse("pro:members")).content.decode()
    assert _current(html) == ["Membres"]
    assert 'aria-expanded="true" aria-controls="pro-menu-settings"' in html
    html = client.get(reverse("pro:venue-allocine", args=[venue.pk])).content.decode()
    assert _current(html) == ["AlloCiné"]  # under Lieux in the address, under Paramètres in the menu
    html = client.get(reverse("pro:venues")).content.decode()
    assert _current(html) == ["Lieux"]
    assert 'aria-expanded="false" aria-controls="pro-menu-settings"' in html


def test_pages_without_a_pro_context_have_no_menu(client):
    html = client.get(reverse("pro:login")).content.decode()
    assert 'id="pro-menu"' not in html
    assert 'href="#pro-menu"' not in html  # no skip link to nothing


def test_the_structure_selector_is_a_form_in_the_header_with_a_button(client):
    pro = ProFactory()
    _first, second = (MembershipFactory(user=pro, offerer__name=name).offerer for name in ("Alpha", "Bêta"))
    client.force_login(pro)
    html = client.get(reverse("pro:dashboard")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert 'for="offerer-select">Structure<' in header
    assert ">Changer de structure</button>" in header
    response = client.post(
        reverse("pro:switch-offerer-form"), {"offerer_id": second.pk, "next": "/pro/offres/"}
    )
    assert response.status_code == 302 and response["Location"] == "/pro/offres/"
    assert 'id="pro-menu-title">Bêta<' in client.get(reverse("pro:offers")).content.decode()


def test_a_single_structure_gets_no_selector(client, pro, venue):
    client.force_login(pro)
    assert 'id="offerer-select"' not in client.get(reverse("pro:dashboard")).content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "1" * 30, "١", None])
def test_the_selector_refuses_anything_but_one_of_the_users_structures(client, value):
    pro = ProFactory()
    MembershipFactory(user=pro)
    other = OffererFactory()
    client.force_login(pro)
    data = {"offerer_id": other.pk if value is None else value}
    assert client.post(reverse("pro:switch-offerer-form"), data).status_code == 404
    assert client.get(reverse("pro:switch-offerer-form")).status_code == 405


def test_allocine_settings_list_the_current_structures_venues_only(client, pro, venue):
    listed = VenueFactory(offerer=venue.offerer, name="Le Voltaire", siret="73282932000074")
    theater = AllocineTheater.objects.create(siret=listed.siret, theater_id="P0645", internal_id="C0645")
    AllocineVenueSettings.objects.create(venue=listed, theater=theater, price_cents=500, is_active=True)
    elsewhere = VenueFactory(name="Cinéma d'ailleurs")
    client.force_login(pro)
    html = client.get(reverse("pro:allocine")).content.decode()
    assert reverse("pro:venue-allocine", args=[listed.pk]) in html
    assert reverse("pro:venue-allocine", args=[venue.pk]) in html
    assert "Non référencé" in html and ">Active<" in html
    assert elsewhere.name not in html
    assert client.get(reverse("pro:venue-allocine", args=[elsewhere.pk])).status_code == 404
