"""The password_reset_timing benchmark's parts and a tiny run of it on the test database (the timings
themselves are read in its JSON result, never asserted here: docs/benchmarks.md)."""

import argparse
import random

import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import password_reset_timing as scenario


def test_the_difference_of_medians_is_compared_with_the_target():
    durations = {"known": [0.010, 0.011, 0.030], "unknown": [0.008, 0.0095, 0.001]}

    compared = scenario.compare(durations, target_ms=2.0)

    assert (compared["known"]["median"], compared["unknown"]["median"]) == (11.0, 8.0)
    assert compared["median_difference_ms"] == 3.0
    assert not compared["within_target"]
    assert scenario.compare(durations, target_ms=3.0)["within_target"]


def test_the_paired_difference_is_known_minus_unknown_within_each_pair():
    sequence = [("known", 0.012), ("unknown", 0.010), ("unknown", 0.020), ("known", 0.021)]

    assert scenario.paired_difference_ms(sequence) == 1.5
    assert scenario.paired_difference_ms([]) is None


def test_known_and_unknown_addresses_are_sent_in_pairs():
    order = scenario._pairs(random.Random(1), 50)

    assert len(order) == 100
    assert all(sorted(order[i : i + 2]) == ["known", "unknown"] for i in range(0, 100, 2))
    assert order[:2] != order[2:4] or order[4:6] != order[:2]  # the order inside a pair varies


def test_the_scenario_defaults_measure_every_flow_on_both_databases():
    parser, _ = build_parser(["password_reset_timing"])
    args = parser.parse_args(["password_reset_timing"])

    assert (args.databases, args.flows, args.samples, args.target_ms) == (
        "sqlite,postgresql",
        "app,native,pro",
        300,
        2.0,
    )
    assert args.database_url.endswith("/passculture_bench_reset")


def test_the_runner_refuses_to_drop_a_database_without_bench_in_its_name():
    parser, _ = build_parser(["password_reset_timing"])
    args = parser.parse_args(
        ["password_reset_timing", "--databases", "postgresql", "--database-url", "postgres://h/passculture"]
    )

    with pytest.raises(SystemExit, match="refusing to drop"):
        scenario.run(args)


@pytest.mark.django_db(transaction=True)
def test_a_small_run_answers_every_request_and_does_the_same_work_for_both_kinds():
    args = argparse.Namespace(samples=4, warmup=1, seed=1, target_ms=2.0)

    measured = scenario.measure(args, list(scenario.FLOWS))

    for flow, result in measured.items():
        assert result["all_expected_status"], flow
        assert result["known"]["count"] == result["unknown"]["count"] == 4
        work = result["work_per_request"]
        assert work["known"] == work["unknown"], flow
        assert work["unknown"]["outbox_rows"] == work["unknown"]["emails_handed_to_backend"] == 1
