import pytest
from django.urls import reverse

from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.models import AllocineTheater

pytestmark = pytest.mark.django_db
SIRET = "73282932000074"


@pytest.fixture
def offerer():
    return OffererFactory(siren="732829320")


@pytest.fixture
def logged(client, offerer):
    client.force_login(MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user)
    return client


def detail(client, venue) -> str:
    response = client.get(reverse("pro:venue", args=[venue.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_listed_cinema_sees_its_allocine_identifier(logged, offerer):
    AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    page = detail(logged, VenueFactory(offerer=offerer, siret=SIRET))
    assert "Importation d'offres (AlloCiné)" in page
    assert "Ce cinéma est référencé sur AlloCiné (identifiant P0645)" in page


def test_an_unlisted_cinema_reads_why_and_whom_to_contact(logged, offerer, settings):
    settings.PASSCULTURE_SUPPORT_PRO_EMAIL = "aide@example.org"
    page = detail(logged, VenueFactory(offerer=offerer, siret=SIRET))
    assert 'id="venue-allocine-not-eligible"' in page
    assert "ne figure pas dans la liste des cinémas référencés sur AlloCiné" in page
    assert "mailto:aide@example.org" in page


def test_a_venue_without_siret_gets_its_own_notice(logged, offerer):
    page = detail(logged, VenueFactory(offerer=offerer, siret=None, no_siret_reason="Cinéma itinérant"))
    assert "Ce lieu n&#x27;a pas de SIRET" in page


def test_another_offerers_listed_venue_is_still_not_found(logged):
    other = VenueFactory()
    AllocineTheater.objects.create(siret=other.siret, theater_id="P0645", internal_id="C0645")
    assert logged.get(reverse("pro:venue", args=[other.pk])).status_code == 404
