"""The Allociné import, fed by replayed feeds through an httpx MockTransport (no network)."""

import copy
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from PIL import Image

from passculture.core.bookings import services as bookings
from passculture.core.jobs.schedule import get_job
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offerers.geography import timezone_for_department
from passculture.core.offers.constants import Category
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.services import delete_stock, set_offer_active, update_stock
from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.sync import ALERT_KIND, sync_all, sync_venue
from tests.conftest import utc

FEEDS = Path(__file__).parent / "feeds"
NORMAL = json.loads((FEEDS / "normal_theater.json").read_text())
INVALID_AMONG_VALID = json.loads((FEEDS / "invalid_film_among_valid.json").read_text())
NOW = utc(2026, 12, 1, 12, 0)
VOYAGEURS = "allocine:TW92aWU6MTMxMTM2"
NUIT = "allocine:TW92aWU6MzAwMDAz"
Handler = Callable[[httpx.Request], httpx.Response]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _json(feed) -> httpx.Response:
    return httpx.Response(200, json=feed)


class Allocine:
    """What each theatre answers; a feed or a handler may be changed between two imports."""

    def __init__(self) -> None:
        self.answers: dict[str, Handler] = {}

    def serve(self, theater_id: str, feed) -> None:
        self.answers[theater_id] = lambda request: _json(feed)

    def handle(self, request: httpx.Request) -> httpx.Response:
        return self.answers[request.url.params["theater"]](request)

    def client(self) -> AllocineClient:
        return AllocineClient(
            base_url="http://allocine.test/api/query",
            api_key="test-key",
            transport=httpx.MockTransport(self.handle),
            sleep=lambda seconds: None,
        )


def _poster_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 750), (120, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


POSTER = _poster_bytes()


class Posters:
    def __init__(self) -> None:
        self.broken: set[str] = set()
        self.requested: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requested.append(str(request.url))
        if request.url.path in self.broken:
            return httpx.Response(404)
        return httpx.Response(200, content=POSTER, headers={"Content-Type": "image/jpeg"})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


@pytest.fixture
def posters() -> Posters:
    return Posters()


def _connect(venue, theater_id: str = "P0001", **fields) -> AllocineVenueSettings:
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id=theater_id)
    values = {"price_cents": 700, "quantity": 80, "is_duo": True, **fields}
    return AllocineVenueSettings.objects.create(venue=venue, theater=theater, **values)


@pytest.fixture
def connected(venue, allocine):
    allocine.serve("P0001", NORMAL)
    return _connect(venue)


def _sync(settings_obj, allocine: Allocine, posters: Posters | None = None, **kwargs) -> AllocineImportRun:
    transport = (posters or Posters()).transport()
    return sync_venue(settings_obj, client=allocine.client(), poster_transport=transport, **kwargs)


def _feed_without(feed, movie_id: str):
    changed = copy.deepcopy(feed)
    edges = changed["movieShowtimeList"]["edges"]
    changed["movieShowtimeList"]["edges"] = [e for e in edges if e["node"]["movie"]["id"] != movie_id]
    return changed


def _live_stocks(offer: Offer) -> list[Stock]:
    return list(Stock.objects.filter(offer=offer, is_deleted=False).order_by("beginning_datetime"))


# --- First import ----------------------------------------------------------------------------------


def test_first_import_creates_one_offer_per_film_with_the_film_details(connected, allocine):
    run = _sync(connected, allocine)

    offer = Offer.objects.get(venue=connected.venue, provider_ref=VOYAGEURS)
    assert offer.name == "Les Voyageurs du Nord"
    assert offer.category == Category.SHOWTIME
    assert offer.duration_minutes == 102
    assert offer.languages == ["fr", "en"]
    assert offer.is_duo is True
    assert offer.is_active is True
    assert offer.description.endswith(
        "\nTous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm=131136.html"
    )
    assert offer.description.startswith("Dans un village du Grand Nord, Léa")
    assert offer.extra_data["visa"] == "158963"
    assert offer.extra_data["directors"] == ["Jean Durand"]
    assert offer.extra_data["cast"] == ["Marie Leroy", "Bouli"]
    assert offer.extra_data["genres"] == ["ADVENTURE", "DRAMA"]
    assert offer.extra_data["countries"] == ["France", "Canada"]
    assert offer.extra_data["release_date"] == "2026-11-25"
    assert offer.extra_data["original_title"] == "Northern Travellers"
    assert offer.extra_data["allocine_id"] == "TW92aWU6MTMxMTM2"
    assert (run.status, run.films_seen, run.offers_created) == (AllocineImportRun.Status.OK, 5, 4)


def test_only_classic_showtimes_become_stocks_at_the_venue_price_and_seats(connected, allocine):
    _sync(connected, allocine)

    stocks = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))
    # 3D, IMAX, 4DX, Dolby and a first projection on film are left out; Paris is UTC+1 in December.
    assert [(s.beginning_datetime, s.version) for s in stocks] == [
        (utc(2026, 12, 5, 13, 0), "VF"),
        (utc(2026, 12, 5, 19, 30), "VO"),
        (utc(2026, 12, 6, 15, 15), "VF"),
    ]
    assert {(s.price_cents, s.quantity) for s in stocks} == {(700, 80)}
    assert all(s.booking_limit_datetime == s.beginning_datetime for s in stocks)
    assert stocks[0].provider_ref == f"{VOYAGEURS}:2026-12-05T14:00:00:VF"


def test_special_event_films_are_skipped(connected, allocine):
    _sync(connected, allocine)
    assert not Offer.objects.filter(name__contains="Traviata").exists()


def test_past_showtimes_are_not_imported(connected, allocine, time_machine):
    time_machine.move_to(utc(2026, 12, 5, 16, 0), tick=False)
    _sync(connected, allocine)
    stocks = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))
    assert [s.beginning_datetime for s in stocks] == [utc(2026, 12, 5, 19, 30), utc(2026, 12, 6, 15, 15)]


@pytest.mark.parametrize(
    ("postal_code", "department", "expected"),
    [
        ("97400", "974", utc(2026, 12, 5, 10, 0)),  # La Réunion, UTC+4
        ("97139", "971", utc(2026, 12, 5, 18, 0)),  # Guadeloupe, UTC-4
    ],
)
def test_showtimes_are_read_in_the_venue_timezone(allocine, postal_code, department, expected):
    venue = VenueFactory(
        postal_code=postal_code, department_code=department, timezone=timezone_for_department(department)
    )
    allocine.serve("P0001", NORMAL)
    _sync(_connect(venue), allocine)
    first = _live_stocks(Offer.objects.get(venue=venue, provider_ref=VOYAGEURS))[0]
    assert first.beginning_datetime == expected


# --- Re-import ---------------------------------------------------------------------------------------


def test_unchanged_reimport_creates_and_updates_nothing(connected, allocine):
    _sync(connected, allocine)
    before = list(Stock.objects.order_by("pk").values_list("pk", "updated_at"))

    run = _sync(connected, allocine)

    assert (run.offers_created, run.offers_updated) == (0, 0)
    assert (run.showtimes_created, run.showtimes_updated, run.showtimes_deleted) == (0, 0, 0)
    assert list(Stock.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_unchanged_reimport_runs_a_bounded_number_of_queries(
    connected, allocine, django_assert_max_num_queries
):
    _sync(connected, allocine)
    # One of them reads the feed's films (a new run knows none of them yet).
    with django_assert_max_num_queries(9):
        _sync(connected, allocine)


def test_a_moved_showtime_replaces_the_old_one(connected, allocine):
    _sync(connected, allocine)
    moved = copy.deepcopy(NORMAL)
    moved["movieShowtimeList"]["edges"][0]["node"]["showtimes"][0]["startsAt"] = "2026-12-05T15:00:00"
    allocine.serve("P0001", moved)

    run = _sync(connected, allocine)

    stocks = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))
    assert stocks[0].beginning_datetime == utc(2026, 12, 5, 14, 0)
    assert utc(2026, 12, 5, 13, 0) not in [s.beginning_datetime for s in stocks]
    assert (run.showtimes_created, run.showtimes_deleted) == (1, 1)


def test_a_removed_film_loses_its_unbooked_future_showtimes(connected, allocine):
    _sync(connected, allocine)
    allocine.serve("P0001", _feed_without(NORMAL, "TW92aWU6MzAwMDAz"))

    run = _sync(connected, allocine)

    assert _live_stocks(Offer.objects.get(provider_ref=NUIT)) == []
    assert run.showtimes_deleted == 1
    assert not OutboxEmail.objects.filter(kind=ALERT_KIND).exists()


def test_a_vanished_booked_showtime_is_kept_and_the_pro_alerted_once(connected, allocine, beneficiary):
    _sync(connected, allocine)
    stock = _live_stocks(Offer.objects.get(provider_ref=NUIT))[0]
    bookings.book_offer(beneficiary, stock.pk, 1)
    allocine.serve("P0001", _feed_without(NORMAL, "TW92aWU6MzAwMDAz"))

    run = _sync(connected, allocine)
    _sync(connected, allocine)

    assert _live_stocks(Offer.objects.get(provider_ref=NUIT)) == [stock]
    assert (run.showtimes_deleted, run.showtimes_kept_booked, run.status) == (
        0,
        1,
        AllocineImportRun.Status.PARTIAL,
    )
    email = OutboxEmail.objects.get(kind=ALERT_KIND)
    assert email.to == [connected.venue.booking_email]
    assert "La Longue Nuit" in email.text_body


# --- The pro keeps control ------------------------------------------------------------------------


def test_an_offer_the_pro_deactivated_stays_inactive(connected, allocine):
    _sync(connected, allocine)
    set_offer_active(Offer.objects.get(provider_ref=VOYAGEURS), False)

    _sync(connected, allocine)

    assert Offer.objects.get(provider_ref=VOYAGEURS).is_active is False


def test_a_showtime_the_pro_deleted_never_comes_back(connected, allocine):
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    deleted = _live_stocks(offer)[0]
    delete_stock(deleted.pk)

    run = _sync(connected, allocine)

    assert deleted.beginning_datetime not in [s.beginning_datetime for s in _live_stocks(offer)]
    assert run.showtimes_created == 0


def test_fields_the_pro_edited_are_kept_when_the_settings_change(connected, allocine):
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    edited = _live_stocks(offer)[0]
    limit = edited.beginning_datetime - dt.timedelta(hours=2)
    update_stock(edited.pk, price_cents=450, quantity=20, booking_limit=limit)
    connected.price_cents, connected.quantity = 900, 100
    connected.save()

    _sync(connected, allocine)

    edited.refresh_from_db()
    assert (edited.price_cents, edited.quantity, edited.booking_limit_datetime) == (450, 20, limit)
    others = _live_stocks(offer)[1:]
    assert {(s.price_cents, s.quantity) for s in others} == {(900, 100)}


def test_a_showtime_the_pro_moved_keeps_the_limit_that_followed_the_move(connected, allocine):
    _sync(connected, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    moved = _live_stocks(offer)[0]
    start = moved.beginning_datetime + dt.timedelta(hours=1)
    # Moved without a booking limit: the limit follows the new start.
    update_stock(moved.pk, beginning=start)
    moved.refresh_from_db()
    assert moved.booking_limit_datetime == start

    _sync(connected, allocine)  # the feed still lists it at its old time
    connected.price_cents = 900  # and a change of the settings makes the import rewrite its showtimes
    connected.save()
    _sync(connected, allocine)

    moved.refresh_from_db()
    assert (moved.beginning_datetime, moved.booking_limit_datetime) == (start, start)
    assert moved.price_cents == 900  # what the pro did not edit still follows the settings
    assert "beginning_datetime" in moved.edited_fields


def test_a_moved_showtime_stays_bookable_until_its_new_start_after_an_import(connected, allocine):
    from passculture.core.offers.validation import check_stock_is_bookable

    _sync(connected, allocine)
    moved = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))[0]
    old_start = moved.beginning_datetime
    update_stock(moved.pk, beginning=old_start + dt.timedelta(hours=2))

    _sync(connected, allocine)

    moved.refresh_from_db()
    check_stock_is_bookable(moved, old_start + dt.timedelta(minutes=30), 1)  # no BOOKING_LIMIT_PASSED


def test_a_moved_showtime_whose_limit_was_set_again_by_hand_keeps_it(connected, allocine):
    _sync(connected, allocine)
    moved = _live_stocks(Offer.objects.get(provider_ref=VOYAGEURS))[0]
    start = moved.beginning_datetime + dt.timedelta(hours=1)
    limit = start - dt.timedelta(hours=3)
    update_stock(moved.pk, beginning=start, booking_limit=limit)

    _sync(connected, allocine)

    moved.refresh_from_db()
    assert (moved.beginning_datetime, moved.booking_limit_datetime) == (start, limit)


# --- Failures and isolation -----------------------------------------------------------------------


def _broken_500(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500)


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def _invalid_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, content=b'{"movieShowtimeList": {"edges": [', headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (_broken_500, "AlloCiné ne répond pas"),
        (_timeout, "AlloCiné ne répond pas"),
        (_invalid_json, "La réponse d'AlloCiné est illisible"),
    ],
)
def test_a_failing_theater_never_stops_the_others(allocine, handler, message):
    broken = _connect(VenueFactory(), "P0666")
    allocine.answers["P0666"] = handler
    working = _connect(VenueFactory(), "P0001")
    allocine.serve("P0001", NORMAL)

    results = sync_all(client=allocine.client(), poster_transport=Posters().transport())

    assert (results["venues"], results["error"], results["ok"]) == (2, 1, 1)
    failed = AllocineImportRun.objects.get(venue=broken.venue)
    assert failed.status == AllocineImportRun.Status.ERROR
    assert failed.errors[0].startswith(message)
    assert not Offer.objects.filter(venue=broken.venue).exists()
    assert Offer.objects.filter(venue=working.venue).count() == 4


def test_sync_all_skips_inactive_settings_and_venues_no_longer_listed(allocine):
    inactive = _connect(VenueFactory(), "P0002", is_active=False)
    delisted = _connect(VenueFactory(), "P0003")
    AllocineTheater.objects.filter(pk=delisted.theater_id).update(is_active=False)

    results = sync_all(client=allocine.client())

    assert (results["venues"], results["skipped"]) == (0, 1)
    assert not AllocineImportRun.objects.filter(venue__in=[inactive.venue, delisted.venue]).exists()


def test_one_invalid_film_is_reported_and_the_valid_ones_imported(venue, allocine):
    allocine.serve("P0001", INVALID_AMONG_VALID)
    run = _sync(_connect(venue), allocine)

    assert set(Offer.objects.filter(venue=venue).values_list("name", flat=True)) == {
        "Premier Valide",
        "Dernier Valide",
    }
    assert run.status == AllocineImportRun.Status.PARTIAL
    assert len(run.errors) == 2


def test_a_film_dropped_as_invalid_keeps_its_showtimes(venue, allocine):
    valid = copy.deepcopy(INVALID_AMONG_VALID)
    valid["movieShowtimeList"]["edges"][2]["node"]["showtimes"][0]["startsAt"] = "2026-12-05T20:30:00"
    allocine.serve("P0001", valid)
    settings_obj = _connect(venue)
    _sync(settings_obj, allocine)
    allocine.serve("P0001", INVALID_AMONG_VALID)

    run = _sync(settings_obj, allocine)

    assert run.showtimes_deleted == 0
    assert len(_live_stocks(Offer.objects.get(venue=venue, name="Horaire Illisible"))) == 1


# --- Posters --------------------------------------------------------------------------------------


def test_posters_are_stored_at_most_once_a_day(connected, allocine, posters, time_machine):
    run = _sync(connected, allocine, posters)
    offer = Offer.objects.select_related("film").get(provider_ref=VOYAGEURS)
    assert offer.film.poster.name and not offer.image
    assert offer.poster == offer.film.poster
    with Image.open(offer.film.poster.path) as stored:
        assert stored.format == "JPEG"
    assert (run.posters_fetched, run.posters_failed) == (3, 0)

    time_machine.move_to(NOW + dt.timedelta(hours=6), tick=False)
    assert _sync(connected, allocine, posters).posters_fetched == 0
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    assert _sync(connected, allocine, posters).posters_fetched == 3


def test_a_failed_poster_is_counted_and_the_film_imported(connected, allocine, posters):
    posters.broken.add("/pictures/26/10/01/12/00/0123456.jpg")

    run = _sync(connected, allocine, posters)

    offer = Offer.objects.select_related("film").get(provider_ref=VOYAGEURS)
    assert offer.poster is None and offer.film is not None
    assert len(_live_stocks(offer)) == 3
    assert (run.posters_fetched, run.posters_failed, run.status) == (2, 1, AllocineImportRun.Status.PARTIAL)


# --- Entry points ---------------------------------------------------------------------------------


def test_the_daily_job_runs_the_import():
    job = get_job("allocine_sync")
    assert job.every == dt.timedelta(days=1)
    assert job.load() is sync_all


def test_the_command_syncs_one_venue(connected, allocine, monkeypatch, capsys):
    monkeypatch.setattr("passculture.core.providers.allocine.posters.AllocineClient", allocine.client)
    monkeypatch.setattr("passculture.core.providers.allocine.sync.fetch_posters", lambda *args: None)

    call_command("allocine", "sync", "--venue", str(connected.venue_id))

    assert Offer.objects.filter(venue=connected.venue).count() == 4
    assert "4 offres créées" in capsys.readouterr().out


def test_the_daily_import_is_skipped_without_an_api_key(connected, settings):
    settings.ALLOCINE_API_KEY = ""
    results = sync_all()
    assert results["configured"] is False
    assert results["venues"] == 0
    assert not AllocineImportRun.objects.exists()
