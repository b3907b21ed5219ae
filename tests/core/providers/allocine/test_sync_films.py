"""The import links every offer to its Film (core.films), shared by every cinema that shows it, and
stores the poster once, on the film."""

import copy
import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.films.models import Film
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer
from passculture.core.providers.allocine.sync import sync_all
from tests.core.providers.allocine.test_sync import (
    NORMAL,
    NOW,
    NUIT,
    POSTER,
    VOYAGEURS,
    Allocine,
    Posters,
    _connect,
    _sync,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


def _three_cinemas(allocine: Allocine) -> list:
    connected = []
    for index in range(3):
        theater_id = f"P000{index}"
        allocine.serve(theater_id, NORMAL)
        connected.append(_connect(VenueFactory(), theater_id))
    return connected


def test_every_imported_offer_links_to_its_film_with_the_feed_details(venue, allocine):
    allocine.serve("P0001", NORMAL)
    _sync(_connect(venue), allocine)

    offer = Offer.objects.select_related("film").get(provider_ref=VOYAGEURS)
    film = offer.film
    assert (film.allocine_id, film.visa, film.title, film.year) == (
        "TW92aWU6MTMxMTM2",
        "158963",
        "Les Voyageurs du Nord",
        2026,
    )
    assert film.release_date == dt.date(2026, 11, 25)
    assert film.duration_minutes == 102
    assert film.directors and film.cast and film.genres and film.countries
    assert film.allocine_url.startswith("https://")
    assert film.synopsis and film.title_key == "les voyageurs du nord"
    assert Offer.objects.filter(venue=venue, film__isnull=True).count() == 0


def test_the_same_movie_in_several_cinemas_is_one_film_with_one_poster(allocine):
    _three_cinemas(allocine)
    posters = Posters()

    sync_all(client=allocine.client(), poster_transport=posters.transport())

    voyageurs = Offer.objects.filter(provider_ref=VOYAGEURS).select_related("film")
    assert voyageurs.count() == 3
    assert len({offer.film_id for offer in voyageurs}) == 1
    assert Film.objects.count() == 4  # the special event is not imported
    assert len(posters.requested) == 3
    assert len({offer.poster.name for offer in voyageurs}) == 1


def test_a_second_run_reads_the_films_once_per_venue_and_writes_none(allocine):
    _three_cinemas(allocine)
    sync_all(client=allocine.client(), poster_transport=Posters().transport())
    films_before = list(Film.objects.order_by("pk").values_list("pk", "updated_at"))
    offers_before = list(Offer.objects.order_by("pk").values_list("pk", "film_id", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        sync_all(client=allocine.client(), poster_transport=Posters().transport())

    film_queries = [query["sql"] for query in queries if '"films_film"' in query["sql"]]
    # The first theatre of the run reads the feed's films; the others find them in the run's memory.
    assert len(film_queries) == 1 and film_queries[0].startswith("SELECT")
    assert list(Film.objects.order_by("pk").values_list("pk", "updated_at")) == films_before
    assert list(Offer.objects.order_by("pk").values_list("pk", "film_id", "updated_at")) == offers_before


def test_a_film_made_by_hand_is_found_by_its_title_and_year_and_gets_the_allocine_id(venue, allocine):
    by_hand = find_or_create_film(title="La longue nuit", year=2026, synopsis="Écrit par le cinéma.")
    allocine.serve("P0001", NORMAL)

    _sync(_connect(venue), allocine)

    by_hand.refresh_from_db()
    assert Offer.objects.get(provider_ref=NUIT).film == by_hand
    assert (by_hand.allocine_id, by_hand.visa) == ("TW92aWU6MzAwMDAz", "161234")
    assert by_hand.synopsis == "Écrit par le cinéma."


def test_the_poster_is_fetched_again_when_its_address_changes(venue, allocine, time_machine):
    allocine.serve("P0001", NORMAL)
    settings_obj = _connect(venue)
    _sync(settings_obj, allocine)
    moved = copy.deepcopy(NORMAL)
    moved["movieShowtimeList"]["edges"][0]["node"]["movie"]["poster"]["url"] = "https://img.test/new.jpg"
    allocine.serve("P0001", moved)
    time_machine.move_to(NOW + dt.timedelta(hours=2), tick=False)
    posters = Posters()

    run = _sync(settings_obj, allocine, posters)

    assert posters.requested == ["https://img.test/new.jpg"]
    assert run.posters_fetched == 1
    film = Offer.objects.get(provider_ref=VOYAGEURS).film
    assert film.poster_source_url == "https://img.test/new.jpg"


def test_a_poster_set_by_hand_on_the_film_is_never_replaced(venue, allocine):
    film = find_or_create_film(title="Les Voyageurs du Nord", allocine_id="TW92aWU6MTMxMTM2", year=2026)
    film.poster.save("by-hand.jpg", ContentFile(POSTER), save=True)
    allocine.serve("P0001", NORMAL)
    posters = Posters()

    _sync(_connect(venue), allocine, posters)

    film.refresh_from_db()
    assert film.poster.name.startswith("films/by-hand")
    assert len(posters.requested) == 2


def test_an_offer_copy_of_an_imported_poster_gives_way_to_the_film_poster(venue, allocine, settings):
    allocine.serve("P0001", NORMAL)
    settings_obj = _connect(venue)
    _sync(settings_obj, allocine)
    # An offer as the import left it before films carried the poster.
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    offer.image.save("old-copy.jpg", ContentFile(POSTER), save=False)
    offer.extra_data = {**offer.extra_data, "poster_fetched_at": NOW.isoformat(), "poster_fetched_url": "x"}
    offer.save()
    copy_path = settings.MEDIA_ROOT / offer.image.name
    assert copy_path.is_file()
    allocine.serve("P0001", copy.deepcopy(NORMAL))

    _sync(settings_obj, allocine)

    offer.refresh_from_db()
    assert not offer.image and "poster_fetched_url" not in offer.extra_data
    assert offer.poster == offer.film.poster
    assert not copy_path.exists()


def test_an_image_the_pro_uploaded_comes_before_the_film_poster_and_is_kept(venue, allocine):
    allocine.serve("P0001", NORMAL)
    settings_obj = _connect(venue)
    _sync(settings_obj, allocine)
    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    offer.image.save("pro.jpg", ContentFile(POSTER), save=True)

    _sync(settings_obj, allocine)

    offer.refresh_from_db()
    assert offer.image.name.startswith("offers/pro")
    assert offer.poster == offer.image
    assert offer.film.poster and offer.film.poster != offer.image


def test_a_movie_whose_film_cannot_be_written_leaves_its_offer_without_film_and_the_rest_imported(
    venue, allocine, monkeypatch
):
    from passculture.core.providers.allocine import films

    real = films.find_or_create_film

    def failing(**fields):
        if fields["allocine_id"] == "TW92aWU6MzAwMDAz":
            raise ValueError("broken")
        return real(**fields)

    monkeypatch.setattr(films, "find_or_create_film", failing)
    allocine.serve("P0001", NORMAL)

    run = _sync(_connect(venue), allocine)

    assert run.status == "ok"
    assert Offer.objects.get(provider_ref=NUIT).film is None
    assert Offer.objects.get(provider_ref=VOYAGEURS).film is not None
