"""The page_weight benchmark's parts that run without a browser (its figures are read in its JSON
result, never asserted here: docs/benchmarks.md)."""

import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import page_weight as scenario


def test_the_pages_option_names_each_page_and_finds_the_first_film_on_home(monkeypatch):
    class Home:
        text = '<a href="/cinemas/3/">x</a><a href="/films/12/?lat=1">Dune</a><a href="/films/13/">y</a>'

    monkeypatch.setattr(scenario.httpx, "get", lambda url, timeout: Home())
    assert scenario._resolve_pages("home=/, film=auto", "http://x") == {
        "home": "/",
        "film": "/films/12/?lat=1",
    }


def test_without_a_film_on_home_the_film_page_is_left_out(monkeypatch):
    class Home:
        text = "<p>Aucun film</p>"

    monkeypatch.setattr(scenario.httpx, "get", lambda url, timeout: Home())
    assert scenario._resolve_pages("home=/,film=auto", "http://x") == {"home": "/"}


@pytest.mark.parametrize("argv", [["page_weight"], ["page_weight", "--runs", "3", "--home-budget-kb", "200"]])
def test_the_scenario_is_known_to_the_runner(argv):
    parser, _ = build_parser(argv)
    args = parser.parse_args(argv)
    assert args.scenario == "page_weight" and args.runs in (5, 3)
