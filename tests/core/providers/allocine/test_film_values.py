"""What an offer takes from its movie is computed once per run for every theatre showing the movie, and
again as soon as a theatre's feed carries the movie with other details."""

import copy

from passculture.core.providers.allocine import film_values as module
from passculture.core.providers.allocine.film_values import film_values
from passculture.core.providers.allocine.schemas import parse_feed
from tests.core.providers.allocine.test_sync import NORMAL

VOYAGEURS_ID = "TW92aWU6MTMxMTM2"


def _voyageurs(feed=NORMAL):
    return next(film for film in parse_feed(copy.deepcopy(feed)).films if film.movie.id == VOYAGEURS_ID)


def _counting_details(monkeypatch) -> list[str]:
    computed: list[str] = []
    original = module._film_extra_data

    def counting(film):
        computed.append(film.movie.id)
        return original(film)

    monkeypatch.setattr(module, "_film_extra_data", counting)
    return computed


def test_an_unchanged_movie_seen_in_another_theatre_is_not_computed_again(monkeypatch):
    computed = _counting_details(monkeypatch)
    known: dict = {}

    first = film_values(_voyageurs(), known)
    second = film_values(_voyageurs(), known)  # another theatre's feed: another parsed object, equal

    assert computed == [VOYAGEURS_ID]
    assert second is first
    assert first.name == "Les Voyageurs du Nord" and first.extra_data["allocine_id"] == VOYAGEURS_ID


def test_a_movie_with_other_details_is_computed_again(monkeypatch):
    computed = _counting_details(monkeypatch)
    changed = copy.deepcopy(NORMAL)
    for edge in changed["movieShowtimeList"]["edges"]:
        if edge["node"]["movie"]["id"] == VOYAGEURS_ID:
            edge["node"]["movie"]["title"] = "Les Voyageurs du Sud"
            edge["node"]["movie"]["synopsis"] = "Un autre résumé."
    known: dict = {}

    before = film_values(_voyageurs(), known)
    after = film_values(_voyageurs(changed), known)

    assert computed == [VOYAGEURS_ID, VOYAGEURS_ID]
    assert (before.name, after.name) == ("Les Voyageurs du Nord", "Les Voyageurs du Sud")
    assert after.description.startswith("Un autre résumé.")
    assert film_values(_voyageurs(changed), known) is after


def test_a_movie_differing_only_in_a_nested_detail_is_computed_again(monkeypatch):
    computed = _counting_details(monkeypatch)
    changed = copy.deepcopy(NORMAL)
    for edge in changed["movieShowtimeList"]["edges"]:
        if edge["node"]["movie"]["id"] == VOYAGEURS_ID:
            actor = edge["node"]["movie"]["cast"]["edges"][0]["node"]["actor"]
            actor["lastName"] = "Autre"
    known: dict = {}

    before = film_values(_voyageurs(), known)
    after = film_values(_voyageurs(changed), known)

    assert computed == [VOYAGEURS_ID, VOYAGEURS_ID]
    assert before.extra_data["cast"] != after.extra_data["cast"]
    assert after.extra_data["cast"][0].endswith("Autre")
