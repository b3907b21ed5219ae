from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.models import Venue
from passculture.core.users.factories import ProFactory, UserFactory
from passculture.interfaces.pro import venues as venue_views

pytestmark = pytest.mark.django_db
SIREN = "732829320"
SIRET = "73282932000074"


@pytest.fixture
def offerer():
    return OffererFactory(siren=SIREN, name="Cinémas Voltaire")


@pytest.fixture
def member(offerer):
    return MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user


@pytest.fixture
def own_venue(offerer):
    return VenueFactory(offerer=offerer, name="Le Voltaire", siret=SIRET)


@pytest.fixture
def other_venue():
    return VenueFactory(name="Cinéma d'en face")


@pytest.fixture
def logged(client, member):
    client.force_login(member)
    return client


def _form(**overrides):
    data = {
        "name": "Ciné Lagon",
        "public_name": "",
        "siret": "",
        "no_siret_reason": "Salle associative",
        "address": "2 rue de Paris",
        "postal_code": "97400",
        "city": "Saint-Denis",
        "booking_email": "resa@cinelagon.example.com",
        "withdrawal_details": "Contremarque à la caisse.",
        "motor_disability_accessible": "on",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def test_venue_pages_require_login(client, own_venue):
    for url in (reverse("pro:venues"), reverse("pro:venue", args=[own_venue.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_cannot_see_venue_pages(client, own_venue):
    client.force_login(UserFactory())
    assert client.get(reverse("pro:venue", args=[own_venue.pk])).status_code == 302


def test_the_list_shows_the_current_offerer_venues_only(logged, own_venue, other_venue):
    content = logged.get(reverse("pro:venues")).content.decode()
    assert own_venue.name in content
    assert other_venue.name not in content


def test_the_menu_links_to_the_venues(logged):
    assert f'href="{reverse("pro:venues")}"' in logged.get(reverse("pro:dashboard")).content.decode()


def test_creating_a_venue_places_it_and_sets_its_timezone(logged, offerer):
    response = logged.post(reverse("pro:venue-create"), _form())
    venue = Venue.objects.get(name="Ciné Lagon")
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:venue", args=[venue.pk])
    assert venue.offerer == offerer
    assert (venue.timezone, venue.coordinates_source) == ("Indian/Reunion", "gazetteer")
    assert venue.motor_disability_accessible and not venue.visual_disability_accessible
    assert venue.latitude is not None


def test_a_domain_refusal_is_shown_next_to_its_field(logged):
    response = logged.post(reverse("pro:venue-create"), _form(siret="44306184100047", no_siret_reason=""))
    assert response.status_code == 200
    assert (
        "Le SIRET du lieu doit commencer par le SIREN de la structure."
        in response.context["form"].errors["siret"]
    )
    assert not Venue.objects.filter(name="Ciné Lagon").exists()


def test_an_address_that_cannot_be_placed_opens_the_position_section(logged):
    response = logged.post(reverse("pro:venue-create"), _form(postal_code="97400", city="Lyon"))
    assert response.status_code == 200
    assert response.context["position_open"] is True
    assert "indiquez vous-même la latitude et la longitude" in response.content.decode()


def test_out_of_range_coordinates_are_shown_on_the_latitude_field(logged):
    response = logged.post(reverse("pro:venue-create"), _form(latitude="120", longitude="55.4"))
    assert response.context["form"].errors["latitude"]
    assert response.context["position_open"] is True


def test_the_detail_page_shows_the_venue_timezone_position_and_bank_details(logged, own_venue):
    content = logged.get(reverse("pro:venue", args=[own_venue.pk])).content.decode()
    assert own_venue.siret in content
    assert "Europe/Paris" in content
    assert 'id="venue-latitude">48,85800' in content
    assert "Coordonnées bancaires" in content


def test_the_detail_page_shows_the_venues_current_bank_details(logged, own_venue):
    account = BankAccountFactory(venue=own_venue, holder="Voltaire SAS")
    content = logged.get(reverse("pro:venue", args=[own_venue.pk])).content.decode()
    assert "Voltaire SAS" in content
    assert account.masked_iban in content
    assert "pro/finance/finance.css" in content


def test_the_edit_form_is_prefilled(logged, own_venue):
    form = logged.get(reverse("pro:venue-edit", args=[own_venue.pk])).context["form"]
    assert form["name"].value() == "Le Voltaire"
    assert form["latitude"].value() == "48.858000"


def test_editing_a_venue_saves_and_logs_the_change(logged, own_venue, member):
    data = venue_views.VenueForm.initial_for(own_venue)
    data.update(public_name="Le Voltaire (salle 2)", visual_disability_accessible="on")
    data = {k: v for k, v in data.items() if v not in (False, None)}
    response = logged.post(reverse("pro:venue-edit", args=[own_venue.pk]), data)
    assert response.status_code == 302
    own_venue.refresh_from_db()
    assert own_venue.public_name == "Le Voltaire (salle 2)"
    assert own_venue.visual_disability_accessible
    assert (own_venue.latitude, own_venue.coordinates_source) == (Decimal("48.858000"), "")
    entry = AuditLog.objects.get(action="venue.updated")
    assert entry.actor == member
    assert entry.data["changed"] == ["public_name", "visual_disability_accessible"]


@pytest.mark.parametrize("role", [MembershipRole.ADMIN, MembershipRole.EDITOR])
def test_admins_and_editors_of_the_offerer_may_edit(client, offerer, own_venue, role):
    client.force_login(MembershipFactory(offerer=offerer, role=role).user)
    assert client.get(reverse("pro:venue-edit", args=[own_venue.pk])).status_code == 200
    data = {**_form(), "name": f"Renommé par {role}", "siret": SIRET, "no_siret_reason": ""}
    assert client.post(reverse("pro:venue-edit", args=[own_venue.pk]), data).status_code == 302
    own_venue.refresh_from_db()
    assert own_venue.name == f"Renommé par {role}"


@pytest.mark.parametrize("page", ["pro:venue", "pro:venue-edit"])
def test_another_offerer_venue_pages_answer_404(logged, other_venue, page):
    assert logged.get(reverse(page, args=[other_venue.pk])).status_code == 404


def test_another_offerer_venue_cannot_be_edited(logged, other_venue):
    response = logged.post(reverse("pro:venue-edit", args=[other_venue.pk]), _form(name="Piraté"))
    assert response.status_code == 404
    other_venue.refresh_from_db()
    assert other_venue.name == "Cinéma d'en face"


def test_a_pending_membership_gives_no_access_to_the_venue(client, offerer, own_venue):
    pending = MembershipFactory(offerer=offerer, validation_status=ValidationStatus.PENDING).user
    client.force_login(pending)
    assert client.get(reverse("pro:venue", args=[own_venue.pk])).status_code == 404


def test_a_pro_without_a_validated_offerer_cannot_create_a_venue(client):
    client.force_login(ProFactory())
    response = client.post(reverse("pro:venue-create"), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:venues")
    assert not Venue.objects.filter(name="Ciné Lagon").exists()


def test_venue_forms_are_protected_against_csrf(member, own_venue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(reverse("pro:venue-create"), _form()).status_code == 403
    assert client.post(reverse("pro:venue-edit", args=[own_venue.pk]), _form()).status_code == 403
