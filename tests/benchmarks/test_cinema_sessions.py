"""The cinema_sessions benchmark's parts: its defaults are the issue's national scale, and the programmes it
pushes are valid pushes of the public API (the full run needs PostgreSQL: docs/benchmarks.md)."""

from benchmarks.run import build_parser
from benchmarks.scenarios import cinema_sessions as scenario

from passculture.core.providers.ticketing import sessions
from passculture.interfaces.api.public.v1.schemas import CinemaSessionsIn


def test_the_defaults_are_two_thousand_cinemas_pushing_a_week_of_600_000_showtimes():
    parser, _ = build_parser(["cinema_sessions"])
    args = parser.parse_args(["cinema_sessions"])

    week = args.films_per_cinema * args.starts_per_film * args.prices
    assert (args.cinemas, week, args.cinemas * week) == (2000, 300, 600_000)
    assert args.database_url.endswith("/passculture_bench_cinema_sessions")


def test_the_single_push_is_the_apis_largest_and_parses():
    body = scenario.programme(1, 0, 25, 17, 2, total_films=300)

    parsed = CinemaSessionsIn.model_validate(body)
    assert sum(len(offer.stocks) for offer in parsed.offers) == sessions.MAX_STOCKS == 850
    assert len({stock["idAtProvider"] for offer in body["offers"] for stock in offer["stocks"]}) == 850


def test_a_changed_push_keeps_every_id_and_changes_every_price():
    same = scenario.programme(1, 0, 2, 10, 3, total_films=300)
    changed = scenario.programme(1, 0, 2, 10, 3, total_films=300, shift=10)

    ids = [[s["idAtProvider"] for s in o["stocks"]] for o in same["offers"]]
    assert ids == [[s["idAtProvider"] for s in o["stocks"]] for o in changed["offers"]]
    prices = [c["price"] for o in same["offers"] for c in o["priceCategories"]]
    assert [c["price"] for o in changed["offers"] for c in o["priceCategories"]] == [p + 10 for p in prices]
