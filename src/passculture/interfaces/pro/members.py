"""The offerer's members: its admins accept or refuse the pros asking to join it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.selectors import can_manage_members, members_of_offerer, membership_of_offerers
from passculture.core.offerers.services import reject_membership, validate_membership
from passculture.interfaces.errors import status_for

from .access import own_or_404, pro_required


def _render(request: HttpRequest, *, error: DomainError | None = None) -> HttpResponse:
    offerer = request.pro.current
    context = {"title": "Membres", "offerer": offerer, "error": error}
    if offerer is not None:
        context.update(
            members=list(members_of_offerer(offerer.pk)),
            can_manage=can_manage_members(request.user, offerer),
        )
    return render(request, "pro/members/list.html", context, status=status_for(error) if error else 200)


@pro_required
def member_list(request: HttpRequest) -> HttpResponse:
    return _render(request)


@require_POST
@pro_required
def member_accept(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = own_or_404(membership_of_offerers(membership_id, request.pro.offerer_ids))
    try:
        membership = validate_membership(membership.pk, actor=request.user)
    except DomainError as error:
        return _render(request, error=error)
    messages.success(request, f"{membership.user.email} fait désormais partie de {membership.offerer.name}.")
    return redirect("pro:members")


@require_POST
@pro_required
def member_reject(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = own_or_404(membership_of_offerers(membership_id, request.pro.offerer_ids))
    try:
        membership = reject_membership(
            membership.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        return _render(request, error=error)
    messages.success(request, f"La demande de {membership.user.email} a été refusée.")
    return redirect("pro:members")
