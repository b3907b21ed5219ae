"""Large XLSX exports become a job: the request only records it, a worker writes the file under the
private var/ directory with its progress, and only the person who asked downloads it, while they still
belong to the offerer, for 24 hours."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from passculture.core.bookings import export_jobs
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import BookingExportJob, ExportJobStatus
from passculture.core.common.models import AuditLog
from passculture.core.jobs.schedule import get_job
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.offerers.models import Membership
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
XLSX = reverse("pro:bookings-export-xlsx")
LIST = reverse("pro:bookings")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch):
    # Two or three rows stand for the thousands of a real large export.
    monkeypatch.setattr(export_jobs, "JOB_THRESHOLD", 1)
    monkeypatch.setattr("passculture.interfaces.pro.bookings.JOB_THRESHOLD", 2)


@pytest.fixture
def logged_in(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def three(venue):
    return [
        BookingFactory(stock__offer__venue=venue, token=token, user=UserFactory(last_name=name))
        for token, name in [("AAA234", "Durand"), ("BBB234", "Durand"), ("CCC234", "Morel")]
    ]


def job_url(name: str, job) -> str:
    return reverse(f"pro:{name}", args=[job.pk])


def ask(client, **filters):
    response = client.post(XLSX + ("?" + "&".join(f"{k}={v}" for k, v in filters.items()) if filters else ""))
    assert response.status_code == 302
    return BookingExportJob.objects.get(), response


def test_the_list_offers_to_prepare_a_large_excel_file(logged_in, three):
    html = logged_in.get(LIST).content.decode()
    assert "Préparer le fichier Excel" in html
    assert "Télécharger (Excel)" not in html
    assert "Télécharger (CSV)" in html


def test_a_large_export_request_only_records_a_job(logged_in, pro, three):
    job, response = ask(logged_in, status="CONFIRMED")
    assert response["Location"] == job_url("bookings-export-job", job)
    assert job.status == ExportJobStatus.PENDING
    assert job.requested_by == pro and job.rows_total == 3 and job.format == "xlsx"
    assert job.filters["status"] == "CONFIRMED"
    assert not job.file_name
    assert AuditLog.objects.filter(action="bookings.export_requested", actor=pro).count() == 1


def test_a_get_of_a_large_export_goes_back_to_the_list_without_a_job(logged_in, three):
    response = logged_in.get(XLSX, {"q": "Durand"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?q=Durand"
    assert not BookingExportJob.objects.exists()


def test_the_job_page_polls_its_progress_every_two_seconds(logged_in, three):
    job, _ = ask(logged_in)
    html = logged_in.get(job_url("bookings-export-job", job)).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{job_url("bookings-export-job-status", job)}"' in html
    assert "vendor/htmx" in html
    BookingExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING, rows_done=1)
    partial = logged_in.get(job_url("bookings-export-job-status", job)).content.decode()
    assert "1 ligne sur 3 (33 %)" in partial
    assert 'value="1"' in partial


def test_the_worker_writes_the_file_with_the_search_and_it_is_downloaded(logged_in, three, settings):
    job, _ = ask(logged_in, q="durand")
    assert export_jobs.run_export_job(job.pk) == ExportJobStatus.DONE
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE and job.rows_done == 2
    assert (settings.BOOKING_EXPORTS_ROOT / job.file_name).is_file()
    assert job.expires_at == NOW + dt.timedelta(hours=24)
    page = logged_in.get(job_url("bookings-export-job-status", job)).content.decode()
    assert "hx-trigger" not in page
    assert "Télécharger le fichier Excel" in page
    response = logged_in.get(job_url("bookings-export-job-download", job))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="reservations-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row[3].value for row in sheet.iter_rows(min_row=2)) == ["AAA234", "BBB234"]


def test_a_second_run_of_the_same_job_does_nothing(logged_in, three):
    job, _ = ask(logged_in)
    export_jobs.run_export_job(job.pk)
    assert export_jobs.run_export_job(job.pk) == "skipped"


def test_runjobs_writes_the_waiting_exports(logged_in, three):
    job, _ = ask(logged_in)
    results = get_job("booking_export_jobs").load()()
    assert results[ExportJobStatus.DONE] == 1
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE


def test_a_job_whose_worker_died_is_taken_again(logged_in, three, time_machine):
    job, _ = ask(logged_in)
    BookingExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING, started_at=NOW)
    assert export_jobs.run_export_job(job.pk) == "skipped"
    time_machine.move_to(NOW + dt.timedelta(minutes=31), tick=False)
    assert export_jobs.run_export_job(job.pk) == ExportJobStatus.DONE


def test_another_member_of_the_same_offerer_cannot_see_nor_download_it(client, pro, venue, three):
    client.force_login(pro)
    job, _ = ask(client)
    export_jobs.run_export_job(job.pk)
    colleague = MembershipFactory(offerer=venue.offerer).user
    client.force_login(colleague)
    for name in ("bookings-export-job", "bookings-export-job-status", "bookings-export-job-download"):
        assert client.get(job_url(name, job)).status_code == 404


def test_a_pro_of_another_offerer_gets_a_404(client, pro, three):
    client.force_login(pro)
    job, _ = ask(client)
    export_jobs.run_export_job(job.pk)
    stranger = ProFactory()
    MembershipFactory(user=stranger)
    client.force_login(stranger)
    assert client.get(job_url("bookings-export-job-download", job)).status_code == 404


def test_the_requester_who_left_the_offerer_can_no_longer_download(logged_in, pro, three):
    job, _ = ask(logged_in)
    export_jobs.run_export_job(job.pk)
    assert logged_in.get(job_url("bookings-export-job-download", job)).status_code == 200
    Membership.objects.filter(user=pro).update(validation_status=ValidationStatus.REJECTED)
    assert logged_in.get(job_url("bookings-export-job-download", job)).status_code == 404


def test_after_24_hours_the_file_is_no_longer_served_then_deleted(logged_in, three, time_machine, settings):
    job, _ = ask(logged_in)
    export_jobs.run_export_job(job.pk)
    job.refresh_from_db()
    path = settings.BOOKING_EXPORTS_ROOT / job.file_name
    time_machine.move_to(NOW + dt.timedelta(hours=24, seconds=1), tick=False)
    assert logged_in.get(job_url("bookings-export-job-download", job)).status_code == 404
    assert "n'est plus disponible" in logged_in.get(job_url("bookings-export-job", job)).content.decode()
    assert export_jobs.purge_expired_exports() == 1
    assert not path.exists()
    job.refresh_from_db()
    assert job.status == ExportJobStatus.EXPIRED
    assert export_jobs.purge_expired_exports() == 0


def test_the_export_files_are_private(settings):
    from django.conf import settings as real

    assert not str(real.BOOKING_EXPORTS_ROOT).startswith(str(real.MEDIA_ROOT))
    assert not str(real.BOOKING_EXPORTS_ROOT).startswith(str(real.STATIC_ROOT))


def test_the_csv_export_follows_the_search(logged_in, three):
    response = logged_in.get(reverse("pro:bookings-export-csv"), {"q": "durand"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "AAA234" in body and "BBB234" in body and "CCC234" not in body
