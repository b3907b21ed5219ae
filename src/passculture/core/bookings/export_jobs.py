"""Large booking exports, written in the background.

An XLSX of tens of thousands of rows takes tens of seconds to write (openpyxl spends microseconds per
cell): inside a request it would hold a worker that long and time out behind a proxy. Above
JOB_THRESHOLD rows the request only records a `BookingExportJob`; after the commit a Celery worker
(when a broker is configured) or the every-minute runjobs job writes the file under
settings.BOOKING_EXPORTS_ROOT (private: never under MEDIA_ROOT nor static), recording its progress, and
the person who asked downloads it for EXPORT_LIFETIME. The job row is the source of truth: a lost task
costs a minute, a duplicated one nothing (the claim moves PENDING to RUNNING once).
"""

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from passculture.core.common.audit import log_action
from passculture.core.common.exports import iter_csv_bytes, write_xlsx
from passculture.core.common.time import now as utcnow

from .exports import EXPORT_COLUMNS, EXPORT_FORMATS, booking_export_rows, export_filename
from .models import BookingExportJob, ExportJobStatus
from .selectors import BookingFilters

logger = logging.getLogger(__name__)

# Above this many rows an XLSX export is a job; below, the file is written within the request (~1 s).
JOB_THRESHOLD = 2_000
EXPORT_LIFETIME = dt.timedelta(hours=24)
# A job still RUNNING after this long died with its worker: runjobs takes it again.
STALE_AFTER = dt.timedelta(minutes=30)
PROGRESS_EVERY = 500


def request_export_job(actor, offerer, filters: BookingFilters, fmt: str, row_count: int) -> BookingExportJob:
    """Records the export to write and who asked (audit log); the file is written after the commit."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    at = utcnow()
    with transaction.atomic():
        job = BookingExportJob.objects.create(
            offerer=offerer,
            requested_by=actor,
            format=fmt,
            filters=filters.as_dict(),
            rows_total=row_count,
            created_at=at,
            download_name=export_filename(offerer, fmt, at),
        )
        log_action(
            "bookings.export_requested",
            actor=actor,
            target=offerer,
            data={"format": fmt, "filters": filters.as_dict(), "row_count": row_count, "job_id": job.pk},
        )
        job_id = job.pk
        transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    """Never raises: without a broker, or with a dead one, runjobs takes the job within a minute."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        from .tasks import run_export_job_task

        run_export_job_task.delay(job_id)
    except Exception:
        logger.warning("bookings: export job %s: broker unreachable, left for runjobs", job_id, exc_info=True)


def _claim(job_id: int, at: dt.datetime) -> BookingExportJob | None:
    waiting = Q(status=ExportJobStatus.PENDING) | Q(
        status=ExportJobStatus.RUNNING, started_at__lte=at - STALE_AFTER
    )
    taken = BookingExportJob.objects.filter(waiting, pk=job_id).update(
        status=ExportJobStatus.RUNNING, started_at=at, rows_done=0
    )
    if not taken:
        return None
    return BookingExportJob.objects.select_related("offerer").get(pk=job_id)


def _counted(job_id: int, rows: Iterable[tuple]) -> Iterator[tuple]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            BookingExportJob.objects.filter(pk=job_id).update(rows_done=done)
    BookingExportJob.objects.filter(pk=job_id).update(rows_done=done)


def exports_root() -> Path:
    return Path(settings.BOOKING_EXPORTS_ROOT)


def export_file_path(job: BookingExportJob) -> Path | None:
    """The job's file if it is ready and not expired, else None."""
    if job.status != ExportJobStatus.DONE or not job.file_name:
        return None
    if job.expires_at is not None and job.expires_at <= utcnow():
        return None
    path = exports_root() / job.file_name
    return path if path.is_file() else None


def run_export_job(job_id: int, *, at: dt.datetime | None = None) -> str:
    """Writes one job's file; returns its status, or "skipped" when another runner has it."""
    at = at or utcnow()
    job = _claim(job_id, at)
    if job is None:
        return "skipped"
    filters = BookingFilters.from_dict(job.filters)
    rows = _counted(job.pk, booking_export_rows([job.offerer_id], filters))
    root = exports_root()
    file_name = f"{job.pk}-{secrets.token_hex(8)}.{job.format}"
    path = root / file_name
    try:
        root.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            if job.format == "csv":
                for chunk in iter_csv_bytes(EXPORT_COLUMNS, rows):
                    handle.write(chunk)
            else:
                handle.write(write_xlsx(EXPORT_COLUMNS, rows, sheet_title="Réservations"))
    except Exception as error:
        logger.exception("bookings: export job %s failed", job.pk)
        path.unlink(missing_ok=True)
        BookingExportJob.objects.filter(pk=job.pk).update(
            status=ExportJobStatus.FAILED, finished_at=utcnow(), error=repr(error)[:2000]
        )
        return ExportJobStatus.FAILED
    finished = utcnow()
    BookingExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.DONE,
        file_name=file_name,
        finished_at=finished,
        expires_at=finished + EXPORT_LIFETIME,
    )
    return ExportJobStatus.DONE


def run_requested_export_jobs(at: dt.datetime | None = None) -> dict:
    """The every-minute job: writes the exports waiting for a worker (or whose worker died), then
    deletes the expired files."""
    at = at or utcnow()
    waiting = BookingExportJob.objects.filter(
        Q(status=ExportJobStatus.PENDING)
        | Q(status=ExportJobStatus.RUNNING, started_at__lte=at - STALE_AFTER)
    )
    results: dict[str, int] = {}
    for job_id in waiting.order_by("id").values_list("pk", flat=True):
        status = run_export_job(job_id)
        results[status] = results.get(status, 0) + 1
    results["expired"] = purge_expired_exports(at)
    return results


def purge_expired_exports(at: dt.datetime | None = None) -> int:
    """Deletes the files of exports past their lifetime; their jobs say EXPIRED (idempotent)."""
    at = at or utcnow()
    expired = BookingExportJob.objects.filter(status=ExportJobStatus.DONE, expires_at__lte=at)
    count = 0
    for job in expired.only("pk", "file_name"):
        if job.file_name:
            (exports_root() / job.file_name).unlink(missing_ok=True)
        count += BookingExportJob.objects.filter(pk=job.pk, status=ExportJobStatus.DONE).update(
            status=ExportJobStatus.EXPIRED, file_name=""
        )
    return count


def export_job_of_requester(job_id: int, user, offerer_ids) -> BookingExportJob | None:
    """A job only for the person who asked for it, and only while they belong to its offerer (the
    caller passes their current validated offerers): None for anybody else."""
    return (
        BookingExportJob.objects.select_related("offerer")
        .filter(pk=job_id, requested_by=user, offerer_id__in=list(offerer_ids))
        .first()
    )
