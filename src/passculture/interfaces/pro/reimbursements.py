"""Pro "Remboursements" pages: the transfers each venue received (with its statement of each batch, CSV
or PDF) and a live ledger per venue (issue 6, point 5)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from passculture.core.finance.batches import PARIS, venue_statement
from passculture.core.finance.files import statement_csv, statement_pdf
from passculture.core.finance.ledger import (
    payment_line_of_venue,
    payment_lines_of_offerer,
    venue_ledger,
)
from passculture.core.finance.periods import requested_execution_date, transfer_label
from passculture.core.finance.selectors import venues_with_bank_status

from .access import own_or_404, own_venue_or_404, pro_required

LINES_PER_PAGE = 50


@pro_required
def reimbursement_list(request):
    current = request.pro.current
    page = None
    venues = []
    if current is not None:
        page = Paginator(payment_lines_of_offerer(current.pk), LINES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        for line in page.object_list:
            line.transfer_label = transfer_label(line.batch.cutoff)
            line.execution_date = requested_execution_date(line.batch.cutoff)
        venues = list(venues_with_bank_status([current.pk]))
    return render(
        request,
        "pro/reimbursements/list.html",
        {"title": "Remboursements", "page": page, "venues": venues},
    )


@pro_required
def venue_ledger_page(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    return render(
        request,
        "pro/reimbursements/ledger.html",
        {
            "title": f"Suivi des remboursements — {venue.display_name}",
            "venue": venue,
            "ledger": venue_ledger(venue),
        },
    )


def _statement(request, batch_id: int, venue_id: int):
    # The venue must be one of the user's, and have been paid in that batch: anything else is a 404.
    venue = own_venue_or_404(request, venue_id)
    line = own_or_404(payment_line_of_venue(batch_id, venue.pk))
    return line.batch, own_or_404(venue_statement(line.batch, venue.pk))


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@pro_required
def statement_csv_download(request, batch_id: int, venue_id: int):
    batch, statement = _statement(request, batch_id, venue_id)
    name = f"releve-{batch.cutoff:%Y-%m-%d}-lieu-{venue_id}.csv"
    return _download(statement_csv(statement), "text/csv; charset=utf-8", name)


@pro_required
def statement_pdf_download(request, batch_id: int, venue_id: int):
    batch, statement = _statement(request, batch_id, venue_id)
    name = f"releve-{batch.cutoff:%Y-%m-%d}-lieu-{venue_id}.pdf"
    pdf = statement_pdf(statement, generated_at=batch.created_at.astimezone(PARIS))
    return _download(pdf, "application/pdf", name)
