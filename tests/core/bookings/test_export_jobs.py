"""The export job's own rules: progress recorded while writing, a failure leaves no file behind."""

import pytest

from passculture.core.bookings import export_jobs
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import BookingExportJob, ExportJobStatus
from passculture.core.bookings.selectors import BookingFilters
from passculture.core.users.factories import ProFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(venue):
    for _ in range(3):
        BookingFactory(stock__offer__venue=venue)
    return export_jobs.request_export_job(ProFactory(), venue.offerer, BookingFilters(), "xlsx", 3)


def test_progress_is_recorded_while_rows_are_written(job, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    seen = []
    for _ in export_jobs._counted(job.pk, iter([(1,), (2,), (3,)])):
        seen.append(BookingExportJob.objects.get(pk=job.pk).rows_done)
    assert seen == [0, 1, 2]
    assert BookingExportJob.objects.get(pk=job.pk).rows_done == 3


def test_a_failed_job_says_so_and_leaves_no_file(job, monkeypatch, settings):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "write_xlsx", broken)
    assert export_jobs.run_export_job(job.pk) == ExportJobStatus.FAILED
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and "disk full" in job.error
    assert list(settings.BOOKING_EXPORTS_ROOT.iterdir()) == []
    assert export_jobs.export_file_path(job) is None


def test_a_csv_job_writes_a_csv_file(venue, settings):
    BookingFactory(stock__offer__venue=venue, token="AAA234")
    job = export_jobs.request_export_job(ProFactory(), venue.offerer, BookingFilters(), "csv", 1)
    assert export_jobs.run_export_job(job.pk) == ExportJobStatus.DONE
    job.refresh_from_db()
    content = (settings.BOOKING_EXPORTS_ROOT / job.file_name).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and b"AAA234" in content


def test_an_unknown_format_is_refused(venue):
    with pytest.raises(ValueError):
        export_jobs.request_export_job(ProFactory(), venue.offerer, BookingFilters(), "pdf", 1)
