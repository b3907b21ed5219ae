"""Pro "Remboursements" pages (issue 14, point 6): one page telling the next transfer and what waits,
the transfers sent, the statements of each period (CSV or PDF), each venue's revenue against the
thresholds, and a live ledger per venue. Both pages read core.finance.transfers / ledger, which share
one computation and one vocabulary (constants.TransferState)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from passculture.core.finance.batches import PARIS, venue_statement
from passculture.core.finance.constants import TRANSFER_STATE_HELP
from passculture.core.finance.files import statement_csv, statement_pdf
from passculture.core.finance.ledger import payment_line_of_venue, venue_ledger
from passculture.core.finance.transfers import (
    next_transfer_of_offerers,
    sent_batches_of_offerers,
    sent_transfers,
    statement_batches_of_offerers,
    statements_by_period,
    yearly_revenue_by_venue,
)

from .access import own_or_404, own_venue_or_404, pro_required

TRANSFERS_PER_PAGE = 12
PERIODS_PER_PAGE = 6
LEGEND = list(TRANSFER_STATE_HELP.items())


@pro_required
def reimbursement_list(request):
    current = request.pro.current
    context = {"title": "Remboursements", "legend": LEGEND}
    if current is not None:
        ids = [current.pk]
        sent_page = Paginator(sent_batches_of_offerers(ids), TRANSFERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        periods_page = Paginator(statement_batches_of_offerers(ids), PERIODS_PER_PAGE).get_page(
            request.GET.get("releves")
        )
        context.update(
            summary=next_transfer_of_offerers(ids),
            sent_page=sent_page,
            sent=sent_transfers(sent_page.object_list, ids),
            periods_page=periods_page,
            periods=statements_by_period(periods_page.object_list, ids),
            revenues=yearly_revenue_by_venue(ids),
        )
    return render(request, "pro/reimbursements/list.html", context)


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
            "legend": LEGEND,
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
