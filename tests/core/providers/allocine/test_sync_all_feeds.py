"""sync_all asks Allociné for the next venue's feed while it writes the current one: still one request
per venue, in the venues' order, and a feed that fails (or crashes) fails its venue only."""

import contextvars

import httpx
import pytest

from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer
from passculture.core.providers.allocine.models import AllocineImportRun
from passculture.core.providers.allocine.sync import sync_all
from tests.conftest import utc
from tests.core.providers.allocine.test_sync import NORMAL, Allocine, Posters, _connect

pytestmark = pytest.mark.django_db
Status = AllocineImportRun.Status


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(utc(2026, 12, 1, 12, 0), tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_each_feed_is_asked_for_once_in_the_order_of_the_venues():
    allocine = Allocine()
    asked: list[str] = []
    theaters = ["P0003", "P0001", "P0002"]
    for theater in theaters:
        allocine.serve(theater, NORMAL)
    handle = allocine.handle
    allocine.handle = lambda request: asked.append(request.url.params["theater"]) or handle(request)
    settings = [_connect(VenueFactory(), theater) for theater in theaters]

    results = sync_all(client=allocine.client(), poster_transport=Posters().transport())

    assert asked == theaters  # settings are created in this order: by primary key
    assert (results["venues"], results["ok"]) == (3, 3)
    assert all(Offer.objects.filter(venue=s.venue).count() == 4 for s in settings)


def test_a_feed_that_crashes_records_a_crashed_run_and_the_next_venue_is_imported():
    allocine = Allocine()

    def crash(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")

    allocine.answers["P0001"] = crash
    allocine.serve("P0002", NORMAL)
    crashed = _connect(VenueFactory(), "P0001")
    working = _connect(VenueFactory(), "P0002")

    results = sync_all(client=allocine.client(), poster_transport=Posters().transport())

    assert (results["venues"], results["error"], results["ok"]) == (2, 1, 1)
    assert AllocineImportRun.objects.filter(venue=crashed.venue, status=Status.ERROR).exists()
    assert Offer.objects.filter(venue=working.venue).count() == 4


RUN_LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("run_label", default="none")


def test_the_feed_is_asked_for_in_the_context_of_the_run():
    allocine = Allocine()
    seen: list[str] = []
    allocine.serve("P0001", NORMAL)
    handle = allocine.handle
    allocine.handle = lambda request: seen.append(RUN_LABEL.get()) or handle(request)
    _connect(VenueFactory(), "P0001")
    token = RUN_LABEL.set("daily run 42")
    try:
        sync_all(client=allocine.client(), poster_transport=Posters().transport())
    finally:
        RUN_LABEL.reset(token)

    assert seen == ["daily run 42"]


def test_runs_are_started_together_and_each_ends_once_even_when_its_venue_crashes(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passculture.core.providers.allocine import sync

    monkeypatch.setattr(sync, "RUNS_STARTED_TOGETHER", 2)
    allocine = Allocine()

    def crash(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("boom")  # out of the venue's own error handling

    allocine.serve("P0001", NORMAL)
    allocine.answers["P0002"] = crash
    allocine.serve("P0003", NORMAL)
    settings = [_connect(VenueFactory(), theater) for theater in ("P0001", "P0002", "P0003")]

    with CaptureQueriesContext(connection) as queries:
        results = sync_all(client=allocine.client(), poster_transport=Posters().transport())

    run_inserts = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('INSERT INTO "allocine_allocineimportrun"')
    ]
    assert len(run_inserts) == 2  # venues 1 and 2 together, then venue 3
    assert (results["venues"], results["ok"], results["error"]) == (3, 2, 1)
    runs = {run.venue_id: run for run in AllocineImportRun.objects.all()}
    assert len(runs) == AllocineImportRun.objects.count() == 3  # no second run for the crashed venue
    assert [runs[s.venue_id].status for s in settings] == [Status.OK, Status.ERROR, Status.OK]
    assert all(run.finished_at is not None for run in runs.values())
    assert runs[settings[1].venue_id].errors == [sync.UNEXPECTED_ERROR_MESSAGE]
