"""One place that turns exceptions into JSON error bodies: {"code": ..., "message": ...}.

Statuses come from interfaces/errors.py; views never build error bodies. The errors no operation sees
(an unknown address, a wrong method, an unexpected failure) get the same body from the API error
middleware (middleware.py), through `http_error_response`.
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound
from passculture.core.users.exceptions import NotAuthenticated
from passculture.interfaces.errors import HTTP_ERROR_CODES, REQUEST_VALIDATION_STATUS, error_body, status_for

security_logger = logging.getLogger("django.security")

INVALID_INPUT_MESSAGE = "Les données envoyées sont invalides."
INVALID_JSON_MESSAGE = "Le corps de la requête n'est pas un JSON valide."
HTTP_ERROR_MESSAGES = {
    400: "La requête est invalide.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Cette adresse n'existe pas dans l'API : vérifiez le chemin et la documentation.",
    405: "Cette méthode HTTP n'est pas acceptée à cette adresse.",
    413: "Le corps de la requête est trop volumineux.",
    500: "Erreur inattendue du serveur : l'équipe technique a été prévenue.",
}


def http_error_response(status: int) -> JsonResponse:
    """The {code, message} body of an HTTP-level error; an unlisted status gets HTTP_<status>."""
    body = {
        "code": HTTP_ERROR_CODES.get(status, f"HTTP_{status}"),
        "message": HTTP_ERROR_MESSAGES.get(status, "La requête n'a pas pu aboutir."),
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


# French wording of the most frequent pydantic error types; others keep pydantic's message.
_FIELD_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "bool_type": "Un booléen est attendu.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "greater_than_equal": "La valeur est trop petite.",
    "less_than_equal": "La valeur est trop grande.",
    "string_too_short": "La valeur est trop courte.",
    "string_too_long": "La valeur est trop longue.",
    "string_pattern_mismatch": "La valeur contient des caractères non autorisés.",
}


def _field_error(error: dict) -> dict:
    kind = str(error.get("type", ""))
    return {
        "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
        "type": kind,
        "message": _FIELD_MESSAGES.get(kind, str(error.get("msg", ""))),
    }


def install_error_handlers(api: NinjaAPI) -> None:
    def render(request: HttpRequest, error: DomainError, **extra) -> HttpResponse:
        response = api.create_response(request, {**error_body(error), **extra}, status=status_for(error))
        retry_after = error.details.get("retry_after")
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        if response.status_code == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(DomainError)
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return render(request, exc)

    @api.exception_handler(AuthenticationError)
    def on_missing_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return render(request, NotAuthenticated())

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # django-ninja's only 400: a body it cannot parse
            return render(request, InvalidInput(INVALID_JSON_MESSAGE, code="INVALID_JSON"))
        return api.create_response(
            request, {"code": f"HTTP_{exc.status_code}", "message": str(exc)}, status=exc.status_code
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return render(request, NotFound())

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, the numbers of fields and files), met while an
        # operation reads the body: logged where Django logs them, answered as JSON.
        security_logger.warning("%s: %s", type(exc).__name__, exc)
        return http_error_response(413 if isinstance(exc, RequestDataTooBig) else 400)

    @api.exception_handler(NinjaValidationError)
    def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        error = InvalidInput(INVALID_INPUT_MESSAGE)
        return api.create_response(
            request,
            {**error_body(error), "errors": [_field_error(e) for e in exc.errors]},
            status=REQUEST_VALIDATION_STATUS,
        )
