"""The exchanges shown on the French docs page (/public/docs): one curl command and its answer per route
and per common refusal. As for API v2 (whose Example this extends), a test reads the commands back from
the rendered page and replays them against a live server: an example that drifts from the API fails.

The reader's shell variables (API, CLE, LIEU, OFFRE, TARIF, SEANCE...) are listed on the page; the showtimes
are dated March 2027 (the replay runs with a clock set just before)."""

import json
from dataclasses import dataclass

from passculture.core.bookings import exceptions as booking_errors
from passculture.core.providers.ticketing import api_exceptions
from passculture.core.providers.ticketing import exceptions as key_errors
from passculture.core.users import exceptions as user_errors
from passculture.interfaces.api.public.v2.examples import WWW_AUTHENTICATE
from passculture.interfaces.api.public.v2.examples import Example as V2Example
from passculture.interfaces.errors import error_body

from .auth import UNAUTHENTICATED_MESSAGE

OFFERS, BOOKINGS = "$API/offers/v1", "$API/bookings/v1"

VARIABLES = [
    ("API", None, "l'adresse de l'API publique (voir plus haut)"),
    ("CLE", "{env}_0123456789ab_…", "la clé de votre logiciel, fournie par pass Culture"),
    ("LIEU", "42", "l'identifiant pass Culture d'un cinéma relié à votre logiciel"),
    ("OFFRE", "567", "l'identifiant d'une offre de ce cinéma (réponse de GET /events)"),
    ("SEANCE", "8910", "l'identifiant d'une séance de cette offre (réponse de GET /dates)"),
    ("AUTRE_LIEU", "43", "un cinéma relié à un autre logiciel (pour l'exemple d'erreur)"),
    ("CLE_REVOQUEE", "{env}_ba9876543210_…", "une clé révoquée (pour l'exemple d'erreur)"),
]
SITUATIONS = [
    ("allocine_id:1234", "« Le Voyage dans la Lune », film connu de pass Culture (visa 5678)"),
    ("XK4F2M", "la contremarque d'une séance réservée par Camille Martin, validable maintenant"),
    ("ZZZ222", "une contremarque qui n'existe pas"),
]
AUTH_HEADERS = {
    "key": '-H "Authorization: Bearer $CLE"',
    "revoked-key": '-H "Authorization: Bearer $CLE_REVOQUEE"',
    "none": "",
}

PROGRAMME = {
    "venueId": "$LIEU",
    "offers": [
        {
            "filmId": "allocine_id:1234",
            "priceCategories": [
                {"price": 850, "label": "Plein tarif", "idAtProvider": "PT"},
                {"price": 500, "label": "Tarif réduit", "idAtProvider": "TR"},
            ],
            "stocks": [
                {
                    "beginningDatetime": "2027-03-12T20:30:00+01:00",
                    "priceCategoryIdAtProvider": "PT",
                    "quantity": 120,
                    "idAtProvider": "S-0312-2030-PT",
                    "features": ["VO"],
                },
                {
                    "beginningDatetime": "2027-03-12T20:30:00+01:00",
                    "priceCategoryIdAtProvider": "TR",
                    "quantity": 30,
                    "idAtProvider": "S-0312-2030-TR",
                    "features": ["VO"],
                },
            ],
        }
    ],
}
CATEGORY = {"id": 12, "label": "Plein tarif", "price": 850, "idAtProvider": "PT"}
EVENT = {
    "id": 567,
    "name": "Le Voyage dans la Lune",
    "description": "Un voyage.",
    "durationMinutes": 15,
    "enableDoubleBookings": False,
    "bookingEmail": None,
    "idAtProvider": "allocine_id:1234",
    "isActive": True,
    "location": {"type": "physical", "venueId": 42},
    "categoryRelatedFields": {"category": "SEANCE_CINE"},
    "filmId": "allocine_id:1234",
}
DATE = {
    "id": 8910,
    "beginningDatetime": "2027-03-12T19:30:00Z",
    "bookingLimitDatetime": "2027-03-12T19:30:00Z",
    "priceCategory": CATEGORY,
    "quantity": 120,
    "bookedQuantity": 0,
    "idAtProvider": "S-0312-2030-PT",
    "features": ["VO"],
}
BOOKING = {
    "id": 1234,
    "token": "XK4F2M",
    "status": "CONFIRMED",
    "creationDate": "2027-03-12T17:00:00Z",
    "dateUsed": None,
    "cancellationDate": None,
    "offerId": 567,
    "offerName": "Le Voyage dans la Lune",
    "offerIdAtProvider": "allocine_id:1234",
    "stockId": 8911,
    "stockIdAtProvider": "S-0312-2030-TR",
    "beginningDatetime": "2027-03-12T19:30:00Z",
    "priceCategoryId": 13,
    "priceCategoryLabel": "Tarif réduit",
    "price": 500,
    "quantity": 1,
    "venueId": 42,
    "venueName": "Ciné Lumière",
    "userEmail": "camille.martin@example.com",
    "userFirstName": "Camille",
    "userLastName": "Martin",
    "userPhoneNumber": "+33612345678",
    "userBirthDate": "2008-05-14",
}
# Values that depend on the database or the clock, not on the documented situation.
VARYING = {
    "id",
    "venueId",
    "offerId",
    "stockId",
    "priceCategoryId",
    "creationDate",
    "beginningDatetime",
    "bookingLimitDatetime",
}


def _json(body: dict) -> str:
    """JSON for a single-quoted shell argument, "$VAR" numbers spliced in unquoted."""
    text = json.dumps(body, ensure_ascii=False)
    return "'" + text.replace('"$LIEU"', "'$LIEU'").replace('"$AUTRE_LIEU"', "'$AUTRE_LIEU'") + "'"


@dataclass(frozen=True)
class Example(V2Example):
    """A v2 example with its own method, path and JSON body (the v2 one is always a countermark route)."""

    route_method: str = "GET"
    route_path: str = ""
    request: dict | None = None

    @property
    def method(self) -> str:
        return self.route_method

    @property
    def path(self) -> str:
        return self.route_path

    @property
    def curl(self) -> str:
        method = "" if self.method == "GET" else f"-X {self.method} "
        command = f'curl -s -i {method}"{self.path}"'
        auth = AUTH_HEADERS[self.auth]
        if auth:
            command += f" \\\n     {auth}"
        if self.request is not None:
            command += f' \\\n     -H "Content-Type: application/json" \\\n     -d {_json(self.request)}'
        return command


def example(slug, title, text, method, path, status, body=None, *, auth="key", request=None, headers=()):
    return Example(
        slug,
        title,
        text,
        "",
        "",
        auth,
        status,
        body,
        headers,
        0,
        route_method=method,
        route_path=path,
        request=request,
    )


ROUTE_EXAMPLES = [
    example(
        "programme",
        "Envoyer le programme d'un cinéma",
        "Le programme entier : les films (`filmId`), leurs tarifs et leurs séances. Renvoyer le même "
        "programme ne change rien ; une séance absente du nouvel envoi est supprimée si personne ne l'a "
        "réservée. Réponse 204, sans corps.",
        "PUT",
        f"{OFFERS}/events/cinema_sessions",
        204,
        request=PROGRAMME,
    ),
    example(
        "offres",
        "Lister les offres d'un cinéma",
        "Par pages de 50 au plus (`limit`), à partir de l'identifiant `firstIndex`.",
        "GET",
        f"{OFFERS}/events?venueId=$LIEU&limit=10",
        200,
        {"events": [EVENT]},
    ),
    example("offre", "Consulter une offre", "", "GET", f"{OFFERS}/events/$OFFRE", 200, EVENT),
    example(
        "tarifs",
        "Lister les tarifs d'une offre",
        "Prix en centimes d'euro.",
        "GET",
        f"{OFFERS}/events/$OFFRE/price_categories",
        200,
        {
            "priceCategories": [
                {**CATEGORY, "id": 13, "label": "Tarif réduit", "price": 500, "idAtProvider": "TR"},
                CATEGORY,
            ]
        },
    ),
    example(
        "seances",
        "Lister les séances d'une offre",
        "Une séance à deux tarifs est deux séances au même début.",
        "GET",
        f"{OFFERS}/events/$OFFRE/dates?limit=1",
        200,
        {"dates": [DATE]},
    ),
    example(
        "modifier-seance",
        "Changer le nombre de places d'une séance",
        "Seuls les champs envoyés changent ; `null` : places illimitées.",
        "PATCH",
        f"{OFFERS}/events/$OFFRE/dates/$SEANCE",
        200,
        {**DATE, "quantity": 80},
        request={"quantity": 80},
    ),
    example(
        "reservations",
        "Lister les réservations d'une offre",
        "Filtres : `offerId`, `priceCategoryId`, `stockId`, `status`, `beginningDatetime` (un jour AAAA-MM-JJ).",
        "GET",
        f"{BOOKINGS}/bookings?offerId=$OFFRE",
        200,
        {"bookings": [BOOKING]},
    ),
    example(
        "contremarque",
        "Consulter une contremarque",
        "La réservation, si elle peut être validée maintenant.",
        "GET",
        f"{BOOKINGS}/token/XK4F2M",
        200,
        BOOKING,
    ),
    example(
        "valider",
        "Valider une contremarque",
        "La réservation devient utilisée. Réponse 204.",
        "PATCH",
        f"{BOOKINGS}/use/token/XK4F2M",
        204,
    ),
    example(
        "supprimer-seance",
        "Supprimer une séance",
        "Ses réservations sont annulées et les jeunes prévenus, comme quand le cinéma la supprime. Réponse 204.",
        "DELETE",
        f"{OFFERS}/events/$OFFRE/dates/$SEANCE",
        204,
    ),
]

ERROR_EXAMPLES = [
    example(
        "sans-cle",
        "Sans clé",
        "Aucun en-tête `Authorization`.",
        "GET",
        f"{OFFERS}/events?venueId=$LIEU",
        401,
        error_body(user_errors.NotAuthenticated(UNAUTHENTICATED_MESSAGE)),
        auth="none",
        headers=WWW_AUTHENTICATE,
    ),
    example(
        "cle-revoquee",
        "Clé révoquée",
        "pass Culture a révoqué la clé : demandez-en une nouvelle.",
        "GET",
        f"{OFFERS}/events?venueId=$LIEU",
        401,
        error_body(key_errors.ProviderKeyRevoked()),
        auth="revoked-key",
        headers=WWW_AUTHENTICATE,
    ),
    example(
        "autre-lieu",
        "Un cinéma qui n'est pas relié à votre logiciel",
        "Comme s'il n'existait pas : 404, sans rien en révéler. Idem pour ses offres, séances et réservations.",
        "GET",
        f"{OFFERS}/events?venueId=$AUTRE_LIEU",
        404,
        error_body(api_exceptions.VenueNotFound()),
    ),
    example(
        "film-inconnu",
        "Film inconnu de pass Culture",
        "Rien n'est enregistré ; le message liste les films inconnus.",
        "PUT",
        f"{OFFERS}/events/cinema_sessions",
        400,
        error_body(
            api_exceptions.UnknownFilm(
                "Film(s) inconnu(s) de pass Culture : visa:999999. Les films viennent d'AlloCiné ou sont "
                "saisis par le cinéma dans son espace pass Culture Pro ; réessayez une fois le film connu."
            )
        ),
        request={"venueId": "$LIEU", "offers": [{**PROGRAMME["offers"][0], "filmId": "visa:999999"}]},
    ),
    example(
        "contremarque-inconnue",
        "Contremarque inconnue",
        "Inconnue, ou réservation d'un cinéma qui n'est pas relié à votre logiciel.",
        "GET",
        f"{BOOKINGS}/token/ZZZ222",
        404,
        error_body(booking_errors.CountermarkNotFound()),
    ),
]

EXAMPLES = ROUTE_EXAMPLES + ERROR_EXAMPLES
