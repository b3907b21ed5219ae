import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.jobs import services
from passculture.core.jobs.models import JobRun
from passculture.core.jobs.schedule import SCHEDULE, Job, get_job
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
CALLS: list[str] = []


def hourly_job():
    CALLS.append("hourly")
    return {"done": 1}


def daily_job():
    CALLS.append("daily")
    return None


def failing_job():
    CALLS.append("failing")
    raise RuntimeError("Allociné ne répond pas")


HERE = __name__
FAKE_SCHEDULE = (
    Job("failing", dt.timedelta(minutes=5), f"{HERE}.failing_job", "Échoue toujours."),
    Job("hourly", dt.timedelta(hours=1), f"{HERE}.hourly_job", "Toutes les heures."),
    Job("daily", dt.timedelta(days=1), f"{HERE}.daily_job", "Tous les jours."),
)


@pytest.fixture
def fake_schedule(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(services, "SCHEDULE", FAKE_SCHEDULE)
    return CALLS


def test_schedule_has_hourly_auto_validation_and_daily_expiry():
    assert get_job("auto_validate_bookings").every == dt.timedelta(hours=1)
    assert get_job("expire_bookings").every == dt.timedelta(days=1)
    assert len({job.name for job in SCHEDULE}) == len(SCHEDULE)
    for job in SCHEDULE:
        assert callable(job.load())


def test_runjobs_runs_each_due_job_once(fake_schedule):
    results = services.run_due_jobs(at=NOW)
    assert sorted(fake_schedule) == ["daily", "failing", "hourly"]
    assert results["hourly"] == {"status": "ok", "done": 1}
    assert results["daily"] == {"status": "ok"}


def test_second_immediate_call_runs_nothing(fake_schedule):
    services.run_due_jobs(at=NOW)
    fake_schedule.clear()
    assert services.run_due_jobs(at=NOW) == {}
    assert fake_schedule == []


def test_job_not_due_is_skipped(fake_schedule):
    services.run_due_jobs(at=NOW)
    fake_schedule.clear()
    results = services.run_due_jobs(at=NOW + dt.timedelta(hours=1))
    assert sorted(fake_schedule) == ["failing", "hourly"]
    assert "daily" not in results
    fake_schedule.clear()
    services.run_due_jobs(at=NOW + dt.timedelta(days=1))
    assert sorted(fake_schedule) == ["daily", "failing", "hourly"]


def test_last_run_is_stored_in_the_database(fake_schedule):
    services.run_due_jobs(at=NOW)
    run = JobRun.objects.get(name="hourly")
    assert (run.last_started_at, run.last_status, run.last_result, run.lease_until) == (
        NOW,
        "ok",
        {"done": 1},
        None,
    )
    assert run.last_finished_at is not None


def test_failing_job_records_the_error_and_does_not_stop_the_others(fake_schedule):
    results = services.run_due_jobs(at=NOW)
    assert results["failing"] == {"status": "error"}
    assert results["hourly"]["status"] == "ok"
    failed = JobRun.objects.get(name="failing")
    assert failed.last_status == "error"
    assert "Allociné ne répond pas" in failed.last_error
    assert failed.lease_until is None


def test_job_running_elsewhere_is_not_started_twice_even_when_forced(fake_schedule):
    JobRun.objects.create(name="hourly", lease_until=NOW + dt.timedelta(minutes=10))
    services.run_due_jobs(at=NOW, only=["hourly"], force=True)
    assert fake_schedule == []


def test_job_whose_runner_died_runs_again_once_its_lease_expired(fake_schedule):
    JobRun.objects.create(name="hourly", last_started_at=NOW - dt.timedelta(hours=2), lease_until=NOW)
    services.run_due_jobs(at=NOW, only=["hourly"])
    assert fake_schedule == ["hourly"]


def test_forced_run_ignores_the_schedule(fake_schedule):
    services.run_due_jobs(at=NOW, only=["daily"])
    services.run_due_jobs(at=NOW + dt.timedelta(minutes=1), only=["daily"], force=True)
    assert fake_schedule == ["daily", "daily"]


def test_call_command_runjobs_runs_the_real_jobs(time_machine):
    time_machine.move_to(NOW, tick=False)
    booking = BookingFactory(
        stock=StockFactory(beginning_datetime=NOW - dt.timedelta(hours=49)),
        booked_at=NOW - dt.timedelta(days=3),
    )
    out = io.StringIO()
    call_command("runjobs", stdout=out)
    results = json.loads(out.getvalue())
    assert set(results) == {job.name for job in SCHEDULE}
    assert results["auto_validate_bookings"] == {"status": "ok", "validated": 1}
    assert results["expire_bookings"] == {"status": "ok", "expired": 0, "reminded": 0}
    booking.refresh_from_db()
    assert booking.status == BookingStatus.USED
    again = io.StringIO()
    call_command("runjobs", stdout=again)
    assert json.loads(again.getvalue()) == {}


def test_call_command_runjobs_can_run_one_job(time_machine):
    time_machine.move_to(NOW, tick=False)
    out = io.StringIO()
    call_command("runjobs", "--job", "expire_bookings", stdout=out)
    assert list(json.loads(out.getvalue())) == ["expire_bookings"]
