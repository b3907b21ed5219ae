"""What a feed sends is bounded like what a pro types: a showtime too far ahead (a typo, year 9999) is
skipped and counted as an error of its film, the film's other showtimes and the other films are imported
(RULES.md "Offers and stocks": two years); control characters are dropped from the film's text (NUL would
fail the theatre's import on PostgreSQL; this module runs there too)."""

import copy

import pytest

from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.allocine.models import AllocineImportRun

from .test_sync import NORMAL, NUIT, VOYAGEURS, _connect, _frozen_clock, _sync, allocine  # noqa: F401

pytestmark = pytest.mark.django_db


def _with_starts(feed, movie_id: str, *starts: str):
    changed = copy.deepcopy(feed)
    for edge in changed["movieShowtimeList"]["edges"]:
        if edge["node"]["movie"]["id"] == movie_id:
            template = edge["node"]["showtimes"][0]
            edge["node"]["showtimes"] += [{**template, "startsAt": start} for start in starts]
    return changed


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00", "2028-12-02T20:00:00"])
def test_a_showtime_beyond_two_years_is_skipped_and_reported(venue, allocine, start):  # noqa: F811
    allocine.serve("P0001", _with_starts(NORMAL, VOYAGEURS.removeprefix("allocine:"), start))

    run = _sync(_connect(venue), allocine)

    assert run.status == AllocineImportRun.Status.PARTIAL
    assert run.errors == [
        "Film TW92aWU6MTMxMTM2 : 1 séance(s) ignorée(s), datée(s) au-delà du 1er décembre 2028 (deux ans "
        "au plus à l'avance)."
    ]
    assert not Stock.objects.filter(beginning_datetime__year__gte=2028).exists()
    assert Stock.objects.filter(offer__provider_ref=VOYAGEURS).count() == 3
    assert Offer.objects.filter(provider_ref=NUIT).exists()


def test_a_showtime_on_the_last_day_of_the_window_is_imported(venue, allocine):  # noqa: F811
    allocine.serve("P0001", _with_starts(NORMAL, VOYAGEURS.removeprefix("allocine:"), "2028-12-01T20:00:00"))

    run = _sync(_connect(venue), allocine)

    assert run.errors == []
    assert Stock.objects.filter(offer__provider_ref=VOYAGEURS, beginning_datetime__year=2028).count() == 1


def test_control_characters_are_dropped_from_the_film_s_text(venue, allocine):  # noqa: F811
    feed = copy.deepcopy(NORMAL)
    movie = feed["movieShowtimeList"]["edges"][0]["node"]["movie"]
    movie["title"] = "Les Voyageurs\x00 du\u202e Nord"
    movie["synopsis"] = "Un voyage\x00.\nVers le nord\x07."
    movie["originalTitle"] = "The\x00 Travellers"
    allocine.serve("P0001", feed)

    run = _sync(_connect(venue), allocine)

    offer = Offer.objects.get(provider_ref=VOYAGEURS)
    assert run.status == AllocineImportRun.Status.OK, run.errors
    assert offer.name == "Les Voyageurs du Nord"
    assert offer.description.startswith("Un voyage.\nVers le nord.")
    assert offer.extra_data["original_title"] == "The Travellers"
