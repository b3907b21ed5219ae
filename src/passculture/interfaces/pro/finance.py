"""Bank details pages of the pro portal: one form per venue, and the list of the offerer's venues."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.finance.constants import HOLDER_MAX_LENGTH, BankAccountStatus
from passculture.core.finance.selectors import (
    bank_accounts_of_venues,
    current_bank_account,
    venues_with_bank_status,
)
from passculture.core.finance.services import save_bank_account
from passculture.core.finance.validation import describe_iban
from passculture.core.users import throttling
from passculture.interfaces.errors import error_body, status_for
from passculture.interfaces.http import client_ip

from .access import own_venue_or_404, pro_required

SUBMIT, DRAFT = "submit", "draft"

# The form asks once per typed IBAN; more than this is a script probing IBANs, not a person typing.
_BIC_LOOKUP_MESSAGE = "Trop de vérifications d'IBAN : réessayez dans {wait}."
BIC_LOOKUPS_PER_USER = throttling.RateLimit("pro-bic-lookup:user", 30, 60, _BIC_LOOKUP_MESSAGE)
BIC_LOOKUPS_PER_CLIENT = throttling.RateLimit("pro-bic-lookup:client", 60, 60, _BIC_LOOKUP_MESSAGE)


class BankAccountForm(forms.Form):
    iban = forms.CharField(label="IBAN", max_length=50, required=False, strip=True)
    bic = forms.CharField(label="BIC", max_length=20, required=False, strip=True)
    holder = forms.CharField(label="Titulaire du compte", max_length=HOLDER_MAX_LENGTH, strip=True)
    action = forms.ChoiceField(choices=[(SUBMIT, SUBMIT), (DRAFT, DRAFT)], required=False)


@pro_required
def bank_account(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    account = current_bank_account(venue)
    if request.method == "POST":
        form = BankAccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            submit = data["action"] != DRAFT
            try:
                saved = save_bank_account(
                    request.user,
                    venue,
                    iban=data["iban"],
                    bic=data["bic"],
                    holder=data["holder"],
                    submit=submit,
                )
            except DomainError as error:
                form.add_error(getattr(error, "field", None), error.message)
            else:
                if saved.status == BankAccountStatus.PENDING:
                    messages.success(
                        request,
                        "Coordonnées bancaires envoyées : elles sont en attente de validation par l'équipe "
                        "pass Culture.",
                    )
                elif saved.status == BankAccountStatus.DRAFT:
                    messages.success(request, "Brouillon enregistré : pensez à l'envoyer pour validation.")
                else:
                    messages.info(
                        request, "Aucune modification : vos coordonnées bancaires restent inchangées."
                    )
                if not data["bic"] and saved.bic:
                    messages.info(request, f"BIC renseigné d'après l'IBAN : {saved.bic}.")
                if saved.status == BankAccountStatus.PENDING:
                    # Sent: back to the venue, where the state is shown, rather than an empty form that
                    # invites a second submission.
                    return redirect("pro:venue", venue_id=venue.pk)
                return redirect("pro:bank-account", venue_id=venue.pk)
    else:
        form = BankAccountForm(
            initial={
                "holder": account.holder if account else venue.offerer.name,
                "bic": account.bic if account else "",
            }
        )
    return render(
        request,
        "pro/finance/bank_account_form.html",
        {
            "title": f"Coordonnées bancaires — {venue.display_name}",
            "venue": venue,
            "bank_account": account,
            "form": form,
            "can_save_draft": account is None or account.status == BankAccountStatus.DRAFT,
        },
    )


@pro_required
def bank_account_list(request):
    current = request.pro.current
    venues = list(venues_with_bank_status([current.pk])) if current is not None else []
    accounts = bank_accounts_of_venues(venue.pk for venue in venues)
    rows = [{"venue": venue, "account": accounts.get(venue.pk)} for venue in venues]
    return render(
        request,
        "pro/finance/bank_account_list.html",
        {"title": "Coordonnées bancaires", "rows": rows},
    )


@require_POST
@pro_required
def bic_lookup(request):
    """The BIC and bank name the registry gives for a typed IBAN (POST: an IBAN stays out of URLs and logs)."""
    try:
        throttling.hit(
            (BIC_LOOKUPS_PER_USER, request.user.pk), (BIC_LOOKUPS_PER_CLIENT, client_ip(request, "unknown"))
        )
    except DomainError as error:
        response = JsonResponse(error_body(error), status=status_for(error))
        response["Retry-After"] = str(error.details.get("retry_after", 60))
        return response
    return JsonResponse(describe_iban(request.POST.get("iban", "")))
