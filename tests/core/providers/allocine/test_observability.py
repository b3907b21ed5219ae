"""Allociné import runs for operations: counted by outcome, and logged with the id of the request, task
or job that started them (decision 0036)."""

import io
import json
import logging

import httpx
import pytest
from prometheus_client import REGISTRY

from passculture.core.common import request_id
from passculture.core.common.logs import JsonFormatter, RequestIdFilter
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import record_crashed_run, sync_venue

pytestmark = pytest.mark.django_db


def runs(outcome: str) -> float:
    return REGISTRY.get_sample_value("passculture_allocine_runs_total", {"outcome": outcome}) or 0.0


def failing_client() -> AllocineClient:
    return AllocineClient(
        base_url="http://allocine.test/api/query",
        api_key="test-key",
        transport=httpx.MockTransport(lambda request: httpx.Response(503)),
        sleep=lambda seconds: None,
    )


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("passculture.core.providers.allocine")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_failed_import_is_counted_and_logged_with_the_id_that_started_it(venue, json_lines):
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0001")
    settings_obj = AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700)
    before = runs("error")
    with request_id.bound("req-allocine-0001"):
        run = sync_venue(settings_obj, client=failing_client())
    assert run.status == AllocineImportRun.Status.ERROR
    assert runs("error") == before + 1
    [line] = [
        line for line in json_lines() if line["message"] == f"allocine: venue {venue.pk}: run {run.pk} error"
    ]
    assert line["request_id"] == "req-allocine-0001"


def test_a_crashed_import_is_counted_too(venue):
    before = runs("error")
    record_crashed_run(venue, None)
    assert runs("error") == before + 1
