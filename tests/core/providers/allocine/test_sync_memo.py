"""An unchanged programme is not compared again (memo.programme_unchanged), and skipping the compare never
changes the outcome: each case imports the same theatre into two venues, one with the shortcut and one
without, changes both the same way, imports again and compares what the two venues hold."""

import copy
import datetime as dt
import io
import json
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.test import override_settings
from PIL import Image

from passculture.core.bookings import services as bookings
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.services import delete_stock, update_stock
from passculture.core.providers.allocine import fetched, memo
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.exceptions import AllocineBadPayload
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import sync_venue, sync_venues
from tests.conftest import utc

FEEDS = Path(__file__).parent / "feeds"
NORMAL = json.loads((FEEDS / "normal_theater.json").read_text())
INVALID_AMONG_VALID = json.loads((FEEDS / "invalid_film_among_valid.json").read_text())
NOW = utc(2026, 12, 1, 12, 0)
VOYAGEURS = "allocine:TW92aWU6MTMxMTM2"
NUIT = "allocine:TW92aWU6MzAwMDAz"
POSTER_KEYS = ("poster_fetched_at", "poster_fetched_url")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 750), (40, 40, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


POSTER = _jpeg()


class Allocine:
    def __init__(self) -> None:
        self.feeds: dict[str, dict] = {}
        self.posters: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/movieShowtimeList"):
            return httpx.Response(200, json=self.feeds[request.url.params["theater"]])
        self.posters.append(str(request.url))
        return httpx.Response(200, content=POSTER, headers={"Content-Type": "image/jpeg"})

    def client(self) -> AllocineClient:
        return AllocineClient(
            base_url="http://allocine.test/api/query",
            api_key="test-key",
            transport=httpx.MockTransport(self.handle),
            sleep=lambda seconds: None,
        )


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


def _connect(allocine: Allocine, theater_id: str, feed=NORMAL) -> AllocineVenueSettings:
    venue = VenueFactory()
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id=theater_id)
    allocine.feeds[theater_id] = copy.deepcopy(feed)
    return AllocineVenueSettings.objects.create(
        venue=venue, theater=theater, price_cents=700, quantity=80, is_duo=True
    )


def _sync(settings_obj, allocine: Allocine, *, shortcut: bool = True) -> AllocineImportRun:
    settings_obj.refresh_from_db()
    transport = httpx.MockTransport(allocine.handle)
    with override_settings(ALLOCINE_SKIP_UNCHANGED=shortcut):
        return sync_venue(settings_obj, client=allocine.client(), poster_transport=transport)


def _sync_in_one_run(first, settings_obj, allocine: Allocine) -> AllocineImportRun:
    """Imports `first`, then `settings_obj`, in one run (as sync_all does): the run has linked the movies
    of `first` when `settings_obj` comes. Answers the run of `settings_obj`."""
    pairs = []
    for venue_settings in (first, settings_obj):
        venue_settings.refresh_from_db()
        run = AllocineImportRun.objects.create(venue=venue_settings.venue, started_at=utcnow(), errors=[])
        pairs.append((venue_settings, run))
    transport = httpx.MockTransport(allocine.handle)
    sync_venues(pairs, None, client=allocine.client(), poster_transport=transport)
    settings_obj.refresh_from_db()
    return AllocineImportRun.objects.get(pk=pairs[1][1].pk)


def _holdings(settings_obj) -> tuple[list, list]:
    """What the venue holds, without ids: comparable between two venues."""
    offers = [
        (
            offer.provider_ref,
            offer.name,
            offer.description,
            offer.duration_minutes,
            offer.languages,
            offer.is_duo,
            offer.is_active,
            {key: value for key, value in offer.extra_data.items() if key not in POSTER_KEYS},
        )
        for offer in Offer.objects.filter(venue=settings_obj.venue).order_by("provider_ref")
    ]
    stocks = [
        (
            stock.offer.provider_ref,
            stock.provider_ref,
            stock.price_cents,
            stock.quantity,
            stock.booked_quantity,
            stock.booking_limit_datetime,
            stock.beginning_datetime,
            stock.version,
            stock.is_deleted,
            stock.edited_fields,
        )
        for stock in Stock.objects.filter(offer__venue=settings_obj.venue).select_related("offer")
    ]
    return offers, sorted(stocks, key=repr)


def _counters(run: AllocineImportRun) -> tuple:
    return (
        run.status,
        run.films_seen,
        run.offers_created,
        run.offers_updated,
        run.showtimes_created,
        run.showtimes_updated,
        run.showtimes_deleted,
        run.showtimes_kept_booked,
        # Not the posters: they belong to the films, shared by both venues, and the first venue to meet
        # a film whose poster is due fetches it for both.
        run.errors,
    )


def _stock(settings_obj, offer_ref: str, index: int = 0) -> Stock:
    return list(
        Stock.objects.filter(offer__venue=settings_obj.venue, offer__provider_ref=offer_ref).order_by(
            "beginning_datetime"
        )
    )[index]


# What may happen between two imports, done the same way to both venues.
def _nothing(venues, allocine, time_machine, beneficiary):
    pass


def _pro_edits_a_price(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        update_stock(_stock(settings_obj, VOYAGEURS).pk, price_cents=450)


def _pro_deletes_a_showtime(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        delete_stock(_stock(settings_obj, VOYAGEURS, 1).pk)


def _offer_renamed_behind_the_import(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        Offer.objects.filter(venue=settings_obj.venue, provider_ref=VOYAGEURS).update(name="Renommé")


def _a_booking(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        bookings.book_offer(beneficiary, _stock(settings_obj, NUIT).pk, 1)


def _price_changed_in_settings(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        AllocineVenueSettings.objects.filter(pk=settings_obj.pk).update(price_cents=650)


def _first_showtime_started(venues, allocine, time_machine, beneficiary):
    time_machine.move_to(utc(2026, 12, 5, 14, 0), tick=False)  # 15:00 in Paris


def _a_film_removed(venues, allocine, time_machine, beneficiary):
    for settings_obj in venues:
        edges = allocine.feeds[settings_obj.theater.theater_id]["movieShowtimeList"]["edges"]
        edges[:] = [edge for edge in edges if edge["node"]["movie"]["title"] != "La Longue Nuit"]


def _booked_showtime_vanishes(venues, allocine, time_machine, beneficiary):
    _a_booking(venues, allocine, time_machine, beneficiary)
    _a_film_removed(venues, allocine, time_machine, beneficiary)


def _clock_went_back(venues, allocine, time_machine, beneficiary):
    time_machine.move_to(NOW - dt.timedelta(days=3), tick=False)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("change", "unchanged"),
    [
        (_nothing, True),
        (_pro_edits_a_price, False),
        (_pro_deletes_a_showtime, False),
        (_offer_renamed_behind_the_import, False),
        (_a_booking, False),
        (_price_changed_in_settings, False),
        (_first_showtime_started, False),
        (_a_film_removed, False),
        (_booked_showtime_vanishes, False),
        (_clock_went_back, False),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else str(value),
)
@pytest.mark.parametrize("read_late", [False, True], ids=["own_run", "movies_linked_before"])
def test_skipping_the_compare_never_changes_the_outcome(
    allocine, time_machine, beneficiary, change, unchanged, read_late
):
    """`read_late`: another theatre with the same films comes first in the run, so that the answer is not
    read before the memo is checked against the state (fetched.py), only after."""
    with_memo, without = _connect(allocine, "P0001"), _connect(allocine, "P0002")
    before = _connect(allocine, "P0003")
    _sync(with_memo, allocine)
    _sync(without, allocine, shortcut=False)
    _sync(before, allocine)
    assert with_memo.last_import_memo and not without.last_import_memo

    change([with_memo, without], allocine, time_machine, beneficiary)

    def sync_with_memo() -> AllocineImportRun:
        return _sync_in_one_run(before, with_memo, allocine) if read_late else _sync(with_memo, allocine)

    run = sync_with_memo()
    reference = _sync(without, allocine, shortcut=False)
    # A second time: after a compare, the memo is written again and the next import may use it.
    again = sync_with_memo()
    reference_again = _sync(without, allocine, shortcut=False)

    assert run.programme_unchanged is unchanged
    assert reference.programme_unchanged is False
    assert _counters(run) == _counters(reference)
    assert _counters(again) == _counters(reference_again)
    assert _holdings(with_memo) == _holdings(without)


@pytest.mark.postgres_only
def test_an_unchanged_programme_reads_no_showtime_and_records_a_complete_run(allocine):
    settings_obj = _connect(allocine, "P0001")
    first = _sync(settings_obj, allocine)

    run = _sync(settings_obj, allocine)

    assert first.programme_unchanged is False
    assert run.programme_unchanged is True
    assert (run.status, run.films_seen, run.offers_created, run.showtimes_created) == ("ok", 5, 0, 0)
    assert run.finished_at is not None
    settings_obj.refresh_from_db()
    assert settings_obj.last_synced_at == NOW


@pytest.mark.postgres_only
def test_the_state_is_read_by_a_prepared_statement_and_matches_the_stored_one(allocine):
    """The state a re-import reads (prepared, server-side parameters) is the one the import stored
    (computed in the statement that stores the memo, client-side parameters)."""
    settings_obj = _connect(allocine, "P0001")
    _sync(settings_obj, allocine)
    settings_obj.refresh_from_db()

    for _ in range(2):
        assert memo.state_fingerprint(settings_obj.venue_id, NOW) == settings_obj.last_import_memo["state"]

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%WITH offers AS%"]
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres_only
def test_posters_are_still_refreshed_when_due_on_an_unchanged_programme(allocine, time_machine):
    settings_obj = _connect(allocine, "P0001")
    assert _sync(settings_obj, allocine).posters_fetched == 3
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)  # the first showtime is on 5 December

    run = _sync(settings_obj, allocine)

    assert (run.programme_unchanged, run.posters_fetched, run.status) == (True, 3, "ok")
    offer = Offer.objects.select_related("film").get(venue=settings_obj.venue, provider_ref=VOYAGEURS)
    assert offer.film.poster_fetched_at == NOW + dt.timedelta(days=1)


@pytest.mark.postgres_only
def test_no_memo_after_an_import_with_an_invalid_film(allocine):
    settings_obj = _connect(allocine, "P0001", INVALID_AMONG_VALID)

    _sync(settings_obj, allocine)
    run = _sync(settings_obj, allocine)

    settings_obj.refresh_from_db()
    assert settings_obj.last_import_memo == {}
    assert run.programme_unchanged is False and run.status == "partial"


@pytest.mark.postgres_only
def test_a_memo_of_another_version_of_the_mapping_is_not_trusted(allocine, monkeypatch):
    settings_obj = _connect(allocine, "P0001")
    _sync(settings_obj, allocine)
    monkeypatch.setattr(memo, "MEMO_VERSION", memo.MEMO_VERSION + 1)

    assert _sync(settings_obj, allocine).programme_unchanged is False
    assert _sync(settings_obj, allocine).programme_unchanged is True


def test_the_memo_needs_postgresql_and_can_be_turned_off(allocine):
    settings_obj = _connect(allocine, "P0001")
    _sync(settings_obj, allocine)
    settings_obj.refresh_from_db()
    assert bool(settings_obj.last_import_memo) == (connection.vendor == "postgresql")

    run = _sync(settings_obj, allocine, shortcut=False)

    settings_obj.refresh_from_db()
    assert settings_obj.last_import_memo == {}
    assert run.programme_unchanged is False


def _counting_reads(monkeypatch) -> list[str]:
    """The theatres whose answer the import reads (`fetched.parse_feed`), in order."""
    reads: list[str] = []
    parse = fetched.parse_feed

    def counting(raw, *, theater_id=None):
        reads.append(theater_id)
        return parse(raw, theater_id=theater_id)

    monkeypatch.setattr(fetched, "parse_feed", counting)
    return reads


@pytest.mark.postgres_only
def test_an_unchanged_answer_is_not_read_when_the_run_already_linked_its_movies(allocine, monkeypatch):
    before, settings_obj = _connect(allocine, "P0003"), _connect(allocine, "P0001")
    _sync(before, allocine)
    _sync(settings_obj, allocine)
    reads = _counting_reads(monkeypatch)

    run = _sync_in_one_run(before, settings_obj, allocine)

    # The first theatre's answer is read to link its movies (and look at their posters), the second's not.
    assert reads == ["P0003"]
    assert (run.programme_unchanged, run.status, run.films_seen, run.errors) == (True, "ok", 5, [])
    assert settings_obj.last_import_memo["movies"] == [
        edge["node"]["movie"]["id"]
        for edge in NORMAL["movieShowtimeList"]["edges"]
        if edge["node"]["movie"].get("type") != "SPECIAL_EVENT"
    ]


@pytest.mark.postgres_only
def test_an_answer_read_late_is_compared_when_the_state_changed(allocine, monkeypatch):
    before, settings_obj = _connect(allocine, "P0003"), _connect(allocine, "P0001")
    _sync(before, allocine)
    _sync(settings_obj, allocine)
    deleted = _stock(settings_obj, VOYAGEURS, 1)
    delete_stock(deleted.pk)
    reads = _counting_reads(monkeypatch)

    run = _sync_in_one_run(before, settings_obj, allocine)

    assert reads == ["P0003", "P0001"]  # the second one inside its transaction, after the state check
    assert (run.programme_unchanged, run.status, run.showtimes_created) == (False, "ok", 0)
    assert Stock.objects.get(pk=deleted.pk).is_deleted  # a showtime the pro deleted never comes back
    # The compare wrote a new memo, which the next run trusts.
    assert _sync_in_one_run(before, settings_obj, allocine).programme_unchanged is True


@pytest.mark.postgres_only
def test_an_answer_read_late_that_is_no_feed_gives_an_error_run(allocine, monkeypatch):
    before, settings_obj = _connect(allocine, "P0003"), _connect(allocine, "P0001")
    _sync(before, allocine)
    _sync(settings_obj, allocine)
    update_stock(_stock(settings_obj, VOYAGEURS).pk, price_cents=450)  # the state changed: read late
    holdings = _holdings(settings_obj)
    parse = fetched.parse_feed

    def refusing(raw, *, theater_id=None):
        if theater_id == "P0001":
            raise AllocineBadPayload(theater_id=theater_id)
        return parse(raw, theater_id=theater_id)

    monkeypatch.setattr(fetched, "parse_feed", refusing)

    run = _sync_in_one_run(before, settings_obj, allocine)

    assert run.status == "error"
    assert run.errors == [AllocineBadPayload(theater_id="P0001").message]
    assert _holdings(settings_obj) == holdings


@pytest.mark.parametrize(
    "kept",
    [
        {},
        {"films_seen": 5},
        {"movies": ["a"]},
        {"films_seen": "5", "movies": ["a"]},
        {"films_seen": 5, "movies": "a"},
        {"films_seen": 5, "movies": [1]},
    ],
)
def test_a_memo_without_its_films_lets_the_answer_be_read(kept):
    assert memo.remembered_films(kept) is None


def test_a_memo_gives_its_films_seen_and_movies():
    assert memo.remembered_films({"films_seen": 6, "movies": ["a", "b"]}) == (6, ["a", "b"])
