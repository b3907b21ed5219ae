"""A feed whose films are all valid is read from its JSON text in one go (parse_feed's fast path); it must
give exactly what reading it film by film gives, and any invalid film sends it film by film."""

import json
from pathlib import Path

import pytest

from passculture.core.providers.allocine.schemas import parse_feed

FEEDS = Path(__file__).parent / "feeds"


@pytest.mark.parametrize("name", ["normal_theater.json", "invalid_film_among_valid.json"])
def test_reading_the_text_gives_what_reading_film_by_film_gives(name):
    raw = (FEEDS / name).read_bytes()

    from_text = parse_feed(raw)
    film_by_film = parse_feed(json.loads(raw))  # a dict is always read film by film

    assert from_text.films == film_by_film.films
    assert from_text.errors == film_by_film.errors
    assert from_text.total_count == film_by_film.total_count


def test_null_lists_read_from_the_text_are_empty_lists():
    raw = json.dumps(
        {
            "movieShowtimeList": {
                "totalCount": 1,
                "edges": [
                    {
                        "node": {
                            "movie": {
                                "id": "TW92aWU6MQ==",
                                "internalId": 1,
                                "title": "Tout à null",
                                "releases": None,
                                "countries": None,
                                "genres": None,
                                "companies": None,
                                "credits": {"edges": None},
                                "cast": {"edges": None},
                            },
                            "showtimes": [
                                {
                                    "startsAt": "2026-12-05T20:30:00",
                                    "projection": None,
                                    "experience": None,
                                    "languages": None,
                                },
                                {
                                    "startsAt": "2026-12-05T22:30:00",
                                    "projection": ["DIGITAL"],
                                    "experience": "3D",
                                },
                            ],
                        }
                    }
                ],
            }
        }
    )

    [film] = parse_feed(raw).films

    movie = film.movie
    assert (movie.releases, movie.countries, movie.genres, movie.companies) == ([], [], [], [])
    assert (movie.directors, movie.cast_names) == ([], [])
    assert [(s.projection, s.experience, s.languages) for s in film.showtimes] == [
        ([], [], []),
        (["DIGITAL"], ["3D"], []),
    ]


def test_the_digest_tells_an_identical_answer():
    raw = (FEEDS / "normal_theater.json").read_bytes()
    assert parse_feed(raw).content_sha256 == parse_feed(raw.decode()).content_sha256
    assert parse_feed(raw).content_sha256 != parse_feed(raw.replace(b"20:30", b"20:45")).content_sha256
    assert parse_feed(json.loads(raw)).content_sha256 == ""
