"""End to end: `passculture runjobs` runs the daily Allociné import against a local server replaying
the recorded-shape feed (real client, real HTTP, real posters; nothing faked inside the import)."""

import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from passculture.core.bookings.services import book_offer
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVanishedShowtime,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import ALERT_KIND
from tests.conftest import utc

pytestmark = pytest.mark.django_db
FEED = json.loads((Path(__file__).parents[1] / "providers/allocine/feeds/normal_theater.json").read_text())
DAY_1 = utc(2026, 12, 1, 12, 0)
DAY_2 = DAY_1 + dt.timedelta(days=1)
KEY = "e2e-allocine-key"
THEATER = "P0645"
VOYAGEURS, NUIT, LOUPS = "TW92aWU6MTMxMTM2", "TW92aWU6MzAwMDAz", "TW92aWU6MzAwMDA0"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 600), (30, 60, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _feed(httpserver, *, without: tuple[str, ...] = (), moved: str = "") -> dict:
    """The recorded feed, posters served by the local server; some films removed, the first showtime
    of "Les Voyageurs du Nord" moved to `moved`."""
    feed = copy.deepcopy(FEED)
    edges = [e for e in feed["movieShowtimeList"]["edges"] if e["node"]["movie"]["id"] not in without]
    feed["movieShowtimeList"]["edges"] = edges
    for edge in edges:
        movie = edge["node"]["movie"]
        if movie.get("poster"):
            movie["poster"]["url"] = httpserver.url_for(f"/posters/{movie['id']}.jpg")
        if movie["id"] == VOYAGEURS and moved:
            edge["node"]["showtimes"][0]["startsAt"] = moved
    return feed


@pytest.fixture
def allocine_server(httpserver, settings):
    settings.ALLOCINE_API_URL = httpserver.url_for("/api/query")
    settings.ALLOCINE_API_KEY = KEY
    return httpserver


@pytest.fixture
def cinema(venue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    venue.timezone = "Europe/Paris"
    venue.save()
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id=THEATER)
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=650, quantity=90)
    return venue


def _serve_feed(httpserver, feed: dict) -> None:
    httpserver.clear()
    httpserver.expect_request(
        "/api/query/movieShowtimeList",
        query_string={"theater": THEATER},
        headers={"Authorization": f"Bearer {KEY}"},
    ).respond_with_json(feed)
    poster = _jpeg()
    # Every film of the recorded feed: the import refreshes the posters of the offers it already has.
    for edge in FEED["movieShowtimeList"]["edges"]:
        movie_id = edge["node"]["movie"]["id"]
        httpserver.expect_request(f"/posters/{movie_id}.jpg").respond_with_data(
            poster, content_type="image/jpeg"
        )


def _runjobs() -> dict:
    out = io.StringIO()
    call_command("runjobs", "--job", "allocine_sync", stdout=out)
    return json.loads(out.getvalue())


def _starts(movie_id: str) -> list[dt.datetime]:
    stocks = Stock.objects.filter(offer__provider_ref=f"allocine:{movie_id}", is_deleted=False)
    return sorted(stocks.values_list("beginning_datetime", flat=True))


def test_runjobs_imports_the_programme_then_follows_its_changes_the_next_day(
    allocine_server, cinema, beneficiary, time_machine
):
    # Day 1: the first import, through the job runner, over HTTP.
    time_machine.move_to(DAY_1, tick=False)
    _serve_feed(allocine_server, _feed(allocine_server))

    results = _runjobs()

    assert results["allocine_sync"] == {
        "status": "ok",
        "venues": 1,
        "ok": 1,
        "partial": 0,
        "error": 0,
        "skipped": 0,
    }
    allocine_server.check_assertions()  # every request carried the bearer key and the theatre
    offers = Offer.objects.filter(venue=cinema).order_by("name")
    assert [offer.name for offer in offers] == [
        "La Longue Nuit",
        "Les Petits Loups",
        "Les Voyageurs du Nord",
        "Petit Court",
    ]
    # Posters fetched from the local server and stored; "Petit Court" has none in the feed
    # (on the shared film since posters moved to films: decision 19).
    assert [bool(offer.poster) for offer in offers] == [True, True, True, False]
    # Paris is UTC+1 in December; only the classic showtimes (2D digital) are kept.
    assert _starts(VOYAGEURS) == [utc(2026, 12, 5, 13, 0), utc(2026, 12, 5, 19, 30), utc(2026, 12, 6, 15, 15)]
    assert _starts(NUIT) == [utc(2026, 12, 5, 21, 15)]
    assert set(Stock.objects.values_list("price_cents", "quantity")) == {(650, 90)}
    first = AllocineImportRun.objects.get()
    assert (first.status, first.films_seen, first.offers_created, first.showtimes_created) == ("ok", 5, 4, 5)
    assert (first.posters_fetched, first.posters_failed) == (3, 0)

    # The same day, the job is not due again: nothing runs.
    assert _runjobs() == {}

    # A beneficiary books "Les Petits Loups"; the next day Allociné moved a showtime and dropped two films.
    loups = Stock.objects.get(offer__provider_ref=f"allocine:{LOUPS}")
    book_offer(beneficiary, loups.pk)
    time_machine.move_to(DAY_2, tick=False)
    _serve_feed(allocine_server, _feed(allocine_server, without=(NUIT, LOUPS), moved="2026-12-05T15:00:00"))

    results = _runjobs()

    assert results["allocine_sync"]["partial"] == 1
    allocine_server.check_assertions()
    second = AllocineImportRun.objects.latest("started_at")
    assert _starts(VOYAGEURS) == [utc(2026, 12, 5, 14, 0), utc(2026, 12, 5, 19, 30), utc(2026, 12, 6, 15, 15)]
    assert _starts(NUIT) == []  # vanished without bookings: deleted
    assert _starts(LOUPS) == [loups.beginning_datetime]  # vanished but booked: kept, pro alerted
    assert (second.showtimes_created, second.showtimes_deleted, second.showtimes_kept_booked) == (1, 2, 1)
    assert second.status == "partial" and second.started_at == DAY_2
    assert AllocineVanishedShowtime.objects.get(resolved_at__isnull=True).stock == loups
    email = OutboxEmail.objects.get(kind=ALERT_KIND)
    assert "Les Petits Loups" in email.text_body
