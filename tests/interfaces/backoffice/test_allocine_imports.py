"""Staff's page of Allociné import runs."""

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import VenueFactory
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.users.factories import ProFactory, StaffFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
URL = "/backoffice/files/allocine/imports/"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def venue():
    venue = VenueFactory(name="Le Voltaire")
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0645", internal_id="C0645")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700)
    return venue


def run(venue, status, day, errors=()):
    return AllocineImportRun.objects.create(
        venue=venue, started_at=utc(2026, 11, day, 3), status=status, errors=list(errors)
    )


def test_the_page_lives_under_the_backoffice_files():
    assert reverse("backoffice:allocine-imports") == URL


def test_failures_come_first_then_the_newest(staff_client, venue):
    run(venue, "ok", 5)
    run(venue, "error", 1, ["AlloCiné ne répond pas"])
    run(venue, "partial", 3)
    page = staff_client.get(URL).content.decode()
    positions = [page.index(f'class="allocine-run-{status}"') for status in ("partial", "error", "ok")]
    assert positions == sorted(positions)


def test_each_run_shows_venue_theatre_and_errors(staff_client, venue):
    run(venue, "error", 1, ["AlloCiné ne répond pas"])
    page = staff_client.get(URL).content.decode()
    assert "Le Voltaire" in page and "P0645" in page and "AlloCiné ne répond pas" in page


def test_staff_can_filter_by_status(staff_client, venue):
    run(venue, "ok", 5)
    run(venue, "error", 1)
    page = staff_client.get(URL, {"status": "ok"}).content.decode()
    assert 'class="allocine-run-ok"' in page
    assert 'class="allocine-run-error"' not in page


def test_the_queues_page_counts_failed_runs(staff_client, venue):
    run(venue, "error", 1)
    run(venue, "partial", 2)
    run(venue, "ok", 3)
    page = staff_client.get(reverse("backoffice:queues")).content.decode()
    assert URL in page
    assert "Imports AlloCiné en échec ou partiels" in page


def test_a_pro_is_refused(client, venue):
    client.force_login(ProFactory())
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_run_that_found_the_programme_unchanged_says_so(staff_client, venue):
    AllocineImportRun.objects.create(
        venue=venue, started_at=utc(2026, 11, 5, 3), status="ok", errors=[], programme_unchanged=True
    )
    run(venue, "ok", 4)
    page = staff_client.get(URL).content.decode()
    assert page.count("programme inchangé") == 1
