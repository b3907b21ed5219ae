"""runjobs: runs every due job once. Safe to call concurrently: a job is claimed with a
compare-and-swap on its JobRun row (a lease), so two runners never run the same job at once."""

import datetime as dt
import logging
import traceback

from django.db import IntegrityError, transaction
from django.db.models import Q

from passculture.core.common import metrics, request_id
from passculture.core.common.time import now as utcnow

from .models import JobRun
from .schedule import SCHEDULE, Job

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=30)


def _ensure_row(name: str) -> None:
    if not JobRun.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                JobRun.objects.create(name=name)
        except IntegrityError:
            pass  # created by a concurrent runner


def is_due(run: JobRun, job: Job, at: dt.datetime) -> bool:
    return run.last_started_at is None or run.last_started_at + job.every <= at


def _claim(job: Job, at: dt.datetime, force: bool) -> bool:
    _ensure_row(job.name)
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=at)
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=at - job.every)
    condition = free if force else free & due
    return (
        JobRun.objects.filter(condition, name=job.name).update(last_started_at=at, lease_until=at + LEASE)
        == 1
    )


def run_job(job: Job, *, at: dt.datetime | None = None, force: bool = False) -> dict | None:
    """Runs one job if it is due (or forced) and not running elsewhere. Returns its result or None."""
    at = at or utcnow()
    if not _claim(job, at, force):
        return None
    status, error, result = "ok", "", {}
    # Its own id in every log line of the run, and in what it queues (emails, tasks): `job-<hex>`.
    with request_id.bound(request_id.current() or request_id.generate("job-")):
        try:
            result = job.load()() or {}
        except Exception:
            status, error = "error", traceback.format_exc()
            logger.exception("job %s failed", job.name)
    finished_at = utcnow()
    JobRun.objects.filter(name=job.name).update(
        last_finished_at=finished_at,
        last_status=status,
        last_error=error[-5000:],
        last_result=result,
        lease_until=None,
        **({"last_succeeded_at": finished_at} if status == "ok" else {}),
    )
    metrics.job_run(job.name, status)
    return {"status": status, **result}


def run_due_jobs(
    *, at: dt.datetime | None = None, only: list[str] | None = None, force: bool = False
) -> dict:
    results = {}
    for job in SCHEDULE:
        if only and job.name not in only:
            continue
        outcome = run_job(job, at=at, force=force)
        if outcome is not None:
            results[job.name] = outcome
    return results
