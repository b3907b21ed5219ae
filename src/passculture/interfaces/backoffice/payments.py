"""Staff pages for payment batches: totals, lines, every file to download, "sent" and line errors.

The files are rebuilt from the rows at each download (docs/decisions/0014): nothing is stored."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.finance import batches
from passculture.core.finance.batches import batch_file_names, mark_batch_sent, mark_line_error
from passculture.core.finance.constants import (
    PAYMENT_ERROR_REASON_MAX_LENGTH,
    PaymentLineStatus,
)
from passculture.core.finance.models import PaymentBatch, PaymentLine
from passculture.core.finance.periods import transfer_label


def masked_iban(iban: str) -> str:
    """Only the last 4 characters: enough to tell accounts apart on screen, useless to a shoulder surfer."""
    compact = (iban or "").replace(" ", "")
    return "•••• " + compact[-4:] if compact else "—"


def _with_totals(batches):
    return batches.annotate(
        line_count=Count("lines"),
        bookings=Sum("lines__booking_count"),
        amount=Sum("lines__amount_cents"),
        pending=Count("lines", filter=Q(lines__status=PaymentLineStatus.PENDING)),
        sent=Count("lines", filter=Q(lines__status=PaymentLineStatus.SENT)),
        errors=Count("lines", filter=Q(lines__status=PaymentLineStatus.ERROR)),
    )


def _describe(batch) -> dict:
    return {
        "batch": batch,
        "label": transfer_label(batch.cutoff),
        "amount": format_euros(batch.amount or 0),
        "bookings": batch.bookings or 0,
    }


@staff_member_required(login_url="admin:login")
def batch_list(request):
    rows = [_describe(batch) for batch in _with_totals(PaymentBatch.objects.order_by("-cutoff"))]
    context = {**admin.site.each_context(request), "title": "Lots de virements", "rows": rows}
    return render(request, "backoffice/payment_batches.html", context)


@staff_member_required(login_url="admin:login")
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(_with_totals(PaymentBatch.objects.all()), pk=batch_id)
    lines = [
        {"line": line, "iban": masked_iban(line.iban), "amount": format_euros(line.amount_cents)}
        for line in PaymentLine.objects.filter(batch=batch)
        .select_related("venue__offerer", "retried_in__batch")
        .order_by("id")
    ]
    files = batch_file_names(batch)
    context = {
        **admin.site.each_context(request),
        "title": f"Lot du {batch.cutoff:%d/%m/%Y}",
        **_describe(batch),
        "lines": lines,
        "files": files,
        "reason_max_length": PAYMENT_ERROR_REASON_MAX_LENGTH,
    }
    return render(request, "backoffice/payment_batch.html", context)


@staff_member_required(login_url="admin:login")
def batch_file(request, batch_id: int, name: str):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    file = batches.batch_file(batch, name)
    if file is None:
        raise Http404("Aucun fichier de ce nom dans ce lot.")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


@require_POST
@staff_member_required(login_url="admin:login")
def batch_mark_sent(request, batch_id: int):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    try:
        mark_batch_sent(batch, request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{batch} marqué comme envoyé : ses réservations sont remboursées.")
    return redirect("backoffice:payment-batch", batch_id=batch.pk)


@require_POST
@staff_member_required(login_url="admin:login")
def line_error(request, line_id: int):
    line = get_object_or_404(PaymentLine.objects.select_related("venue"), pk=line_id)
    try:
        mark_line_error(line, request.POST.get("reason", ""), request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Virement de « {line.venue.display_name} » signalé en erreur.")
    return redirect("backoffice:payment-batch", batch_id=line.batch_id)
