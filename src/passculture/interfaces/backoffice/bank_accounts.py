"""Staff's queue of bank details waiting for validation: accept, or reject with a reason."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.finance.selectors import pending_bank_accounts, previous_bank_accounts
from passculture.core.finance.services import accept_bank_account, reject_bank_account
from passculture.core.finance.validation import bank_name


@staff_member_required(login_url="admin:login")
def bank_account_queue(request):
    accounts = list(pending_bank_accounts())
    previous = previous_bank_accounts(accounts)
    rows = [
        {"account": account, "bank_name": bank_name(account.iban), "previous": previous.get(account.pk)}
        for account in accounts
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Coordonnées bancaires à valider",
        "rows": rows,
    }
    return render(request, "backoffice/bank_accounts.html", context)


@require_POST
@staff_member_required(login_url="admin:login")
def accept(request, account_id: int):
    try:
        account = accept_bank_account(request.user, account_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Coordonnées bancaires de « {account.venue.display_name} » validées.")
    return redirect("backoffice:bank-accounts")


@require_POST
@staff_member_required(login_url="admin:login")
def reject(request, account_id: int):
    try:
        account = reject_bank_account(request.user, account_id, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Coordonnées bancaires de « {account.venue.display_name} » refusées.")
    return redirect("backoffice:bank-accounts")
