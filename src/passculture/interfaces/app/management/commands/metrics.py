"""`passculture metrics --port 9101`: the Prometheus metrics on a port of their own, for a host that
serves no web requests (Celery workers and runjobs): with PROMETHEUS_MULTIPROC_DIR shared with them, it
exposes what they counted (Allociné runs, job runs), plus what the database tells (outbox, jobs,
payments). No token here: bind it to 127.0.0.1 (the default) or a private interface that only
Prometheus reaches (docs/operations/observability.md)."""

import threading

from django.core.management.base import BaseCommand
from django.db import connections
from prometheus_client import CollectorRegistry, start_http_server

from passculture.interfaces.ops.collectors import DatabaseCollector
from passculture.interfaces.ops.prometheus import process_registry


class _ClosingDatabaseCollector(DatabaseCollector):
    """Each scrape is served by a thread of its own: it closes the connection it opened."""

    def collect(self):
        try:
            yield from super().collect()
        finally:
            connections.close_all()


class _Both:
    def __init__(self, *registries) -> None:
        self.registries = registries

    def collect(self):
        for registry in self.registries:
            yield from registry.collect()


def serve(port: int, address: str):
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Both(process_registry()))  # type: ignore[arg-type]
    registry.register(_ClosingDatabaseCollector())
    return start_http_server(port, addr=address, registry=registry)


class Command(BaseCommand):
    help = "Sert les métriques Prometheus sur un port dédié (hôtes sans serveur web : Celery, runjobs)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9101)
        parser.add_argument("--bind", default="127.0.0.1", help="Adresse d'écoute (défaut : 127.0.0.1)")

    def handle(self, *args, port: int, bind: str, **options):
        server, _ = serve(port, bind)
        self.stdout.write(f"métriques sur http://{bind}:{server.server_port}/metrics")
        threading.Event().wait()
