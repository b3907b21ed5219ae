"""API keys of the current offerer, for its ticketing software (API v2): its admins create them (the key is
shown once, on the page answering the creation) and revoke them; every member sees the list."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers import api_keys
from passculture.core.offerers.api_keys import CreatedApiKey
from passculture.interfaces.errors import status_for

from .access import own_or_404, pro_required


def _render(
    request: HttpRequest,
    *,
    created: CreatedApiKey | None = None,
    error: DomainError | None = None,
    label: str = "",
) -> HttpResponse:
    offerer = request.pro.current
    context: dict = {
        "title": "Clés d'API",
        "offerer": offerer,
        "created": created,
        "error": error,
        "label": label,
        "max_keys": api_keys.MAX_ACTIVE_KEYS_PER_OFFERER,
        "docs_url": reverse("api-v2-docs"),
    }
    if offerer is not None:
        keys = list(api_keys.api_keys_of_offerer(offerer.pk))
        active = sum(1 for key in keys if key.is_active)
        context.update(
            keys=keys,
            active_count=active,
            can_manage=api_keys.can_manage_api_keys(request.user, offerer),
            limit_reached=active >= api_keys.MAX_ACTIVE_KEYS_PER_OFFERER,
        )
    status = status_for(error) if error is not None else (201 if created else 200)
    return render(request, "pro/api_keys/list.html", context, status=status)


@never_cache
@pro_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    return _render(request)


# never_cache: the one page that shows a key in clear must not stay in a browser or proxy cache.
@never_cache
@require_POST
@pro_required
def api_key_create(request: HttpRequest) -> HttpResponse:
    offerer = request.pro.current
    if offerer is None:
        raise Http404
    label = request.POST.get("label", "")
    try:
        created = api_keys.create_api_key(offerer.pk, actor=request.user, label=label)
    except DomainError as error:
        return _render(request, error=error, label=label)
    return _render(request, created=created)


@require_POST
@pro_required
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    key = own_or_404(api_keys.api_key_of_offerers(key_id, request.pro.offerer_ids))
    try:
        key = api_keys.revoke_api_key(key.pk, actor=request.user)
    except DomainError as error:
        return _render(request, error=error)
    messages.success(request, f"La clé {key.prefix} est révoquée : elle est refusée dès maintenant.")
    return redirect("pro:api-keys")
