"""What operations watch of the jobs: the last success survives a failed run, each run is counted by
status, and a run's log lines carry an id of their own (decision 0036)."""

import datetime as dt
import logging

import pytest
from prometheus_client import REGISTRY

from passculture.core.common import request_id
from passculture.core.jobs import selectors, services
from passculture.core.jobs.models import JobRun
from passculture.core.jobs.schedule import Job
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
OUTCOME = {"fail": False, "ids": []}


def flaky_job():
    OUTCOME["ids"].append(request_id.current())
    logging.getLogger("passculture.test.job").info("working")
    if OUTCOME["fail"]:
        raise RuntimeError("down")
    return {"done": 1}


FLAKY = Job("flaky", dt.timedelta(minutes=5), f"{__name__}.flaky_job", "Parfois en échec.")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    OUTCOME.update(fail=False, ids=[])


def count(status: str) -> float:
    return REGISTRY.get_sample_value("passculture_job_runs_total", {"job": "flaky", "status": status}) or 0.0


def test_the_last_success_is_kept_when_a_later_run_fails(time_machine):
    services.run_job(FLAKY, at=NOW)
    assert JobRun.objects.get(name="flaky").last_succeeded_at == NOW
    OUTCOME["fail"] = True
    time_machine.move_to(NOW + dt.timedelta(minutes=10), tick=False)
    services.run_job(FLAKY, at=NOW + dt.timedelta(minutes=10))
    run = JobRun.objects.get(name="flaky")
    assert (run.last_status, run.last_finished_at, run.last_succeeded_at) == (
        "error",
        NOW + dt.timedelta(minutes=10),
        NOW,
    )


def test_each_run_is_counted_by_status():
    ok, error = count("ok"), count("error")
    services.run_job(FLAKY, at=NOW)
    OUTCOME["fail"] = True
    services.run_job(FLAKY, at=NOW + dt.timedelta(minutes=5))
    assert (count("ok"), count("error")) == (ok + 1, error + 1)


def test_a_run_has_its_own_id_while_it_runs():
    services.run_job(FLAKY, at=NOW)
    [job_id] = OUTCOME["ids"]
    assert job_id.startswith("job-")
    assert request_id.current() == ""


def test_a_run_started_by_a_request_or_task_keeps_its_id():
    with request_id.bound("req-runjobs-000001"):
        services.run_job(FLAKY, at=NOW)
    assert OUTCOME["ids"] == ["req-runjobs-000001"]


def test_every_scheduled_job_is_listed_even_before_its_first_run():
    JobRun.objects.create(name="deliver_emails", last_succeeded_at=NOW, last_status="ok")
    runs = {run["name"]: run for run in selectors.job_runs()}
    assert runs["deliver_emails"]["last_succeeded_at"] == NOW
    assert runs["deliver_emails"]["every_seconds"] == 60
    assert runs["expire_bookings"]["last_succeeded_at"] is None
