"""Client for the public company registry ("API Recherche d'entreprises", recherche-entreprises.api.gouv.fr).

`lookup_siren(siren)` answers one of three things:
- a `CompanyInfo` (the company exists; `active` is False when INSEE records it as closed),
- `None` (the registry answered and knows no company with that SIREN),
- `RegistryUnavailable` raised (timeout, network error, 5xx or 429, a payload we cannot read): the
  caller falls back to what the pro types and flags the offerer for staff. A registry outage must
  never block a sign-up.

The base URL comes from settings.ENTREPRISES_API_URL (a local replay server in tests).
"""

import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from django.conf import settings
from pydantic import BaseModel, ConfigDict, ValidationError

from .exceptions import RegistryUnavailable

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://recherche-entreprises.api.gouv.fr"
DEFAULT_TIMEOUT_SECONDS = 5.0
# One retry: enough for a dropped connection, short enough to keep the sign-up page responsive.
ATTEMPTS = 2


# --- The registry's payload (only what we read; every other field is ignored) --------------------


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RegistryHeadOffice(_Lenient):
    siret: str | None = None
    adresse: str | None = None
    code_postal: str | None = None
    libelle_commune: str | None = None
    activite_principale: str | None = None
    etat_administratif: str | None = None


class RegistryCompany(_Lenient):
    siren: str
    nom_complet: str | None = None
    nom_raison_sociale: str | None = None
    siege: RegistryHeadOffice | None = None
    etat_administratif: str | None = None  # "A" active, "C" closed (cessée)
    activite_principale: str | None = None
    nature_juridique: str | None = None
    date_fermeture: str | None = None


class RegistrySearchResponse(_Lenient):
    results: list[RegistryCompany]
    total_results: int | None = None


# --- What the domain keeps ---------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyInfo:
    siren: str
    name: str
    address: str
    postal_code: str
    city: str
    head_office_siret: str
    naf_code: str
    legal_category: str
    active: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _street(head_office: RegistryHeadOffice) -> str:
    """The registry's address ends with "<postal code> <city>", which we keep in their own fields."""
    address = (head_office.adresse or "").strip()
    if head_office.code_postal:
        head, sep, _ = address.rpartition(f" {head_office.code_postal}")
        if sep and head:
            address = head
    return re.sub(r"\s+", " ", address).strip()


def _to_company(raw: RegistryCompany) -> CompanyInfo:
    head_office = raw.siege or RegistryHeadOffice()
    name = raw.nom_raison_sociale or raw.nom_complet or ""
    return CompanyInfo(
        siren=raw.siren,
        name=name.strip(),
        address=_street(head_office),
        postal_code=(head_office.code_postal or "").strip(),
        city=(head_office.libelle_commune or "").strip(),
        head_office_siret=(head_office.siret or "").strip(),
        naf_code=(raw.activite_principale or head_office.activite_principale or "").strip(),
        legal_category=(raw.nature_juridique or "").strip(),
        active=raw.etat_administratif != "C",
    )


def _base_url() -> str:
    return (getattr(settings, "ENTREPRISES_API_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def _timeout() -> float:
    return float(getattr(settings, "ENTREPRISES_API_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))


def _get(url: str, params: dict[str, str]) -> httpx.Response:
    last_error: Exception | None = None
    with httpx.Client(timeout=_timeout(), headers={"Accept": "application/json"}) as client:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = client.get(url, params=params)
            except httpx.HTTPError as error:  # timeouts, refused connections, broken responses
                last_error = error
                logger.warning("company registry: attempt %s failed: %s", attempt, error)
                continue
            # 429: the public API allows a few calls per second; a sign-up must not wait for it.
            if response.status_code >= 500 or response.status_code == 429:
                last_error = httpx.HTTPStatusError(
                    f"status {response.status_code}", request=response.request, response=response
                )
                logger.warning("company registry: attempt %s answered %s", attempt, response.status_code)
                continue
            return response
    raise RegistryUnavailable() from last_error


def lookup_siren(siren: str) -> CompanyInfo | None:
    """The company with this (already checked) SIREN, None if the registry does not know it."""
    response = _get(f"{_base_url()}/search", {"q": siren, "page": "1", "per_page": "5"})
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        logger.warning("company registry: unexpected status %s", response.status_code)
        raise RegistryUnavailable()
    try:
        payload = RegistrySearchResponse.model_validate_json(response.content)
    except ValidationError as error:
        logger.warning("company registry: unreadable payload: %s", error)
        raise RegistryUnavailable() from error
    # A full-text search: other companies may match the digits elsewhere (an address, a SIRET).
    for raw in payload.results:
        if raw.siren == siren:
            return _to_company(raw)
    return None
