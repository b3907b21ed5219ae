"""The checks of the multi-node benchmark fail when they should (the run itself needs root and
namespaces: `python -m benchmarks.run multinode`, docs/operations/multinode.md)."""

import datetime as dt

from benchmarks.multinode.jobs import JobRunners
from benchmarks.multinode.network import NODES
from benchmarks.scenarios.multinode import _http_report

from passculture.core.jobs.schedule import SCHEDULE

T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


def _runners(claims: dict[str, list[dt.datetime]], runs: list[tuple[str, list[str]]]) -> JobRunners:
    runners = JobRunners([NODES[2], NODES[1]], ["runjobs"], {}, 60.0, log=None)
    for name, times in claims.items():
        runners.claims[name] = {at.isoformat() for at in times}
    runners.runs = [{"node": node, "started": 0.0, "rc": 0, "jobs": jobs} for node, jobs in runs]
    return runners


def _every_job_once() -> tuple[dict, list]:
    claims = {job.name: [T0] for job in SCHEDULE}
    return claims, [("worker", [job.name for job in SCHEDULE])]


def test_each_job_claimed_once_and_run_once_passes():
    claims, runs = _every_job_once()
    result = _runners(claims, runs).check()
    assert result["ok"]
    assert result["job_runs_by_node"] == {"worker": len(SCHEDULE), "web2": 0}


def test_a_slot_run_by_two_nodes_fails():
    claims, runs = _every_job_once()
    runs.append(("web2", ["deliver_emails"]))  # one claim seen, two runs reported
    result = _runners(claims, runs).check()
    assert not result["ok"]
    assert result["jobs_run_twice_or_never"] == ["deliver_emails"]


def test_two_claims_closer_than_the_period_fail():
    claims, runs = _every_job_once()
    claims["deliver_emails"] = [T0, T0 + dt.timedelta(seconds=20)]
    runs.append(("web2", ["deliver_emails"]))
    result = _runners(claims, runs).check()
    assert result["jobs_run_twice_or_never"] == ["deliver_emails"]
    assert result["jobs"]["deliver_emails"]["min_gap_s"] == 20


def test_a_job_never_claimed_fails():
    claims, runs = _every_job_once()
    del claims["expire_bookings"]
    runs[0][1].remove("expire_bookings")
    assert _runners(claims, runs).check()["jobs_run_twice_or_never"] == ["expire_bookings"]


def test_errors_are_counted_inside_or_outside_the_death_of_web1():
    records = [
        (100.0, "search", 200, 10.0),
        (110.2, "booking", 0, 50.0),  # in flight when web1 died at 110
        (111.0, "search", 502, 5.0),  # before HAProxy marked it down at 112
        (130.0, "counter", 500, 7.0),  # long after: a real error
    ]
    report = _http_report(records, 100.0, 140.0, (110.0, 112.0))
    assert report["errors_while_web1_died"] == {"booking:0": 1, "search:502": 1}
    assert report["errors_outside_that_window"] == {"counter:500": 1}
    assert report["by_kind"]["search"]["requests"] == 2
    assert report["by_kind"]["search"]["by_status"] == {"200": 1, "502": 1}
