"""Staff's read-only view of the credit policies (dated data): amounts, caps, validity, and which one
is in force today for each age. Editing stays in the admin, where each change is a reviewed act."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count
from django.shortcuts import render

from passculture.core.common.money import format_euros
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.credit.models import CreditPolicy
from passculture.core.credit.selectors import policy_in_force


def _euros(cents: int | None) -> str:
    return format_euros(cents) if cents is not None else "aucun"


def _validity(policy: CreditPolicy) -> str:
    if policy.expires_at_age is not None:
        return f"jusqu'au {policy.expires_at_age}e anniversaire"
    years = policy.validity_years
    return f"{years} an{'s' if years and years > 1 else ''} après l'attribution"


@staff_member_required(login_url="admin:login")
def credit_policies(request):
    today = to_local(utcnow(), settings.TIME_ZONE).date()
    policies = list(
        CreditPolicy.objects.annotate(deposit_count=Count("deposits")).order_by("age", "valid_from")
    )
    in_force = {policy.pk for age in {p.age for p in policies} if (policy := policy_in_force(today, age))}
    rows = [
        {
            "policy": policy,
            "amount": format_euros(policy.amount_cents),
            "digital_cap": _euros(policy.digital_cap_cents),
            "physical_cap": _euros(policy.physical_cap_cents),
            "validity": _validity(policy),
            "in_force": policy.pk in in_force,
        }
        for policy in policies
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Barèmes du crédit pass Culture",
        "rows": rows,
        "today": today,
    }
    return render(request, "backoffice/credit_policies.html", context)
