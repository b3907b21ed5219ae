"""Notifications on this device (web push, decision 0032): the account page's button registers or
removes the browser's subscription through these two JSON endpoints (session and CSRF token, like
every form of the app)."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.notifications import push
from passculture.interfaces.app.access import is_beneficiary_user
from passculture.interfaces.errors import error_body, status_for

# A subscription is about 500 bytes of JSON; anything much larger is not one.
MAX_BODY_BYTES = 4096


def _refusal(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise push.InvalidPushSubscription()
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise push.InvalidPushSubscription() from error
    if not isinstance(data, dict):
        raise push.InvalidPushSubscription()
    return data


def _guarded(view):
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return _refusal("UNAUTHENTICATED", "Connecte-toi pour recevoir des notifications.", 401)
        if not is_beneficiary_user(request.user):
            return _refusal("NOT_A_BENEFICIARY", "Les notifications sont réservées aux bénéficiaires.", 403)
        try:
            return view(request, _json_body(request))
        except DomainError as error:
            return JsonResponse(error_body(error), status=status_for(error))

    return never_cache(require_POST(wrapper))


@_guarded
def subscribe(request: HttpRequest, data: dict) -> HttpResponse:
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise push.InvalidPushSubscription()
    subscription, created = push.subscribe(
        request.user,
        endpoint=data.get("endpoint"),  # each value is checked by the service
        p256dh=keys.get("p256dh"),
        auth=keys.get("auth"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    return JsonResponse(
        {"id": subscription.pk, "device": subscription.user_agent}, status=201 if created else 200
    )


@_guarded
def unsubscribe(request: HttpRequest, data: dict) -> HttpResponse:
    push.unsubscribe(request.user, endpoint=data.get("endpoint"))
    return HttpResponse(status=204)
