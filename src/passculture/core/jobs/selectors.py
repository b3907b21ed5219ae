"""Read queries of the periodic jobs (the operations metrics)."""

from typing import Any

from .models import JobRun
from .schedule import SCHEDULE

FIELDS = ("last_started_at", "last_finished_at", "last_succeeded_at", "last_status")


def job_runs() -> list[dict[str, Any]]:
    """One row per scheduled job, in schedule order, with its last runs (None when it never ran)."""
    runs: dict[str, dict[str, Any]] = {row["name"]: row for row in JobRun.objects.values("name", *FIELDS)}
    empty: dict[str, Any] = {}
    return [
        {
            "name": job.name,
            "every_seconds": job.every.total_seconds(),
            **{key: runs.get(job.name, empty).get(key) for key in FIELDS},
        }
        for job in SCHEDULE
    ]
