"""This device's notifications (web push, decision 0032): the app registers the subscription its
`PushManager.subscribe` returned, lists and removes its person's devices."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Status

from passculture.core.notifications import push
from passculture.core.notifications.models import AUTH_LENGTH, P256DH_LENGTH, PUSH_ENDPOINT_MAX_LENGTH
from passculture.core.notifications.push_keys import public_key
from passculture.interfaces.api.inputs import Id

from .schemas import CamelInSchema, CamelSchema, ErrorOut, InvalidInputOut

router = Router(tags=["Notifications"])


class PushKeysIn(CamelInSchema):
    # +2: base64url padding is accepted (and dropped).
    p256dh: str = Field(
        max_length=P256DH_LENGTH + 2, description="Clé publique P-256 du navigateur, base64url."
    )
    auth: str = Field(
        max_length=AUTH_LENGTH + 2, description="Secret d'authentification (16 octets), base64url."
    )


class PushSubscriptionIn(CamelInSchema):
    endpoint: str = Field(
        max_length=PUSH_ENDPOINT_MAX_LENGTH,
        description="Adresse https du service de notifications du navigateur (`PushSubscription.endpoint`).",
    )
    keys: PushKeysIn


class PushSubscriptionOut(CamelSchema):
    id: int
    device: str = Field(description="Navigateur et système, par exemple « Chrome sur Android ».")
    created_at: dt.datetime
    last_success_at: dt.datetime | None


class PushSubscriptionsOut(CamelSchema):
    vapid_public_key: str = Field(
        description="Clé VAPID du serveur (base64url), à passer comme `applicationServerKey` ; vide si les "
        "notifications ne sont pas disponibles."
    )
    subscriptions: list[PushSubscriptionOut]


def _out(subscription) -> dict:
    return {
        "id": subscription.pk,
        "device": subscription.user_agent,
        "created_at": subscription.created_at,
        "last_success_at": subscription.last_success_at,
    }


@router.get(
    "/me/push_subscriptions",
    response={200: PushSubscriptionsOut, 401: ErrorOut},
    by_alias=True,
    summary="Mes appareils abonnés aux notifications",
)
def my_push_subscriptions(request: HttpRequest):
    return {
        "vapid_public_key": public_key(),
        "subscriptions": [_out(s) for s in push.subscriptions_of(request.auth)],
    }


@router.post(
    "/me/push_subscriptions",
    response={
        200: PushSubscriptionOut,
        201: PushSubscriptionOut,
        400: ErrorOut,
        401: ErrorOut,
        422: InvalidInputOut,
        503: ErrorOut,
    },
    by_alias=True,
    summary="Abonner cet appareil aux notifications",
    description="201 quand l'appareil est ajouté, 200 s'il l'était déjà (clés mises à jour). "
    "400 `INVALID_PUSH_SUBSCRIPTION` (adresse ou clés invalides), 400 `PUSH_ENDPOINT_NOT_ALLOWED` (service de "
    "notifications inconnu), 503 `PUSH_NOT_CONFIGURED`. Au-delà de 10 appareils, le plus ancien est retiré.",
)
def add_my_push_subscription(request: HttpRequest, payload: PushSubscriptionIn):
    subscription, created = push.subscribe(
        request.auth,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201 if created else 200, _out(subscription))


@router.delete(
    "/me/push_subscriptions/{subscription_id}",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: InvalidInputOut},
    summary="Désabonner un appareil",
    description="404 `PUSH_SUBSCRIPTION_NOT_FOUND` pour un appareil inconnu ou d'une autre personne.",
)
def remove_my_push_subscription(request: HttpRequest, subscription_id: Id):
    push.unsubscribe_by_id(request.auth, subscription_id)
    return HttpResponse(status=204)
