"""The import works in bulk: its cost in SQL does not grow with the showtimes, an unchanged re-import writes
nothing, and a national run opens its HTTP clients once (benchmarks/scenarios/allocine_national.py
measures the speed; these tests keep the properties it relies on)."""

import copy
import io
import json
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from passculture.core.films.models import Film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.services import update_stock
from passculture.core.providers.allocine import posters
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import sync_all, sync_venue
from tests.conftest import utc

FEEDS = Path(__file__).parent / "feeds"
NORMAL = json.loads((FEEDS / "normal_theater.json").read_text())
NOW = utc(2026, 12, 1, 12, 0)
VOYAGEURS = "allocine:TW92aWU6MTMxMTM2"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def _feed_with_showtimes(count: int) -> dict:
    """NORMAL without posters, with `count` classic showtimes for its first film (every 20 minutes from
    5 December)."""
    feed = copy.deepcopy(NORMAL)
    for edge in feed["movieShowtimeList"]["edges"]:
        edge["node"]["movie"]["poster"] = None
    film = feed["movieShowtimeList"]["edges"][0]["node"]
    film["showtimes"] = [
        {
            "startsAt": f"2026-12-{5 + minutes // 1440:02d}T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00",
            "diffusionVersion": "LOCAL",
            "projection": ["DIGITAL"],
            "experience": None,
            "languages": ["FRENCH"],
        }
        for minutes in range(0, count * 20, 20)
    ]
    return feed


class Feeds:
    def __init__(self) -> None:
        self.by_theater: dict[str, dict] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=self.by_theater[request.url.params["theater"]])

    def client(self) -> AllocineClient:
        return AllocineClient(
            base_url="http://allocine.test/api/query",
            api_key="test-key",
            transport=httpx.MockTransport(self.handle),
            sleep=lambda seconds: None,
        )


@pytest.fixture
def feeds() -> Feeds:
    return Feeds()


def _connect(venue, theater_id: str, **fields) -> AllocineVenueSettings:
    theater = AllocineTheater.objects.create(siret=venue.siret or f"{venue.pk:014d}", theater_id=theater_id)
    values = {"price_cents": 700, "quantity": 80, "is_duo": False, **fields}
    return AllocineVenueSettings.objects.create(venue=venue, theater=theater, **values)


def _no_posters() -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(404))


def _sync(settings_obj, feeds: Feeds) -> AllocineImportRun:
    return sync_venue(settings_obj, client=feeds.client(), poster_transport=_no_posters())


def _reimport_statements(settings_obj, feeds: Feeds) -> list[str]:
    _sync(settings_obj, feeds)
    with CaptureQueriesContext(connection) as queries:
        run = _sync(settings_obj, feeds)
    assert (run.status, run.showtimes_created, run.showtimes_updated) == ("ok", 0, 0)
    return [query["sql"] for query in queries.captured_queries]


def test_a_reimport_costs_the_same_statements_for_10_or_200_showtimes(feeds):
    small, large = _connect(VenueFactory(), "P0010"), _connect(VenueFactory(), "P0200")
    feeds.by_theater = {"P0010": _feed_with_showtimes(10), "P0200": _feed_with_showtimes(200)}

    statements_small = _reimport_statements(small, feeds)
    statements_large = _reimport_statements(large, feeds)

    assert Stock.objects.filter(offer__venue=large.venue).count() == 200 + 2  # + two other films
    assert len(statements_large) == len(statements_small)


def test_an_unchanged_reimport_writes_no_offer_and_no_stock(feeds):
    settings_obj = _connect(VenueFactory(), "P0001")
    feeds.by_theater["P0001"] = _feed_with_showtimes(50)

    statements = _reimport_statements(settings_obj, feeds)

    writes = [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes
    assert not [sql for sql in writes if '"offers_stock"' in sql or '"offers_offer"' in sql]


def test_one_edited_field_is_kept_and_the_others_follow_the_settings(feeds):
    settings_obj = _connect(VenueFactory(), "P0001")
    feeds.by_theater["P0001"] = NORMAL
    _sync(settings_obj, feeds)
    stocks = list(Stock.objects.filter(offer__provider_ref=VOYAGEURS).order_by("beginning_datetime"))
    update_stock(stocks[0].pk, price_cents=450)
    settings_obj.price_cents, settings_obj.quantity = 900, 120
    settings_obj.save()

    run = _sync(settings_obj, feeds)

    edited, other = (Stock.objects.get(pk=stock.pk) for stock in stocks[:2])
    assert (edited.price_cents, edited.quantity) == (450, 120)
    assert (other.price_cents, other.quantity) == (900, 120)
    assert edited.edited_fields == ["price_cents", "price_category"]
    assert edited.price_category_id is None  # a price typed by hand takes it out of its category
    assert run.showtimes_updated == Stock.objects.filter(offer__venue=settings_obj.venue).count()


def test_sync_all_opens_one_allocine_client_and_one_poster_client_for_every_venue(
    feeds, monkeypatch, settings
):
    settings.ALLOCINE_API_KEY = "test-key"
    for index in range(3):
        _connect(VenueFactory(), f"P000{index}")
        feeds.by_theater[f"P000{index}"] = NORMAL
    allocine_clients: list[AllocineClient] = []
    poster_clients: list[httpx.Client] = []

    def new_allocine_client() -> AllocineClient:
        allocine_clients.append(feeds.client())
        return allocine_clients[-1]

    class CountingClient(httpx.Client):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            if kwargs.get("follow_redirects"):  # the poster client; the Allociné one does not follow
                poster_clients.append(self)

    monkeypatch.setattr(posters, "AllocineClient", new_allocine_client)
    monkeypatch.setattr(httpx, "Client", CountingClient)

    results = sync_all(poster_transport=_no_posters())

    assert results["venues"] == 3
    assert len(allocine_clients) == 1
    assert len(poster_clients) == 1
    # The films are the same in every theatre: the first one asks for their posters, once.
    assert list(AllocineImportRun.objects.order_by("pk").values_list("posters_failed", flat=True)) == [
        3,
        0,
        0,
    ]
    assert allocine_clients[0]._http.is_closed and poster_clients[0].is_closed


def test_sync_all_skips_a_venue_without_siret(feeds):
    listed = _connect(VenueFactory(), "P0001")
    without = _connect(VenueFactory(siret=None, no_siret_reason="Cinéma itinérant"), "P0002")
    feeds.by_theater = {"P0001": NORMAL, "P0002": NORMAL}

    results = sync_all(client=feeds.client(), poster_transport=_no_posters())

    assert (results["venues"], results["skipped"]) == (1, 1)
    assert Offer.objects.filter(venue=listed.venue).exists()
    assert not AllocineImportRun.objects.filter(venue=without.venue).exists()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 900), (30, 90, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


class PosterServer:
    def __init__(self, broken: tuple[str, ...] = ()) -> None:
        self.broken = broken
        self.requested: list[str] = []
        self.jpeg = _jpeg()

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requested.append(request.url.path)
        if request.url.path in self.broken:
            return httpx.Response(404)
        return httpx.Response(200, content=self.jpeg, headers={"Content-Type": "image/jpeg"})


def test_a_poster_shown_in_many_cinemas_is_downloaded_once_per_import(feeds, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for index in range(3):
        _connect(VenueFactory(), f"P000{index}")
        feeds.by_theater[f"P000{index}"] = NORMAL
    server = PosterServer()

    sync_all(client=feeds.client(), poster_transport=httpx.MockTransport(server.handle))

    assert len(server.requested) == len(set(server.requested)) == 3
    assert list(AllocineImportRun.objects.order_by("pk").values_list("posters_fetched", flat=True)) == [
        3,
        0,
        0,
    ]
    # One file per film, shared by the nine offers; no offer holds a copy.
    posters = list(Film.objects.exclude(poster="").values_list("poster", flat=True))
    assert len(posters) == len(set(posters)) == 3
    assert all((settings.MEDIA_ROOT / name).is_file() for name in posters)
    assert not Offer.objects.exclude(image="").exists()
    offers = Offer.objects.select_related("film").exclude(film__poster="")
    assert offers.count() == 9
    assert {offer.poster.name for offer in offers} == set(posters)


def test_a_broken_poster_is_asked_once_per_import_and_fails_once(feeds, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for index in range(3):
        _connect(VenueFactory(), f"P000{index}")
        feeds.by_theater[f"P000{index}"] = NORMAL
    broken = "/pictures/26/10/01/12/00/0123456.jpg"
    server = PosterServer(broken=(broken,))

    sync_all(client=feeds.client(), poster_transport=httpx.MockTransport(server.handle))

    assert server.requested.count(broken) == 1
    runs = AllocineImportRun.objects.order_by("pk")
    assert [(run.posters_fetched, run.posters_failed, run.status) for run in runs] == [
        (2, 1, "partial"),
        (0, 0, "ok"),
        (0, 0, "ok"),
    ]
    assert broken in runs[0].errors[0]
