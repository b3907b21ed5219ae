"""runjobs started by several machines at once (cron on two nodes): a job never runs twice."""

import threading
from collections import Counter

from django.utils import timezone

from passculture.core.jobs import services
from passculture.core.jobs.models import JobRun
from passculture.core.jobs.schedule import SCHEDULE, Job
from tests.core.bookings.test_concurrency import assert_no_errors, concurrent, run_concurrently

WAIT = 30  # seconds; only reached when the lease is broken


@concurrent
def test_parallel_runners_run_each_due_job_exactly_once(monkeypatch):
    calls: Counter = Counter()
    guard = threading.Lock()

    def counting(name):
        def job():
            with guard:
                calls[name] += 1
            return {"ran": True}

        return job

    monkeypatch.setattr(Job, "load", lambda self: counting(self.name))
    at = timezone.now()

    outcomes = run_concurrently([lambda: services.run_due_jobs(at=at) for _ in range(8)])

    assert_no_errors(outcomes)
    assert calls == {job.name: 1 for job in SCHEDULE}
    reported = Counter(name for outcome in outcomes for name in outcome.value)
    assert reported == calls
    assert set(JobRun.objects.values_list("name", flat=True)) == {job.name for job in SCHEDULE}
    assert not JobRun.objects.filter(lease_until__isnull=False).exists()


@concurrent
def test_a_forced_run_does_not_start_a_job_another_runner_is_still_running(monkeypatch):
    job = SCHEDULE[0]
    runs: list[str] = []
    returned: dict[str, threading.Event] = {"first": threading.Event(), "second": threading.Event()}

    def slow_job():
        me = threading.current_thread().name
        runs.append(me)
        # Hold the job until the other runner has come and gone: it must have found the lease taken.
        other = next(event for name, event in returned.items() if name != me)
        other.wait(WAIT)
        return {}

    monkeypatch.setattr(Job, "load", lambda self: slow_job)
    at = timezone.now()

    def runner(name):
        def run():
            threading.current_thread().name = name
            try:
                return services.run_due_jobs(at=at, only=[job.name], force=True)
            finally:
                returned[name].set()

        return run

    outcomes = run_concurrently([runner("first"), runner("second")])

    assert_no_errors(outcomes)
    assert len(runs) == 1, f"the job ran in both runners: {runs}"
    assert sorted(bool(o.value) for o in outcomes) == [False, True]
