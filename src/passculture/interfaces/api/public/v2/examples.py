"""The exchanges shown on the French docs page (/api/v2/docs): one curl command and its answer per route
and per refusal. The page renders them; a test reads the commands back from the rendered page and replays
them against a live server, so an example that drifts from the API fails the build.

Example countermarks each stand for one situation, described on the page; error bodies take their
messages from the domain's own exceptions.
"""

import json
import re
from dataclasses import dataclass
from http import HTTPStatus

from django.utils.html import escape
from django.utils.safestring import mark_safe

from passculture.core.bookings import exceptions as booking_errors
from passculture.core.offerers import exceptions as offerer_errors
from passculture.core.users import exceptions as user_errors
from passculture.interfaces.errors import error_body

from .auth import AUTH_FAILURES_PER_CLIENT

ROUTES = {
    "check": ("GET", "/bookings/token/{token}"),
    "use": ("PATCH", "/bookings/use/token/{token}"),
    "keep": ("PATCH", "/bookings/keep/token/{token}"),
    "cancel": ("PATCH", "/bookings/cancel/token/{token}"),
}

# The shell variables of the examples: what the reader sets before pasting them.
VARIABLES = [
    ("API", None, "l'adresse de l'API (celle de cette page)"),
    ("CLE", "{env}_0123456789ab_…", "votre clé d'API, copiée à sa création"),
    ("EMAIL", "caisse@cinema.example.com", "l'email d'un compte pro membre validé de la structure"),
    ("MOT_DE_PASSE", "…", "son mot de passe"),
    ("CLE_REVOQUEE", "{env}_ba9876543210_…", "une clé que vous avez révoquée (pour l'exemple d'erreur)"),
]

# The situations behind the example countermarks.
SITUATIONS = [
    ("XK4F2M", "une séance réservée par Camille Martin, validable maintenant"),
    ("CARTE5", "une carte cinéma 5 places (pas de date), pas encore validée"),
    ("DEJA44", "une réservation déjà validée"),
    ("ANNUL3", "une réservation annulée"),
    ("REMB55", "une réservation validée puis remboursée"),
    ("ATTEND", "une séance réservée il y a une heure pour dans 5 jours : encore annulable par le jeune"),
    ("AUTRE2", "une réservation d'un autre cinéma"),
    ("ZZZ222", "une contremarque qui n'existe pas"),
]

AUTH_HEADERS = {
    "key": '-H "Authorization: Bearer $CLE"',
    "revoked-key": '-H "Authorization: Bearer $CLE_REVOQUEE"',
    "bad-key": '-H "Authorization: Bearer cle-inventee"',
    "basic": '-u "$EMAIL:$MOT_DE_PASSE"',
    "bad-password": '-u "$EMAIL:mauvais-mot-de-passe"',
    "none": "",
}

EVENT_BOOKING = {
    "bookingId": "1234",
    "dateOfBirth": "2007-05-14",
    "datetime": "2026-03-12T19:30:00Z",
    "ean13": None,
    "email": "camille.martin@example.com",
    "formula": "PLACE",
    "isUsed": False,
    "offerId": 567,
    "publicOfferId": "567",
    "offerName": "Le Voyage dans la Lune",
    "offerType": "EVENEMENT",
    "phoneNumber": "+33612345678",
    "price": 7.5,
    "quantity": 1,
    "theater": {},
    "userName": "Camille Martin",
    "firstName": "Camille",
    "lastName": "Martin",
    "venueAddress": "10 boulevard Voltaire, 75011 Paris",
    "venueDepartmentCode": "75",
    "venueName": "Cinéma Lumière",
}
THING_BOOKING = {
    **EVENT_BOOKING,
    "bookingId": "1240",
    "datetime": "",
    "formula": "ABO",
    "offerId": 570,
    "publicOfferId": "570",
    "offerName": "Carte cinéma 5 places",
    "offerType": "BIEN",
    "price": 25.0,
}


def inline_code(text: str) -> str:
    """Plain text with `code` spans, as safe HTML."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # noqa: S308 - escaped above


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    text: str
    action: str
    token: str
    auth: str
    status: int
    body: dict | None = None
    headers: tuple[tuple[str, str], ...] = ()
    # Failed calls sent just before (the rate limit example): a `for` loop in the shell.
    warm_up: int = 0

    @property
    def text_html(self) -> str:
        return inline_code(self.text)

    @property
    def code(self) -> str:
        return (self.body or {}).get("code", "")

    @property
    def method(self) -> str:
        return ROUTES[self.action][0]

    @property
    def path(self) -> str:
        return ROUTES[self.action][1].format(token=self.token)

    @property
    def curl(self) -> str:
        method = "" if self.method == "GET" else f"-X {self.method} "
        auth = AUTH_HEADERS[self.auth]
        command = f'curl -s -i {method}"$API{self.path}"'
        if auth:
            command += f" \\\n     {auth}"
        if not self.warm_up:
            return command
        loop = (
            f"for i in $(seq {self.warm_up}); do "
            f'curl -s -o /dev/null {method}"$API{self.path}" {AUTH_HEADERS[self.auth]}; done'
        )
        return f"{loop}\n{command}"

    @property
    def response(self) -> str:
        lines = [f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}"]
        if self.body is not None:
            lines.append("Content-Type: application/json; charset=utf-8")
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body is not None:
            lines += ["", json.dumps(self.body, ensure_ascii=False, indent=2)]
        return "\n".join(lines)


def _error(error) -> dict:
    return error_body(error)


UNAUTHENTICATED_MESSAGE = (
    "Authentification requise : envoyez `Authorization: Bearer <clé d'API>` ou l'email et le mot de passe "
    "d'un compte pro en HTTP Basic."
)
WWW_AUTHENTICATE = (("WWW-Authenticate", "Bearer"),)

ROUTE_EXAMPLES = [
    Example(
        "consulter",
        "Consulter une contremarque",
        "Avant d'éditer le billet : la réservation, si elle peut être validée maintenant.",
        "check",
        "XK4F2M",
        "key",
        200,
        EVENT_BOOKING,
    ),
    Example(
        "consulter-carte",
        "Consulter une carte cinéma",
        'Une carte ou un abonnement n\'a pas de date : `datetime` vaut "", `formula` ABO et `offerType` BIEN.',
        "check",
        "CARTE5",
        "key",
        200,
        THING_BOOKING,
    ),
    Example(
        "consulter-basic",
        "Avec l'email et le mot de passe d'un compte pro",
        "HTTP Basic au lieu d'une clé ; la contremarque peut être saisie en minuscules.",
        "check",
        "xk4f2m",
        "basic",
        200,
        EVENT_BOOKING,
    ),
    Example(
        "valider",
        "Valider une contremarque",
        "La réservation devient utilisée : elle sera remboursée au cinéma. Réponse 204, sans corps.",
        "use",
        "XK4F2M",
        "key",
        204,
    ),
    Example(
        "annuler-validation",
        "Annuler la validation",
        "Une erreur de caisse : la réservation redevient confirmée (impossible une fois remboursée).",
        "keep",
        "XK4F2M",
        "key",
        204,
    ),
    Example(
        "annuler",
        "Annuler la réservation",
        "Par le cinéma, tant qu'elle n'est pas validée : le jeune est prévenu et recrédité.",
        "cancel",
        "XK4F2M",
        "key",
        204,
    ),
]

ERROR_EXAMPLES = [
    Example(
        "sans-authentification",
        "Sans authentification",
        "Aucun en-tête `Authorization` (ou un schéma inconnu).",
        "check",
        "CARTE5",
        "none",
        401,
        _error(user_errors.NotAuthenticated(UNAUTHENTICATED_MESSAGE)),
        WWW_AUTHENTICATE,
    ),
    Example(
        "cle-invalide",
        "Clé d'API invalide",
        "Clé mal copiée, inventée ou d'une autre plateforme.",
        "check",
        "CARTE5",
        "bad-key",
        401,
        _error(offerer_errors.InvalidApiKey()),
        WWW_AUTHENTICATE,
    ),
    Example(
        "cle-revoquee",
        "Clé d'API révoquée",
        "Un administrateur de la structure l'a révoquée dans l'espace pass Culture Pro.",
        "check",
        "CARTE5",
        "revoked-key",
        401,
        _error(offerer_errors.ApiKeyRevoked()),
        WWW_AUTHENTICATE,
    ),
    Example(
        "mot-de-passe-incorrect",
        "Email ou mot de passe incorrect",
        "En HTTP Basic.",
        "check",
        "CARTE5",
        "bad-password",
        401,
        _error(user_errors.InvalidCredentials()),
        WWW_AUTHENTICATE,
    ),
    Example(
        "inconnue",
        "Contremarque inconnue",
        "Aucune réservation avec cette contremarque.",
        "check",
        "ZZZ222",
        "key",
        404,
        _error(booking_errors.CountermarkNotFound()),
    ),
    Example(
        "mal-formee",
        "Contremarque mal formée",
        "Une contremarque compte 6 caractères : lettres sans I ni O, chiffres de 2 à 7.",
        "check",
        "ABC",
        "key",
        404,
        _error(booking_errors.InvalidCountermark()),
    ),
    Example(
        "autre-structure",
        "Réservation d'une autre structure",
        "La clé (ou le compte) n'agit que pour sa structure : rien de la réservation n'est révélé.",
        "check",
        "AUTRE2",
        "key",
        403,
        _error(booking_errors.BookingOfAnotherOfferer()),
    ),
    Example(
        "annulee",
        "Réservation annulée",
        "Par le jeune, par le cinéma ou expirée.",
        "check",
        "ANNUL3",
        "key",
        410,
        _error(booking_errors.BookingCancelled()),
    ),
    Example(
        "deja-validee",
        "Contremarque déjà validée",
        "Pour revenir en arrière : « annuler la validation » (route keep).",
        "use",
        "DEJA44",
        "key",
        410,
        _error(booking_errors.BookingAlreadyUsed()),
    ),
    Example(
        "pas-validee",
        "Annuler la validation d'une contremarque pas validée",
        "La route keep ne s'applique qu'à une réservation validée.",
        "keep",
        "CARTE5",
        "key",
        410,
        _error(booking_errors.BookingNotUsed()),
    ),
    Example(
        "remboursee",
        "Réservation déjà remboursée",
        "Plus rien ne peut changer : ni validation, ni annulation.",
        "check",
        "REMB55",
        "key",
        403,
        _error(booking_errors.BookingReimbursed()),
    ),
    Example(
        "trop-tot",
        "Séance encore annulable par le jeune",
        "Une séance ne se valide qu'après la fin du délai d'annulation du jeune ; le message donne "
        "l'heure (heure du cinéma) à partir de laquelle elle pourra l'être.",
        "use",
        "ATTEND",
        "key",
        403,
        _error(
            booking_errors.BookingNotYetValidatable(
                "Cette réservation est encore annulable par le bénéficiaire : "
                "vous pourrez la valider à partir du 12 mars 2026 à 14h00."
            )
        ),
    ),
    Example(
        "trop-d-echecs",
        "Trop d'échecs d'authentification",
        "Après 10 échecs d'authentification en une minute depuis une même adresse, tout appel de cette "
        "adresse est refusé, même avec une bonne clé, jusqu'à la fin de la minute (`Retry-After`, en "
        "secondes).",
        "check",
        "CARTE5",
        "bad-key",
        429,
        _error(user_errors.RateLimited(AUTH_FAILURES_PER_CLIENT.message.format(wait="58 secondes"))),
        (("Retry-After", "58"),),
        warm_up=10,
    ),
]

EXAMPLES = ROUTE_EXAMPLES + ERROR_EXAMPLES
