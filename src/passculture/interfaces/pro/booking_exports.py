"""The pro's exports of their (filtered, searched) bookings: CSV streamed, XLSX written within the request
when small, and prepared by a job when large (core.bookings.export_jobs), with a progress page polled by
htmx and a download kept for the person who asked."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from passculture.core.bookings import export_jobs
from passculture.core.bookings.exports import export_bookings
from passculture.core.bookings.models import ExportJobStatus
from passculture.core.bookings.selectors import BookingFilters, bookings_for_offerers
from passculture.core.common.exports import iter_csv_bytes, write_xlsx
from passculture.core.common.time import format_local

from .access import own_or_404, pro_required
from .bookings import _filter_form, _query_without_page, _render_list

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}
# While a job runs, its page asks the server again every few seconds (as the Allociné import does).
POLL_EVERY = "2s"
LARGE_EXPORT_MESSAGE = (
    "Ce fichier Excel compte plus de {threshold} réservations : choisissez « Préparer le fichier Excel », "
    "il sera prêt dans quelques instants."
)


def _filters(request):
    """The list's filters (search included), or the list page with its errors."""
    if request.pro.current is None:
        raise Http404
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return None, _render_list(request, form, status=400)
    return (form.to_filters() if form.is_bound else BookingFilters()), None


@require_GET
@pro_required
def export_csv(request):
    filters, refusal = _filters(request)
    if refusal is not None:
        return refusal
    export = export_bookings(request.user, request.pro.current, filters, "csv")
    response = StreamingHttpResponse(
        iter_csv_bytes(export.columns, export.rows), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_http_methods(["GET", "POST"])
@pro_required
def export_xlsx(request):
    """Small: the file now. Large: a POST records a job and shows its progress; a GET (an old link)
    goes back to the list, which offers the button."""
    filters, refusal = _filters(request)
    if refusal is not None:
        return refusal
    offerer = request.pro.current
    row_count = bookings_for_offerers([offerer.pk], filters).count()
    if row_count > export_jobs.JOB_THRESHOLD:
        if request.method != "POST":
            messages.info(
                request,
                LARGE_EXPORT_MESSAGE.format(
                    threshold=f"{export_jobs.JOB_THRESHOLD:,}".replace(",", "\u202f")
                ),
            )
            query = _query_without_page(request).urlencode()
            return redirect(reverse("pro:bookings") + (f"?{query}" if query else ""))
        job = export_jobs.request_export_job(request.user, offerer, filters, "xlsx", row_count)
        return redirect("pro:bookings-export-job", job_id=job.pk)
    export = export_bookings(request.user, offerer, filters, "xlsx")
    content = write_xlsx(export.columns, export.rows, sheet_title="Réservations")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _own_job(request, job_id: int):
    return own_or_404(export_jobs.export_job_of_requester(job_id, request.user, request.pro.offerer_ids))


def _job_context(job) -> dict:
    tz_name = settings.TIME_ZONE
    return {
        "job": job,
        "polling": job.status in (ExportJobStatus.PENDING, ExportJobStatus.RUNNING),
        "poll_every": POLL_EVERY,
        "ready": export_jobs.export_file_path(job) is not None,
        "expires": format_local(job.expires_at, tz_name) if job.expires_at else "",
        "status_url": reverse("pro:bookings-export-job-status", args=[job.pk]),
    }


@require_GET
@pro_required
def export_job(request, job_id: int):
    job = _own_job(request, job_id)
    return render(
        request, "pro/bookings/export_job.html", {"title": "Export des réservations", **_job_context(job)}
    )


@require_GET
@pro_required
def export_job_status(request, job_id: int):
    """The progress box alone, polled by htmx while the file is being written."""
    job = _own_job(request, job_id)
    return render(request, "pro/bookings/_export_status.html", _job_context(job))


@require_GET
@pro_required
def export_job_download(request, job_id: int):
    """Only the person who asked, while they still belong to the offerer, and before it expires."""
    job = _own_job(request, job_id)
    path = export_jobs.export_file_path(job)
    if path is None:
        raise Http404
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=job.download_name,
        content_type=CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )
