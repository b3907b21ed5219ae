"""Staff's queue of identity checks: the account beside the document, the photo, approve or reject.

Every decision goes through core.identity.services (the one approval path, which grants the deposit);
the document photo is streamed from private storage by a staff-only view, never by a public URL."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import age_on
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import policy_in_force
from passculture.core.identity.constants import REJECTION_COMMENT_MAX_LENGTH, CheckStatus, RejectionReason
from passculture.core.identity.documents import sniff_content_type
from passculture.core.identity.providers import provider_label
from passculture.core.identity.selectors import (
    checks_of_user,
    compare_with_account,
    get_check,
    local_day,
    review_queue,
    same_document_elsewhere,
)
from passculture.core.identity.services import approve_identity_check, reject_identity_check
from passculture.core.users.selectors import eligibility

PAGE_SIZE = 50
ALL = "ALL"


def _age_at_submission(check) -> int | None:
    if check.birth_date is None:
        return None
    return age_on(check.birth_date, local_day(check.submitted_at))


@staff_member_required(login_url="admin:login")
def identity_queue(request):
    status = request.GET.get("status", CheckStatus.SUBMITTED)
    if status != ALL and status not in CheckStatus.values:
        status = CheckStatus.SUBMITTED
    page = Paginator(review_queue(None if status == ALL else status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "check": check,
            "age": _age_at_submission(check),
            "mismatches": [row.label for row in compare_with_account(check, check.user) if not row.matches],
        }
        for check in page.object_list
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Vérifications d'identité",
        "rows": rows,
        "page": page,
        "status": status,
        "statuses": [*CheckStatus.choices, (ALL, "Toutes")],
    }
    return render(request, "backoffice/identity_queue.html", context)


@staff_member_required(login_url="admin:login")
def identity_review(request, check_id: int):
    check = get_check(check_id)
    if check is None:
        raise Http404
    user = check.user
    submitted_day = local_day(check.submitted_at)
    today = local_day(utcnow())
    age = _age_at_submission(check)
    policy = policy_in_force(today, age) if age is not None else None
    comparisons = compare_with_account(check, user)
    context = {
        **admin.site.each_context(request),
        "title": f"Vérification d'identité de {user.full_name or user.email}",
        "check": check,
        "account": user,
        "comparisons": comparisons,
        "has_mismatch": any(not row.matches for row in comparisons),
        "age_at_submission": age,
        "account_age_today": age_on(user.birth_date, today) if user.birth_date else None,
        "eligibility_at_submission": eligibility(check.birth_date, submitted_day)
        if check.birth_date
        else None,
        "policy": policy,
        "policy_amount": format_euros(policy.amount_cents) if policy else "",
        "deposit_amount": format_euros(check.deposit.amount_cents) if check.deposit else "",
        "duplicates": same_document_elsewhere(check) if check.document_number else [],
        "previous_checks": [other for other in checks_of_user(user) if other.pk != check.pk],
        "provider_label": provider_label(check.provider),
        "reasons": RejectionReason.choices,
        "comment_max_length": REJECTION_COMMENT_MAX_LENGTH,
        "is_open": check.status == CheckStatus.SUBMITTED,
        "is_active_account": user.is_active,
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "backoffice/identity_review.html", context)


@never_cache
@staff_member_required(login_url="admin:login")
def identity_photo(request, check_id: int):
    """The document photo, for staff only: streamed from private storage with a checked type, shown
    inline, never cached, never sniffed into something else."""
    check = get_check(check_id)
    if check is None or not check.document_photo:
        raise Http404
    try:
        handle = check.document_photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = sniff_content_type(handle.read(16))
    if content_type is None:
        handle.close()
        raise Http404  # only what the upload check wrote (a JPEG) is ever served
    handle.seek(0)
    log_action("identity_check.photo_viewed", actor=request.user, target=check)
    extension = "png" if content_type == "image/png" else "jpg"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="piece-identite-{check.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _back_to_review(check_id: int):
    return redirect("backoffice:identity-check", check_id=check_id)


@require_POST
@staff_member_required(login_url="admin:login")
def identity_approve(request, check_id: int):
    try:
        check = approve_identity_check(
            check_id, request.user, confirm_mismatch=request.POST.get("confirm_mismatch") == "1"
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back_to_review(check_id)
    assert check.deposit is not None
    messages.success(
        request,
        f"Identité de {check.user.full_name or check.user.email} validée : "
        f"crédit de {format_euros(check.deposit.amount_cents)} attribué.",
    )
    return redirect("backoffice:identity-checks")


@require_POST
@staff_member_required(login_url="admin:login")
def identity_reject(request, check_id: int):
    try:
        check = reject_identity_check(
            check_id,
            request.user,
            reason=request.POST.get("reason", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back_to_review(check_id)
    messages.success(request, f"Demande de {check.user.full_name or check.user.email} refusée.")
    return redirect("backoffice:identity-checks")
