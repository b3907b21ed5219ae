"""Staff's queues of new offerers (with the company registry's answer beside what the pro typed) and
of membership requests. Every decision goes through a core service that logs it and tells the pro."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.selectors import (
    memberships_waiting_for_validation,
    offerers_waiting_for_validation,
)
from passculture.core.offerers.services import (
    reject_membership,
    reject_offerer,
    validate_membership,
    validate_pending_offerer,
)


def _differs(typed: str, registry: str) -> bool:
    return bool(registry) and typed.strip().casefold() != registry.strip().casefold()


@staff_member_required(login_url="admin:login")
def offerer_queue(request):
    rows = []
    for offerer in offerers_waiting_for_validation():
        data = offerer.registry_data or {}
        admins = [m.user for m in offerer.memberships.all() if m.role == MembershipRole.ADMIN]
        rows.append(
            {
                "offerer": offerer,
                "registry": data,
                "admins": admins,
                "name_differs": _differs(offerer.name, data.get("name", "")),
                "address_differs": _differs(
                    f"{offerer.address} {offerer.postal_code} {offerer.city}",
                    f"{data.get('address', '')} {data.get('postal_code', '')} {data.get('city', '')}",
                ),
            }
        )
    context = {**admin.site.each_context(request), "title": "Structures à valider", "rows": rows}
    return render(request, "backoffice/offerer_queue.html", context)


@require_POST
@staff_member_required(login_url="admin:login")
def offerer_validate(request, offerer_id: int):
    try:
        offerer = validate_pending_offerer(offerer_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Structure « {offerer.name} » validée.")
    return redirect("backoffice:offerer-queue")


@require_POST
@staff_member_required(login_url="admin:login")
def offerer_reject(request, offerer_id: int):
    try:
        offerer = reject_offerer(offerer_id, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Structure « {offerer.name} » rejetée.")
    return redirect("backoffice:offerer-queue")


@staff_member_required(login_url="admin:login")
def membership_queue(request):
    context = {
        **admin.site.each_context(request),
        "title": "Rattachements à valider",
        "memberships": list(memberships_waiting_for_validation()),
    }
    return render(request, "backoffice/membership_queue.html", context)


@require_POST
@staff_member_required(login_url="admin:login")
def membership_validate(request, membership_id: int):
    try:
        membership = validate_membership(membership_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Rattachement de {membership.user.email} à « {membership.offerer.name} » validé."
        )
    return redirect("backoffice:membership-queue")


@require_POST
@staff_member_required(login_url="admin:login")
def membership_reject(request, membership_id: int):
    try:
        membership = reject_membership(
            membership_id, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Rattachement de {membership.user.email} à « {membership.offerer.name} » refusé."
        )
    return redirect("backoffice:membership-queue")
