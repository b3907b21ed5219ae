"""The pro's Allociné settings page and the venue page's import summary."""

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
SIRET = "73282932000074"
VALID = {"price": "7,50", "quantity": "80", "is_duo": "on", "is_active": "on"}


@pytest.fixture
def offerer():
    return OffererFactory(siren="732829320")


@pytest.fixture
def cinema(offerer):
    AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    return VenueFactory(offerer=offerer, siret=SIRET, timezone="Europe/Paris")


@pytest.fixture
def logged(client, offerer):
    client.force_login(MembershipFactory(offerer=offerer).user)
    return client


def url(venue) -> str:
    return reverse("pro:venue-allocine", args=[venue.pk])


def test_the_page_lives_under_the_venue():
    assert reverse("pro:venue-allocine", args=[3]) == "/pro/lieux/3/allocine/"


def test_the_venue_page_links_an_eligible_cinema_to_its_settings(logged, cinema):
    page = logged.get(reverse("pro:venue", args=[cinema.pk])).content.decode()
    assert "Paramétrer l'importation" in page
    assert url(cinema) in page


def test_the_venue_page_of_an_unlisted_venue_has_no_settings_link(logged, offerer):
    venue = VenueFactory(offerer=offerer)
    page = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()
    assert url(venue) not in page


def test_saving_stores_cents_and_shows_the_scheduled_message(logged, cinema):
    response = logged.post(url(cinema), VALID, follow=True)
    page = response.content.decode()
    assert "Importation programmée : les séances apparaîtront d&#x27;ici quelques minutes." in page
    settings_obj = AllocineVenueSettings.objects.get(venue=cinema)
    assert (settings_obj.price_cents, settings_obj.quantity, settings_obj.is_duo) == (750, 80, True)


def test_after_saving_the_state_reads_import_pending(logged, cinema):
    page = logged.post(url(cinema), VALID, follow=True).content.decode()
    assert 'id="allocine-state">importation en attente<' in page


def test_an_empty_seat_count_means_unlimited(logged, cinema):
    logged.post(url(cinema), {**VALID, "quantity": ""})
    assert AllocineVenueSettings.objects.get().quantity is None


def test_the_price_is_required(logged, cinema):
    response = logged.post(url(cinema), {**VALID, "price": ""})
    assert response.status_code == 200
    assert not AllocineVenueSettings.objects.exists()


@pytest.mark.parametrize("price", ["-1", "abc", "7,555"])
def test_an_invalid_price_is_refused(logged, cinema, price):
    response = logged.post(url(cinema), {**VALID, "price": price})
    assert 'class="fr-error-text"' in response.content.decode()
    assert not AllocineVenueSettings.objects.exists()


def test_zero_seats_is_refused(logged, cinema):
    response = logged.post(url(cinema), {**VALID, "quantity": "0"})
    assert 'class="fr-error-text"' in response.content.decode()
    assert not AllocineVenueSettings.objects.exists()


def test_the_form_shows_the_current_settings(logged, cinema):
    logged.post(url(cinema), {**VALID, "quantity": ""})
    page = logged.get(url(cinema)).content.decode()
    assert 'value="7,50"' in page
    assert "illimitées" in page


def test_the_page_lists_the_last_ten_runs_with_their_counts(logged, cinema):
    for day in range(1, 13):
        AllocineImportRun.objects.create(
            venue=cinema,
            started_at=utc(2026, 11, day, 3, 0),
            finished_at=utc(2026, 11, day, 3, 5),
            status=AllocineImportRun.Status.PARTIAL,
            films_seen=day,
            errors=[f"Film {day} ignoré : pas de titre"],
        )
    page = logged.get(url(cinema)).content.decode()
    assert page.count("<tr>") == 11  # the header and ten runs
    assert "12 novembre 2026 à 04h00" in page  # in the venue's timezone
    assert "Film 12 ignoré : pas de titre" in page
    assert "Film 2 ignoré" not in page and "Film 1 ignoré" not in page


def test_without_pending_request_the_state_is_the_last_run(logged, cinema):
    logged.post(url(cinema), VALID)
    AllocineVenueSettings.objects.update(import_requested_at=None)
    AllocineImportRun.objects.create(venue=cinema, started_at=utc(2026, 11, 1), status="error")
    page = logged.get(url(cinema)).content.decode()
    assert 'id="allocine-state">Échec<' in page


def test_an_unlisted_venue_reads_the_eligibility_message_without_form(logged, offerer):
    venue = VenueFactory(offerer=offerer)
    page = logged.get(url(venue)).content.decode()
    assert "ne figure pas dans la liste des cinémas référencés sur AlloCiné" in page
    assert 'id="allocine-settings-form"' not in page


def test_posting_for_an_unlisted_venue_saves_nothing(logged, offerer):
    venue = VenueFactory(offerer=offerer)
    logged.post(url(venue), VALID)
    assert not AllocineVenueSettings.objects.exists()


def test_another_offerers_cinema_is_not_found(logged):
    other = VenueFactory()
    AllocineTheater.objects.create(siret=other.siret, theater_id="P0001", internal_id="C0001")
    assert logged.get(url(other)).status_code == 404
    assert logged.post(url(other), VALID).status_code == 404
    assert not AllocineVenueSettings.objects.exists()


def test_a_visitor_is_sent_to_login(client, cinema):
    response = client.get(url(cinema))
    assert response.status_code == 302
    assert reverse("pro:login") in response["Location"]


def test_a_beneficiary_is_refused(client, cinema):
    client.force_login(UserFactory())
    response = client.post(url(cinema), VALID)
    assert response.status_code in (302, 403)
    assert not AllocineVenueSettings.objects.exists()


def test_the_form_is_csrf_protected(cinema, offerer):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(MembershipFactory(offerer=offerer).user)
    assert csrf_client.post(url(cinema), VALID).status_code == 403


def test_the_page_says_whether_the_import_is_active_not_that_it_could_be(logged, cinema):
    before = logged.get(url(cinema)).content.decode().replace("&#x27;", "'")
    assert "L'importation n'est pas active" in before
    logged.post(url(cinema), VALID)
    after = logged.get(url(cinema)).content.decode().replace("&#x27;", "'")
    assert "L'importation quotidienne est active" in after
    assert "pourra être activée" not in after
