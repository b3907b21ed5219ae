"""The beneficiary's identity check: why, whether they can ask now, the form, then the answer."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import age_on, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import balance_of, balance_of_deposit, grant_ages, policy_in_force
from passculture.core.identity.constants import REJECTION_HINTS, CheckStatus, RejectionReason
from passculture.core.identity.selectors import identity_state
from passculture.core.identity.services import submit_identity_check
from passculture.core.users.constants import ELIGIBLE_AGE

from ..access import beneficiary_required
from .forms import IdentityForm, field_of


def _initial(user) -> dict:
    return {"first_name": user.first_name, "last_name": user.last_name, "birth_date": user.birth_date}


def _rejection(check) -> dict | None:
    if check is None or check.status != CheckStatus.REJECTED or not check.rejection_reason:
        return None
    reason = RejectionReason(check.rejection_reason)
    return {
        "label": reason.label,
        "hint": REJECTION_HINTS.get(reason, ""),
        "comment": check.rejection_comment,
    }


@beneficiary_required
def identity(request):
    user = request.user
    at = utcnow()
    state = identity_state(user, at)
    form = None
    if state.can_submit:
        if request.method == "POST":
            form = IdentityForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    submit_identity_check(user, form.identity_data(), photo=form.cleaned_data["photo"], at=at)
                except DomainError as error:
                    form.add_error(field_of(error), error.message)
                else:
                    messages.success(
                        request, "Ta demande est envoyée : l'équipe pass Culture va la vérifier."
                    )
                    return redirect("app:identity")
        else:
            form = IdentityForm(initial=_initial(user))
    elif request.method == "POST":
        assert state.blocker is not None
        messages.error(request, state.blocker.message)
        return redirect("app:identity")

    today = to_local(at, settings.TIME_ZONE).date()
    youngest, oldest = grant_ages(today) or (ELIGIBLE_AGE, ELIGIBLE_AGE)
    # The credit this person would receive: at 17 the 2025 policy's 50 EUR, else the 18-year-olds' one.
    age = age_on(user.birth_date, today) if user.birth_date else oldest
    policy = policy_in_force(today, age if youngest <= age <= oldest else oldest)
    eligibility = state.eligibility
    balance = balance_of_deposit(state.deposit, at) if state.deposit is not None else None
    # What remains of every credit (two under the 2025 policy), not only of the latest one.
    remaining = balance_of(user, at).remaining_cents if balance is not None else 0
    context = {
        "state": state,
        "check": state.check,
        "blocker_code": state.blocker.code if state.blocker is not None else "",
        "blocker_message": state.blocker.message if state.blocker is not None else "",
        "form": form,
        "rejection": _rejection(state.check),
        "policy_amount": format_euros(policy.amount_cents) if policy else "",
        "policy_years": policy.validity_years if policy else None,
        "ages_label": f"{youngest} ans" if youngest == oldest else f"{youngest} et {oldest} ans",
        "youngest": youngest,
        "age_after": oldest + 1,
        "eligibility": eligibility,
        "last_eligible_day": eligibility.eligible_until - dt.timedelta(days=1)
        if eligibility.eligible_until
        else None,
        "balance": balance,
        "deposit_amount": format_euros(state.deposit.amount_cents) if state.deposit else "",
        "remaining": format_euros(remaining) if balance else "",
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "app/identity/identity.html", context, status=status)
