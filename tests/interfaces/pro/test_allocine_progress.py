"""The venue's Allociné state box: the import pending or running, refreshed by htmx until it finishes."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine import selectors
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 12, 0)  # 13h00 in Paris
SIRET = "73282932000074"
Status = AllocineImportRun.Status


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def offerer():
    return OffererFactory(siren="732829320")


@pytest.fixture
def cinema(offerer):
    theater = AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    venue = VenueFactory(offerer=offerer, siret=SIRET, timezone="Europe/Paris")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700)
    return venue


@pytest.fixture
def logged(client, offerer):
    client.force_login(MembershipFactory(offerer=offerer).user)
    return client


def status_url(venue) -> str:
    return reverse("pro:venue-allocine-status", args=[venue.pk])


STARTED = utc(2026, 12, 1, 11, 58)


def _run(venue, *, started=STARTED, status=Status.RUNNING, **fields) -> AllocineImportRun:
    if status != Status.RUNNING:
        fields.setdefault("finished_at", started + dt.timedelta(minutes=1))
    return AllocineImportRun.objects.create(venue=venue, started_at=started, status=status, **fields)


def _polls(html: str) -> bool:
    return 'hx-trigger="every 2s"' in html


def test_the_status_url_lives_under_the_venue():
    assert reverse("pro:venue-allocine-status", args=[3]) == "/pro/lieux/3/allocine/etat/"


def test_a_requested_import_is_pending_and_polled(logged, cinema):
    AllocineVenueSettings.objects.update(import_requested_at=utc(2026, 12, 1, 11, 59))

    html = logged.get(status_url(cinema)).content.decode()

    assert 'id="allocine-state">importation en attente<' in html
    assert "Importation demandée à 12h59" in html
    assert _polls(html)
    assert f'hx-get="{status_url(cinema)}"' in html


def test_a_running_import_shows_since_when_in_the_venue_timezone(logged, cinema):
    _run(cinema, status=Status.OK, started=utc(2026, 11, 30, 3, 0))
    _run(cinema)

    html = logged.get(status_url(cinema)).content.decode()

    assert 'id="allocine-state">importation en cours<' in html
    assert "Import en cours depuis 12h58…" in html
    assert _polls(html)


def test_a_finished_run_shows_its_figures_and_stops_the_polling(logged, cinema):
    _run(
        cinema,
        status=Status.PARTIAL,
        films_seen=5,
        offers_created=4,
        offers_updated=1,
        showtimes_created=12,
        showtimes_updated=2,
        showtimes_deleted=3,
        posters_fetched=4,
        posters_failed=1,
        errors=["Affiche non récupérée"],
    )

    html = logged.get(status_url(cinema)).content.decode()

    assert not _polls(html)
    assert "Import en cours" not in html
    assert 'id="allocine-state">Partiel<' in html
    last = html[html.index('id="allocine-last-run"') :]
    for figure in (
        "5 films lus",
        "offres 4 créées / 1 modifiée",
        "séances 12 créées / 2 modifiées / 3 supprimées",
        "affiches 4 récupérées / 1 en échec",
        "1 erreur.",
    ):
        assert figure in " ".join(last.split())
    # The runs table comes along, swapped out of band by htmx.
    assert '<div id="allocine-runs-block" hx-swap-oob="true">' in html


def test_a_run_running_for_over_an_hour_reads_interrupted_and_is_not_polled(logged, cinema):
    _run(cinema, started=NOW - dt.timedelta(hours=2))
    html = logged.get(status_url(cinema)).content.decode()
    assert 'id="allocine-state">importation interrompue<' in html
    assert not _polls(html)


def test_a_request_nobody_took_for_an_hour_is_no_longer_polled(logged, cinema):
    AllocineVenueSettings.objects.update(import_requested_at=NOW - dt.timedelta(hours=2))
    html = logged.get(status_url(cinema)).content.decode()
    assert 'id="allocine-state">importation en attente<' in html
    assert not _polls(html)


def test_the_pages_load_htmx_and_poll_while_pending(logged, cinema):
    AllocineVenueSettings.objects.update(import_requested_at=NOW)
    for url in (reverse("pro:venue", args=[cinema.pk]), reverse("pro:venue-allocine", args=[cinema.pk])):
        html = logged.get(url).content.decode()
        assert "vendor/htmx-2.0.11.min.js" in html
        assert _polls(html)
        # A full page has the runs table once, in place (no out-of-band copy).
        assert html.count('id="allocine-runs-block"') == 1
        assert "hx-swap-oob" not in html


def test_another_offerers_status_is_not_found(logged):
    other = VenueFactory()
    assert logged.get(status_url(other)).status_code == 404


def test_the_status_needs_a_logged_in_pro(client, cinema):
    response = client.get(status_url(cinema))
    assert response.status_code == 302
    assert reverse("pro:login") in response["Location"]


def test_the_status_is_read_only(logged, cinema):
    assert logged.post(status_url(cinema)).status_code == 405


# --- The state rule itself -------------------------------------------------------------------------


def test_a_running_run_wins_over_a_new_request(cinema):
    settings_obj = AllocineVenueSettings.objects.get()
    settings_obj.import_requested_at = NOW
    assert selectors.import_state(settings_obj, [_run(cinema)]) == selectors.STATE_RUNNING
    assert selectors.import_state(settings_obj, []) == selectors.STATE_PENDING


def test_a_run_that_found_the_programme_unchanged_says_so_in_the_runs_table(logged, cinema):
    _run(cinema, status=Status.OK, films_seen=5, programme_unchanged=True)

    html = logged.get(status_url(cinema)).content.decode()

    runs = html[html.index('id="allocine-runs-block"') :]
    assert "programme inchangé" in runs
