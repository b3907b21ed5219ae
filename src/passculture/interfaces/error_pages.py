"""French error pages (400, 403, 404, 500 and the CSRF refusal) for every page of the site, in every mode.

- The app's paths get the app's look (tab bar, footer, "tu"); /pro/ and /backoffice/ a neutral DSFR page
  that says "vous"; /api/ keeps its JSON errors (api/middleware.py rewrites whatever reaches it).
- With DEBUG=0, Django calls the handlers named in urls.py. With DEBUG=1 (`make run`), Django would show its
  English technical pages instead: `ErrorPagesMiddleware` answers with ours in that mode too, because
  `make run` is where people first try the service (docs/decisions/0020-error-pages-and-static-files.md).
  TECHNICAL_ERROR_PAGES=1 gives the developer Django's pages back; the traceback of a 500 is always logged.
- The 500 page reads nothing that can fail: no database (not even the session), no context processor.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger("django.request")

API_PREFIXES = ("/api/", "/public/")  # the JSON APIs: their errors are JSON (api/middleware.py)
PRO_PREFIX = "/pro/"
BACKOFFICE_PREFIX = "/backoffice/"

# status -> (title, what happened, what to do), for the app ("tu") and for the professionals ("vous").
APP_TEXTS = {
    400: (
        "Demande incorrecte",
        "Cette demande n'a pas pu être comprise : un lien ou un formulaire est peut-être incomplet.",
        "Reviens en arrière et réessaie, ou repars de l'accueil.",
    ),
    403: (
        "Accès refusé",
        "Tu n'as pas accès à cette page.",
        "Si tu penses que c'est une erreur, connecte-toi avec ton compte ou repars de l'accueil.",
    ),
    404: (
        "Page introuvable",
        "Cette page n'existe pas ou plus : le lien est peut-être ancien ou incomplet.",
        "Vérifie l'adresse, ou retrouve les films à l'affiche depuis l'accueil.",
    ),
    500: (
        "Erreur du serveur",
        "Un problème technique nous empêche d'afficher cette page. Ce n'est pas de ta faute.",
        "Réessaie dans quelques minutes. Tes réservations et ton crédit ne sont pas touchés.",
    ),
}
PRO_TEXTS = {
    400: (
        "Demande incorrecte",
        "Cette demande n'a pas pu être comprise : un lien ou un formulaire est peut-être incomplet.",
        "Revenez en arrière et réessayez, ou repartez de l'accueil.",
    ),
    403: (
        "Accès refusé",
        "Vous n'avez pas accès à cette page.",
        "Si vous pensez que c'est une erreur, connectez-vous avec le bon compte ou demandez l'accès à "
        "un administrateur de votre structure.",
    ),
    404: (
        "Page introuvable",
        "Cette page n'existe pas ou plus : le lien est peut-être ancien ou incomplet.",
        "Vérifiez l'adresse, ou repartez de l'accueil.",
    ),
    500: (
        "Erreur du serveur",
        "Un problème technique nous empêche d'afficher cette page.",
        "Réessayez dans quelques minutes. Si le problème continue, écrivez au support.",
    ),
}
CSRF_APP = (
    "Formulaire expiré",
    "Ce formulaire a expiré, ou ton navigateur bloque les cookies de ce site.",
    "Recharge la page précédente puis renvoie le formulaire. S'il est refusé encore, autorise les cookies "
    "de ce site : ils servent seulement à ta connexion et à protéger tes formulaires.",
)
CSRF_PRO = (
    "Formulaire expiré",
    "Ce formulaire a expiré, ou votre navigateur bloque les cookies de ce site.",
    "Rechargez la page précédente puis renvoyez le formulaire. S'il est refusé encore, autorisez les "
    "cookies de ce site.",
)


def _audience(path: str) -> str:
    if path.startswith(PRO_PREFIX):
        return "pro"
    if path.startswith(BACKOFFICE_PREFIX):
        return "backoffice"
    return "app"


def _back_url(request: HttpRequest) -> str:
    """The page the person came from, when it is on this site (never an outside address)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    parts = urlsplit(referer)
    try:
        host = request.get_host()
    except Exception:  # a disallowed Host header is exactly what a 400 may be about
        return ""
    if parts.netloc != host or parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def error_page(request: HttpRequest, status: int, texts: tuple[str, str, str] | None = None) -> HttpResponse:
    audience = _audience(request.path)
    title, what, next_step = texts or (APP_TEXTS if audience == "app" else PRO_TEXTS)[status]
    context = {
        "status": status,
        "title": title,
        "what": what,
        "next_step": next_step,
        "back_url": _back_url(request),
        "audience": audience,
    }
    if audience == "app":
        template = "app/errors/error.html"
        if status < 500:
            # The tab bar shows whether the person is signed in (a session read); never on a 500.
            context["request"] = request
    else:
        template = "errors/neutral.html"
        context["home_url"] = PRO_PREFIX if audience == "pro" else BACKOFFICE_PREFIX
        context["service"] = "pass Culture Pro" if audience == "pro" else "Back office pass Culture"
    # A plain dict, no RequestContext: no context processor runs (they may read the database).
    body = loader.get_template(template).render(context)
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response.is_error_page = True  # type: ignore[attr-defined]
    return response


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)


def csrf_failure(request, reason=""):
    return error_page(request, 403, CSRF_APP if _audience(request.path) == "app" else CSRF_PRO)


def _debug_pages_replaced(request: HttpRequest) -> bool:
    return (
        settings.DEBUG
        and not getattr(settings, "TECHNICAL_ERROR_PAGES", False)
        and not request.path.startswith(API_PREFIXES)
    )


class ErrorPagesMiddleware:
    """Under DEBUG, answers with the French pages where Django would show its technical ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched (resolver_match is set only on a match), and CommonMiddleware did not redirect to
        # the address with a slash: Django's technical 404 under DEBUG.
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and not getattr(response, "is_error_page", False)
            and _debug_pages_replaced(request)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _debug_pages_replaced(request):
            return None  # DEBUG=0: Django calls the urls.py handlers (and logs) itself
        if isinstance(exception, Http404):
            return page_not_found(request)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            logging.getLogger("django.security").warning("%s: %s", type(exception).__name__, exception)
            return bad_request(request)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return server_error(request)
