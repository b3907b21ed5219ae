"""Two middlewares, first in the chain (settings.MIDDLEWARE), decision 0036.

- OpsEndpointsMiddleware answers /healthz, /readyz and /metrics before anything else runs: no host
  check (a load balancer probes by IP), no HTTPS redirect, no session, no sign-in redirect. Those
  answers are not logged (probes every few seconds would drown the request log).
- RequestLogMiddleware gives each request its id (a well-formed incoming X-Request-ID, else a new one,
  sent back in the response), times it, counts it per route pattern and writes one log line: id,
  route, method, status, duration, and the user as a pseudonym. Never the path (a countermark can be
  in it), never a query string, never an email.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import empty

from passculture.core.common import metrics, request_id
from passculture.core.common.logs import pseudonym

from . import health, prometheus

logger = logging.getLogger("passculture.request")
REQUEST_ID_HEADER = "X-Request-ID"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
STATIC = "<static>"


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = health.readiness()
    response = JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


class OpsEndpointsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.routes = {
            "/healthz": healthz,
            "/readyz": readyz,
            settings.METRICS_PATH: prometheus.metrics_view,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.routes.get(request.path_info.rstrip("/") or "/")
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        return view(request)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request (bounded: the patterns are in the code)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + str(match.route or "")[:200]
    if request.path_info.startswith(settings.STATIC_URL):
        return STATIC
    return UNMATCHED


def _user_pseudonym(request: HttpRequest) -> str | None:
    # request.user is lazy: only read if the request already needed it (no session query for the log).
    user = request.__dict__.get("user")
    if user is not None and getattr(user, "_wrapped", None) is empty:
        user = None
    if user is None or not getattr(user, "is_authenticated", False):
        auth = getattr(request, "auth", None)  # the APIs' bearer tokens (django-ninja)
        user = auth if isinstance(auth, get_user_model()) else None
    return pseudonym(user.pk) if user is not None and user.pk is not None else None


class RequestLogMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id.accept(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.perf_counter()
        with request_id.bound(rid):
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = route_of(request)
            method = request.method if request.method in METHODS else "OTHER"
            metrics.HTTP_REQUEST_DURATION.labels(route=route, method=method).observe(duration)
            metrics.HTTP_REQUESTS.labels(route=route, method=method, status=str(response.status_code)).inc()
            logger.info(
                "%s %s %s %.1f ms",
                method,
                route,
                response.status_code,
                duration * 1000,
                extra={
                    "route": route,
                    "method": method,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user": _user_pseudonym(request),
                },
            )
        response[REQUEST_ID_HEADER] = rid
        return response
