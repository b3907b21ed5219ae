"""Saving the Allociné settings: the open page follows the import by itself, pending, running, then
finished with its figures (htmx polling; no reload by hand)."""

import copy
import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.models import AllocineImportRun, AllocineTheater
from passculture.core.providers.allocine.services import sync_requested_imports
from tests.browser import BROWSER_MARKS, log_in, screenshot

pytestmark = BROWSER_MARKS
SIRET = "73282932000074"
FEED = json.loads(
    (Path(__file__).parents[2] / "core/providers/allocine/feeds/normal_theater.json").read_text()
)
FEED_DAY = dt.date(2026, 12, 1)  # the day the recorded feed was "fetched"


def _feed_from_today() -> dict:
    """The recorded feed moved to today's date, without posters (no image server here)."""
    shift = dt.date.today() - FEED_DAY
    feed = copy.deepcopy(FEED)
    for edge in feed["movieShowtimeList"]["edges"]:
        edge["node"]["movie"]["poster"] = None
        for showtime in edge["node"]["showtimes"]:
            start = dt.datetime.fromisoformat(showtime["startsAt"]) + shift
            showtime["startsAt"] = start.isoformat()
    return feed


@pytest.fixture
def pro_page(transactional_db, live_server, page, client):
    offerer = OffererFactory(siren="732829320", name="Cinémas Voltaire")
    log_in(page, client, MembershipFactory(offerer=offerer).user, live_server.url)
    page.offerer = offerer
    return page


def test_saving_the_settings_shows_the_import_running_then_its_figures(live_server, pro_page):
    expect = pytest.importorskip("playwright.sync_api").expect
    venue = VenueFactory(offerer=pro_page.offerer, name="Le Voltaire", siret=SIRET, timezone="Europe/Paris")
    AllocineTheater.objects.create(siret=SIRET, theater_id="P0645", internal_id="C0645")
    pro_page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/allocine/")
    pro_page.fill("#id_price", "6,50")
    pro_page.click("#allocine-settings-form button[type=submit]")
    expect(pro_page.locator("#allocine-state")).to_have_text("importation en attente")
    expect(pro_page.locator("#allocine-progress")).to_contain_text("Importation demandée à")
    expect(pro_page.locator("#allocine-status")).to_have_attribute("data-polling", "true")
    pages_loaded = []
    pro_page.on("load", lambda: pages_loaded.append(True))

    seen_running = []

    def allocine(request: httpx.Request) -> httpx.Response:
        # The worker has created its run row (committed) and waits on Allociné: the page, polling,
        # shows the import in progress by itself.
        expect(pro_page.locator("#allocine-progress")).to_contain_text("Import en cours depuis")
        expect(pro_page.locator("#allocine-state")).to_have_text("importation en cours")
        screenshot(pro_page, "pro-venues-allocine-import-running")
        seen_running.append(request.url.params["theater"])
        return httpx.Response(200, json=_feed_from_today())

    client = AllocineClient(
        base_url="http://allocine.test/api/query",
        api_key="test-key",
        transport=httpx.MockTransport(allocine),
        sleep=lambda seconds: None,
    )
    # The every-minute job that takes the requested import, as runjobs or a worker would.
    assert sync_requested_imports(client=client) == {"requested": 1, "ok": 1}
    assert seen_running == ["P0645"]

    run = AllocineImportRun.objects.get()
    expect(pro_page.locator("#allocine-state")).to_have_text("Réussi")
    last_run = pro_page.locator("#allocine-last-run")
    expect(last_run).to_contain_text(f"{run.films_seen} films lus")
    expect(last_run).to_contain_text(f"offres {run.offers_created} créées")
    expect(last_run).to_contain_text(f"séances {run.showtimes_created} créées / 0 modifiée / 0 supprimée")
    expect(pro_page.locator("#allocine-runs-block tbody tr")).to_have_count(1)
    expect(pro_page.locator("#allocine-progress")).to_have_count(0)
    expect(pro_page.locator("#allocine-status")).to_have_attribute("data-polling", "false")
    assert run.showtimes_created > 0
    assert pages_loaded == []  # everything above came through htmx, not a reload
    screenshot(pro_page, "pro-venues-allocine-import-finished")
