"""Every error answered under /api/ is JSON {code, message} with its status, whatever produced it.

Operations raise domain and validation errors that the APIs' handlers already turn into JSON
(handlers.py). What happens around them does not go through those handlers: an address no API routes
(Django's 404), a method an address does not accept (405, with an empty HTML body), Django's own limits
met outside an operation (400), an unexpected failure (Django's 500 page). This middleware rewrites those
answers, once, for the whole /api/ prefix: the status and the headers (Allow, Retry-After) stay, the
body becomes {code, message}. Pages elsewhere keep their HTML.

A body declared larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) before anything reads it;
multipart bodies (an identity document's photo) have their own limits, met while an operation reads them
(handlers.py answers 413 there).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .handlers import http_error_response

# The JSON APIs: /api/ (the app's, API v2) and /public/ (the public API for cinema software).
API_PREFIXES = ("/api/", "/public/")
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _declares_too_large_a_body(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return False
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


class ApiErrorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIXES):
            return self.get_response(request)
        if _declares_too_large_a_body(request):
            return http_error_response(413)
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        rewritten = http_error_response(response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten
