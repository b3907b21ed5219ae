"""The French guide of the ticketing API at /api/v2/docs: authentication, one curl example per route and
per refusal (from examples.py), the errors and the fields of the answer."""

import enum
import types
import typing

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from passculture.core.offerers.api_keys import MAX_ACTIVE_KEYS_PER_OFFERER, environment_token
from passculture.interfaces.errors import STATUS_BY_CODE

from .auth import AUTH_FAILURES_PER_CLIENT
from .bookings import MISSES_PER_CREDENTIAL
from .examples import ERROR_EXAMPLES, EXAMPLES, ROUTE_EXAMPLES, ROUTES, SITUATIONS, VARIABLES, inline_code
from .schemas import BookingOut

# Every code the four routes can answer, in the order a ticketing developer meets them.
ERRORS = [
    ("UNAUTHENTICATED", "Aucune authentification reçue."),
    ("INVALID_API_KEY", "Clé d'API inconnue, mal copiée ou créée sur une autre plateforme."),
    ("API_KEY_REVOKED", "Clé d'API révoquée (ou structure refusée par pass Culture)."),
    (
        "INVALID_CREDENTIALS",
        "HTTP Basic : email ou mot de passe incorrect, ou compte qui n'est pas professionnel.",
    ),
    ("ACCOUNT_INACTIVE", "HTTP Basic : compte désactivé."),
    ("EMAIL_NOT_VALIDATED", "HTTP Basic : l'adresse email du compte n'est pas encore confirmée."),
    ("COUNTERMARK_NOT_FOUND", "Aucune réservation avec cette contremarque."),
    ("INVALID_COUNTERMARK", "Ce n'est pas une contremarque (6 caractères)."),
    ("BOOKING_OTHER_OFFERER", "La réservation est celle d'une autre structure."),
    ("BOOKING_CANCELLED", "La réservation a été annulée."),
    ("BOOKING_ALREADY_USED", "La contremarque a déjà été validée."),
    ("BOOKING_NOT_USED", "keep : la réservation n'a pas été validée."),
    ("BOOKING_REIMBURSED", "La réservation a déjà été remboursée."),
    (
        "BOOKING_NOT_YET_VALIDATABLE",
        "Séance encore annulable par le jeune : le message dit à partir de quand.",
    ),
    ("RATE_LIMITED", "Trop d'échecs ou trop de contremarques inconnues : attendre `Retry-After` secondes."),
]


JSON_TYPES = {str: "texte", int: "entier", float: "nombre", bool: "booléen", dict: "objet"}


def _json_type(annotation) -> str:
    """`str | None` -> "texte ou null", an enum -> its values."""
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    kinds = typing.get_args(annotation) if is_union else (annotation,)
    parts = []
    for kind in kinds:
        if kind is type(None):
            continue
        origin = typing.get_origin(kind) or kind
        if isinstance(origin, type) and issubclass(origin, enum.Enum):
            parts.append(" ou ".join(member.value for member in origin))
        else:
            parts.append(JSON_TYPES.get(origin, getattr(origin, "__name__", str(origin))))
    nullable = type(None) in kinds
    return " ou ".join(parts) + (" ou null" if nullable else "")


def _fields() -> list[dict]:
    return [
        {
            "name": info.alias or name,
            "type": _json_type(info.annotation),
            "description": info.description or "",
        }
        for name, info in BookingOut.model_fields.items()
    ]


@require_GET
def docs_page(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri(reverse("public_v2:openapi-json")).removesuffix("/openapi.json")
    examples_by_code = {example.code: example for example in ERROR_EXAMPLES}
    context = {
        "title": "API contremarque (v2)",
        "api_base": base,
        "variables": [
            (name, base if value is None else value.format(env=environment_token()), text)
            for name, value, text in VARIABLES
        ],
        "situations": SITUATIONS,
        "routes": [
            {
                "method": method,
                "path": path.replace("{token}", "<contremarque>"),
                "example": next(e for e in ROUTE_EXAMPLES if e.action == action),
            }
            for action, (method, path) in ROUTES.items()
        ],
        "route_examples": ROUTE_EXAMPLES,
        "error_examples": ERROR_EXAMPLES,
        "examples": EXAMPLES,
        "errors": [
            {
                "code": code,
                "status": STATUS_BY_CODE[code],
                "text": inline_code(text),
                "example": examples_by_code.get(code),
            }
            for code, text in ERRORS
        ],
        "fields": _fields(),
        "max_keys": MAX_ACTIVE_KEYS_PER_OFFERER,
        "auth_failures_limit": AUTH_FAILURES_PER_CLIENT.limit,
        "misses_limit": MISSES_PER_CREDENTIAL.limit,
        "misses_window_minutes": MISSES_PER_CREDENTIAL.window_seconds // 60,
    }
    return render(request, "api/v2/docs.html", context)
