"""The benchmark harness's pure parts (the scenario itself needs PostgreSQL: `make bench`)."""

import argparse

import pytest
from benchmarks.run import build_parser
from benchmarks.scenarios import booking_contention as scenario

PGBENCH_OUTPUT = """\
number of failed transactions: 0 (0.000%)
latency average = 2.297 ms
initial connection time = 28.881 ms
tps = 3482.687094 (without initial connection time)
"""


def test_pgbench_tps_is_read_from_its_summary_line():
    assert float(scenario.TPS_RE.search(PGBENCH_OUTPUT).group(1)) == 3482.687094


def test_scratch_database_url_keeps_the_server_and_changes_the_name():
    url = "postgres://bench:s3cret@db.local:5433/pc_bench"
    scratch = scenario.with_database(url, "pc_bench_pgbench")
    assert scratch == "postgres://bench:s3cret@db.local:5433/pc_bench_pgbench"
    assert scenario.database_name(scratch) == "pc_bench_pgbench"


def test_runner_refuses_to_drop_a_database_without_bench_in_its_name():
    args = argparse.Namespace(database_url="postgres://postgres@127.0.0.1:5432/passculture", allow_drop=False)
    with pytest.raises(SystemExit, match="refusing to drop"):
        scenario.run(args)


def test_runner_exposes_the_booking_contention_defaults():
    parser, _ = build_parser()
    args = parser.parse_args([])
    assert (args.scenario, args.clients, args.showtimes, args.duration) == ("booking_contention", 8, 20, 15)


@pytest.mark.django_db
def test_the_run_says_when_its_data_ran_out():
    from passculture.core.credit.factories import DepositFactory
    from passculture.core.offers.factories import StockFactory

    large = [StockFactory(quantity=100, booked_quantity=booked) for booked in (30, 50)]
    StockFactory(quantity=10, booked_quantity=10)  # a small showtime sold out: expected
    DepositFactory(amount_cents=300_00, spent_cents=100_00)
    DepositFactory(amount_cents=100_00, spent_cents=0)

    used = scenario.supply_used([stock.pk for stock in large])
    assert used == {
        "large_showtimes_seats_taken": 0.4,
        "large_showtimes_sold_out": 0,
        "credit_spent": 0.25,
        "ran_out": False,
    }

    type(large[0]).objects.filter(pk=large[0].pk).update(booked_quantity=100)
    assert scenario.supply_used([stock.pk for stock in large])["ran_out"] is True


@pytest.mark.django_db
def test_over_half_the_credit_spent_is_data_that_ran_out():
    from passculture.core.credit.factories import DepositFactory

    DepositFactory(amount_cents=300_00, spent_cents=151_00)
    assert scenario.supply_used([])["ran_out"] is True
