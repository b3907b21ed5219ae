"""The offer_search benchmark's parts: geometry, statistics, options, and a small national data set
on which the search must agree with the brute-force reference (the full run: docs/benchmarks.md)."""

import argparse

import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import offer_search as scenario
from django.utils import timezone


def test_offset_point_is_at_the_asked_distance():
    lat, lon = scenario.offset_point(45.7578, 4.832, 12.5, 73)

    assert scenario.haversine_km(45.7578, 4.832, lat, lon) == pytest.approx(12.5, abs=1e-6)


def test_percentiles_are_in_milliseconds():
    stats = scenario.percentiles_ms([i / 1000 for i in range(1, 101)])

    assert (stats["count"], stats["p50"], stats["p95"], stats["max"]) == (100, 50.5, 95.05, 100.0)


def test_the_scenario_defaults_are_the_national_scale_of_the_issue():
    parser, _ = build_parser(["offer_search"])
    args = parser.parse_args(["offer_search"])

    assert (args.venues, args.offers, args.showtimes, args.points, args.radius) == (
        2000,
        10_000,
        300_000,
        200,
        20,
    )
    assert args.database_url.endswith("/passculture_bench_search")
    assert args.databases == "sqlite,postgresql"


def test_the_runner_refuses_to_drop_a_database_without_bench_in_its_name():
    parser, _ = build_parser(["offer_search"])
    args = parser.parse_args(
        [
            "offer_search",
            "--databases",
            "postgresql",
            "--database-url",
            "postgres://postgres@127.0.0.1/passculture",
        ]
    )

    with pytest.raises(SystemExit, match="refusing to drop"):
        scenario.run(args)


def test_the_reference_sorts_by_distance_then_soonest_showtime():
    now = timezone.now()
    later = now.replace(year=now.year + 1)
    films = {
        1: {"lat": 45.80, "lon": 4.83, "starts": [now], "prices": [500]},
        2: {"lat": 45.76, "lon": 4.83, "starts": [later], "prices": [700, 600]},
        3: {"lat": 45.76, "lon": 4.83, "starts": [now, later], "prices": [800]},
        4: {"lat": 48.85, "lon": 2.35, "starts": [now], "prices": [500]},
    }

    found = scenario.reference_search(films, {"latitude": 45.7578, "longitude": 4.832}, 20, 10)

    assert [row[0] for row in found] == [3, 2, 1]
    assert found[1][2:] == (1, 600, 700)


@pytest.mark.django_db
def test_on_a_small_national_data_set_the_search_equals_the_reference():
    args = argparse.Namespace(
        venues=40, offers=120, showtimes=1500, seed=3, points=24, empty_share=0.2, radius=20, limit=20,
        reference_points=24,
    )  # fmt: skip
    data = scenario.generate(args, timezone.now())
    points = scenario.make_points(args, data["venues"])

    assert data["counts"]["showtimes"] == 1500
    assert sum(1 for p in points if p["kind"] == "empty") == 5
    checked = scenario.check_against_reference(args, points, timezone.now())
    assert checked == {"points_checked": 24, "mismatches": 0, "samples": []}
