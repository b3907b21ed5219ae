"""Replays recorded-shape payloads of the company registry from a local pytest-httpserver."""

import json
from pathlib import Path

PAYLOADS = Path(__file__).parent / "payloads"
CINEMA_SIREN = "832145676"  # payloads/cinema_sas.json
CLOSED_SIREN = "443001128"  # payloads/closed_company.json
UNKNOWN_SIREN = "798123451"  # answered by payloads/empty.json


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def point_registry_at(settings, httpserver) -> None:
    settings.ENTREPRISES_API_URL = httpserver.url_for("/").rstrip("/")
    settings.ENTREPRISES_API_TIMEOUT = 2


def serve(httpserver, siren: str, name: str) -> None:
    httpserver.expect_request(
        "/search", query_string={"q": siren, "page": "1", "per_page": "5"}
    ).respond_with_json(payload(name))


def serve_all(httpserver) -> None:
    """The three recorded answers, each for its SIREN."""
    serve(httpserver, CINEMA_SIREN, "cinema_sas")
    serve(httpserver, CLOSED_SIREN, "closed_company")
    serve(httpserver, UNKNOWN_SIREN, "empty")


def serve_outage(httpserver) -> None:
    httpserver.expect_request("/search").respond_with_data("Bad Gateway", status=502)
