"""The national Allociné replay at a small scale, so that the scenario cannot rot (the full run:
`python -m benchmarks.run allocine_national`, see docs/benchmarks.md)."""

import argparse
import datetime as dt
import json
from collections import Counter

import httpx
import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import allocine_national as scenario

from passculture.core.providers.allocine.schemas import parse_feed

DAY = scenario.Day(
    theaters=40,
    films_per_theater=20,
    showtimes_per_theater=300,
    catalogue=0,
    seed=1,
    first_day=dt.date(2026, 12, 3),
)


def _feeds(day: scenario.Day = DAY) -> list[scenario.TheaterFeed]:
    catalogue = scenario.build_catalogue(day)
    return [scenario.build_theater_feed(day, catalogue, index) for index in range(day.theaters)]


def test_the_same_day_gives_the_same_feeds():
    assert [feed.body for feed in _feeds()[:3]] == [feed.body for feed in _feeds()[:3]]


def test_the_expected_counts_are_what_the_import_rules_read_in_the_feeds():
    for feed in _feeds()[:10]:
        parsed = parse_feed(feed.body)
        films = [film for film in parsed.films if not film.movie.is_special_event]
        classic = [showtime for film in films for showtime in film.showtimes if showtime.is_classic]
        assert parsed.errors == []
        assert sum(len(film.showtimes) for film in parsed.films) == feed.showtimes == 300
        assert (len(films), len(classic)) == (feed.offers, feed.classic_showtimes)


def test_a_national_day_shares_films_and_mixes_what_the_import_must_leave_out():
    feeds = _feeds()
    parsed = [parse_feed(feed.body) for feed in feeds]
    playing = Counter(film.movie.id for feed in parsed for film in feed.films)
    showtimes = [showtime for feed in parsed for film in feed.films for showtime in film.showtimes]
    experiences = Counter(experience for showtime in showtimes for experience in showtime.experience)

    assert playing.most_common(1)[0][1] > len(feeds) * 0.6  # a blockbuster plays almost everywhere
    assert len(playing) > 100  # and the long tail in a few theatres
    assert sum(feed.special_event_films for feed in feeds) > 0
    assert {"3D", "IMAX", "4DX", "DOLBY_CINEMA"} <= set(experiences)
    assert {showtime.version for showtime in showtimes} == {"VF", "VO"}
    assert 0.85 < sum(showtime.is_classic for showtime in showtimes) / len(showtimes) < 0.95


def test_overseas_theatres_have_their_timezone():
    zones = {scenario.venue_place(index)[1] for index in range(400)}
    assert {"Europe/Paris", "Indian/Reunion", "America/Guadeloupe", "Pacific/Noumea"} <= zones


def test_the_local_server_checks_the_key_and_serves_each_theatre():
    day = scenario.Day(3, 4, 20, 0, 1, dt.date(2026, 12, 3), posters=True)
    with scenario.allocine_server(day) as (base_url, totals, counters, _shift):
        url = f"{base_url}{scenario.API_PATH}/movieShowtimeList"
        good = {"Authorization": f"Bearer {scenario.API_KEY}"}
        with httpx.Client(timeout=10) as http:
            refused = http.get(url, params={"theater": "B00000"})
            unknown = http.get(url, params={"theater": "B09999"}, headers=good)
            feed = parse_feed(http.get(url, params={"theater": "B00001"}, headers=good).content)
            poster = http.get(feed.films[0].movie.poster_url)
    assert (refused.status_code, unknown.status_code) == (401, 404)
    assert len(feed.films) == 4 and totals["feeds"] == 3
    assert poster.headers["Content-Type"] == "image/jpeg"
    assert counters == {"unauthorized": 1, "feeds": 1, "posters": 1}


def test_the_runner_exposes_the_national_defaults():
    parser, _ = build_parser(["allocine_national"])
    args = parser.parse_args(["allocine_national"])
    assert (args.theaters, args.films_per_theater, args.showtimes_per_theater) == (2000, 20, 300)
    assert args.posters is False


def test_the_runner_refuses_to_drop_a_database_without_bench_in_its_name():
    args = argparse.Namespace(database_url="postgres://postgres@127.0.0.1:5432/passculture", allow_drop=False)
    with pytest.raises(SystemExit, match="refusing to drop"):
        scenario.run(args)


def test_the_default_database_keeps_the_server_and_names_its_own(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://bench:s3cret@db.local:5433/passculture")
    assert (
        scenario.default_database_url() == "postgres://bench:s3cret@db.local:5433/passculture_bench_allocine"
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("posters", [False, True], ids=["posters-null", "posters"])
def test_a_small_national_day_imports_and_reimports_with_exact_counts(posters):
    day = scenario.Day(
        theaters=5,
        films_per_theater=8,
        showtimes_per_theater=60,
        catalogue=30,
        seed=2,
        first_day=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=scenario.FIRST_DAY_OFFSET),
        posters=posters,
    )

    result = scenario.measure(day, log=lambda *args, **kwargs: None)

    # Timings are measured, never asserted (DESIGN.md); every correctness check must pass.
    checks = {name: passed for name, passed in result["checks"].items() if name not in scenario.TIMING_CHECKS}
    assert checks and all(checks.values()), result["checks"]
    assert result["first_import"]["db"]["stocks"] == result["feeds"]["expected_stocks"] > 0
    # One poster per film, shared by every cinema showing it (decision 19), not one per offer.
    assert result["first_import"]["runs"]["posters_fetched"] == (
        result["feeds"]["distinct_films"] if posters else 0
    )
    assert result["reimport"]["runs"]["showtimes_created"] == 0
    assert result["first_import"]["peak_rss_mb"] > 0 and result["reimport"]["wall_s"] > 0


def test_the_shift_runs_the_night_after_the_first_day_which_is_then_history():
    from benchmarks.scenarios import allocine_shift
    from benchmarks.scenarios.allocine_feeds import day_slots

    catalogue = scenario.build_catalogue(DAY)
    by_movie = {film.movie_id: film for film in catalogue}
    at = allocine_shift.shift_clock(DAY.first_day)
    assert at == dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)  # 03:00 in Paris (UTC+1 in December)
    booked = 0
    for index in range(DAY.theaters):
        feed = scenario.build_theater_feed(DAY, catalogue, index)
        tz = scenario.venue_place(index)[1]
        shifted = allocine_shift.shift_theater_feed(
            feed.body,
            seed=1,
            index=index,
            first_day=DAY.first_day,
            slots=day_slots(),
            catalogue=by_movie,
            tz=tz,
        )
        first_day = DAY.first_day.isoformat()
        edges = json.loads(feed.body)["movieShowtimeList"]["edges"]
        refs = allocine_shift.classic_refs(edges, tz, at)
        if tz == "Europe/Paris":
            # Yesterday's showtimes are past: neither compared nor counted as vanished.
            assert refs and not [ref for ref in refs if ref[1].startswith(first_day)]
        assert shifted.created + shifted.kept == len(
            allocine_shift.classic_refs(json.loads(shifted.body)["movieShowtimeList"]["edges"], tz, at)
        )
        assert shifted.kept + shifted.vanished == len(refs)
        if shifted.booked_ref is not None:
            booked += 1
            assert allocine_shift.booked_vanishes(index)
            _prefix, _movie_id, starts_at = shifted.booked_ref.split(":", 2)
            assert starts_at[:10] > first_day
    assert booked == sum(allocine_shift.booked_vanishes(index) for index in range(DAY.theaters))
