"""The French guide of the public API for cinema software at /public/docs: authentication, the rules of
reach and of the programme push, one curl example per route and per common refusal (examples.py, replayed
by a test), the error codes."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passculture.core.offerers.api_keys import environment_token
from passculture.core.providers.ticketing import events, sessions
from passculture.core.providers.ticketing.keys import AUTH_FAILURES_PER_IP
from passculture.interfaces.api.public.v2.examples import inline_code
from passculture.interfaces.errors import REQUEST_VALIDATION_STATUS, STATUS_BY_CODE

from .examples import ERROR_EXAMPLES, ROUTE_EXAMPLES, SITUATIONS, VARIABLES

# Every code a route can answer, in the order a developer meets them.
ERRORS = [
    ("UNAUTHENTICATED", "Aucun en-tête `Authorization: Bearer`."),
    ("INVALID_API_KEY", "Clé inconnue, mal copiée ou créée sur une autre plateforme."),
    ("API_KEY_REVOKED", "Clé révoquée, ou logiciel désactivé par pass Culture."),
    (
        "RATE_LIMITED",
        "Trop d'échecs d'authentification ou de contremarques inconnues : attendre `Retry-After`.",
    ),
    (
        "INVALID_INPUT",
        "Corps ou paramètre hors des bornes (longueurs, nombres, listes) : `errors[]` dit lequel.",
    ),
    ("VENUE_NOT_FOUND", "Lieu inconnu ou non relié (lien actif) à votre logiciel."),
    ("EVENT_NOT_FOUND", "Offre inconnue ou d'un lieu non relié."),
    ("PRICE_CATEGORY_NOT_FOUND", "Tarif inconnu ou d'une autre offre."),
    ("DATE_NOT_FOUND", "Séance inconnue, supprimée ou d'une autre offre."),
    ("TOO_MANY_OFFERS", f"Programme : plus de {sessions.MAX_OFFERS} offres."),
    ("TOO_MANY_STOCKS", f"Programme : plus de {sessions.MAX_STOCKS} séances."),
    ("TOO_MANY_PRICE_CATEGORIES", f"Plus de {sessions.MAX_PRICE_CATEGORIES} tarifs pour une offre."),
    ("TOO_MANY_DATES", f"Plus de {events.MAX_DATES_PER_EVENT:,} séances pour une offre.".replace(",", " ")),
    ("UNKNOWN_FILM", "Film inconnu de pass Culture (ni par son identifiant AlloCiné, ni par son visa)."),
    ("INVALID_FILM_ID", '`filmId` n\'est ni "allocine_id:N" ni "visa:N".'),
    ("DUPLICATE_FILM", "Le même film deux fois dans un programme."),
    ("DUPLICATE_ID_AT_PROVIDER", "Deux tarifs ou deux séances d'une offre ont le même `idAtProvider`."),
    ("DUPLICATE_PRICE_CATEGORY_LABEL", "Deux tarifs d'une offre ont le même libellé."),
    ("UNKNOWN_PRICE_CATEGORY", "Une séance désigne un tarif absent de son offre."),
    (
        "INVALID_FEATURE",
        'Caractéristique inconnue (ni "VF", "VO", "3D", "ICE", "IMAX", "4DX", "DOLBY", "SCREENX").',
    ),
    ("ID_AT_PROVIDER_INVALID", "`idAtProvider` vide (programme) ou de plus de 70 caractères."),
    ("PRICE_CATEGORY_LABEL_INVALID", "Libellé de tarif vide ou de plus de 50 caractères."),
    ("INVALID_PRICE", "Prix négatif."),
    ("PRICE_TOO_HIGH", "Prix au-delà de 1 000 €."),
    ("STOCK_QUANTITY_TOO_HIGH", "Plus de 100 000 places."),
    ("INVALID_EMAIL", "`bookingEmail` n'est pas une adresse email."),
    ("INVALID_DATE", "`beginningDatetime` (liste des réservations) n'est pas un jour AAAA-MM-JJ."),
    ("ID_AT_PROVIDER_TAKEN", "Cet `idAtProvider` est déjà celui d'un autre élément."),
    ("PRICE_CATEGORY_ALREADY_EXISTS", "L'offre a déjà un tarif de ce libellé."),
    ("STOCK_DATE_OUT_OF_RANGE", "Séance au-delà de deux ans (ou avant aujourd'hui)."),
    ("BOOKING_LIMIT_AFTER_BEGINNING", "Fin des réservations après le début de la séance."),
    ("STOCK_DELETION_TOO_LATE", "Séance commencée depuis plus de 48 h : elle ne se supprime plus."),
    ("PUSH_CONFLICT", "Le programme a changé en même temps par un autre canal : renvoyez-le."),
    ("COUNTERMARK_NOT_FOUND", "Contremarque inconnue, ou d'un lieu non relié à votre logiciel."),
    ("BOOKING_CANCELLED", "Réservation annulée."),
    ("BOOKING_ALREADY_USED", "Contremarque déjà validée."),
    ("BOOKING_NOT_USED", "keep : la réservation n'a pas été validée."),
    ("BOOKING_REIMBURSED", "Réservation déjà remboursée."),
    (
        "BOOKING_NOT_YET_VALIDATABLE",
        "Séance encore annulable par le jeune : le message dit à partir de quand.",
    ),
]


def _status(code: str) -> int:
    """The table's status; else the one of the code's exception class (NotFound 404, InvalidInput 400),
    and 422 for a body that does not match the schema."""
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    if code == "INVALID_INPUT":
        return REQUEST_VALIDATION_STATUS
    return 404 if code.endswith("_NOT_FOUND") else 400


@require_GET
def docs_page(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/public")
    examples_by_code = {example.code: example for example in ERROR_EXAMPLES}
    context = {
        "title": "API publique des logiciels de billetterie (v1)",
        "api_base": base,
        "variables": [
            (name, base if value is None else value.format(env=environment_token()), text)
            for name, value, text in VARIABLES
        ],
        "situations": SITUATIONS,
        "route_examples": ROUTE_EXAMPLES,
        "error_examples": ERROR_EXAMPLES,
        "errors": [
            {
                "code": code,
                "status": _status(code),
                "text": inline_code(text),
                "example": examples_by_code.get(code),
            }
            for code, text in ERRORS
        ],
        "limits": {
            "offers": sessions.MAX_OFFERS,
            "stocks": sessions.MAX_STOCKS,
            "categories": sessions.MAX_PRICE_CATEGORIES,
            "dates": f"{events.MAX_DATES_PER_EVENT:,}".replace(",", " "),
            "auth_failures": AUTH_FAILURES_PER_IP.limit,
        },
    }
    return render(request, "api/public_v1/docs.html", context)
