"""One place that turns exceptions into JSON error bodies: {"code": ..., "message": ...}.

Statuses come from interfaces/errors.py; views never build error bodies.
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound
from passculture.core.users.exceptions import NotAuthenticated
from passculture.interfaces.errors import REQUEST_VALIDATION_STATUS, error_body, status_for

INVALID_INPUT_MESSAGE = "Les données envoyées sont invalides."
INVALID_JSON_MESSAGE = "Le corps de la requête n'est pas un JSON valide."

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

    @api.exception_handler(NinjaValidationError)
    def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        error = InvalidInput(INVALID_INPUT_MESSAGE)
        return api.create_response(
            request,
            {**error_body(error), "errors": [_field_error(e) for e in exc.errors]},
            status=REQUEST_VALIDATION_STATUS,
        )
