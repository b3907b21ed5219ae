"""/metrics, for Prometheus only: 404 while METRICS_TOKEN is unset, 401 without the right bearer token
(compared in constant time). Also served on a port of its own by `passculture metrics` (worker hosts).

With PROMETHEUS_MULTIPROC_DIR set (gunicorn's workers, Celery's, runjobs on the same host), the values
are those every process wrote to that directory; otherwise this process's own."""

import hashlib
import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .collectors import DatabaseCollector


def process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def database_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector())
    return registry


def exposition() -> bytes:
    # Two registries, one text: their metric names never overlap.
    return generate_latest(process_registry()) + generate_latest(database_registry())


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def token_matches(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    # Digests of equal length: compare_digest takes the same time whatever the given token.
    return scheme.lower() == "bearer" and hmac.compare_digest(_digest(given.strip()), _digest(token))


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse("Not Found\n", status=404, content_type="text/plain")
    if not token_matches(request.headers.get("Authorization", ""), token):
        return HttpResponse(
            "Unauthorized\n", status=401, content_type="text/plain", headers={"WWW-Authenticate": "Bearer"}
        )
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
