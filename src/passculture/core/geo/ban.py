"""Client for the national address API (Base Adresse Nationale, "api-adresse"): `GET /search/`.

The answer is a GeoJSON FeatureCollection; each feature's geometry is a Point `[lon, lat]` and its
properties carry the normalised label and a relevance score between 0 and 1. The base URL comes from
settings.ADRESSE_API_URL (an empty string disables the client: the gazetteer answers alone).
"""

import logging
from typing import Literal

import httpx
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .constants import DEFAULT_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)


class BanProperties(BaseModel):
    model_config = ConfigDict(extra="ignore")

    label: str
    score: float = Field(ge=0, le=1)
    type: str | None = None
    name: str | None = None
    housenumber: str | None = None
    street: str | None = None
    postcode: str | None = None
    citycode: str | None = None
    city: str | None = None
    context: str | None = None


class BanGeometry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["Point"]
    # GeoJSON order: longitude first.
    coordinates: tuple[float, float]

    @property
    def longitude(self) -> float:
        return self.coordinates[0]

    @property
    def latitude(self) -> float:
        return self.coordinates[1]


class BanFeature(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["Feature"]
    geometry: BanGeometry
    properties: BanProperties


class BanFeatureCollection(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["FeatureCollection"]
    features: list[BanFeature]


class AddressApiUnavailable(Exception):
    """The address API did not give a usable answer (down, slow, or an unexpected payload).

    Not a DomainError: callers fall back to the gazetteer, the pro never sees it.
    """


class BanClient:
    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        # A slow address API must not hold a pro's form submission: short connect and read timeouts.
        self.timeout = httpx.Timeout(timeout, connect=min(timeout, 2.0))

    def search(self, query: str, *, postcode: str | None = None, limit: int = 5) -> list[BanFeature]:
        params: dict[str, str | int] = {"q": query[:200], "limit": limit}
        if postcode:
            params["postcode"] = postcode
        try:
            response = httpx.get(f"{self.base_url}/search/", params=params, timeout=self.timeout)
            response.raise_for_status()
            collection = BanFeatureCollection.model_validate_json(response.content)
        except (httpx.HTTPError, ValidationError, OSError) as exc:
            logger.warning("address API unavailable: %s", exc.__class__.__name__)
            raise AddressApiUnavailable(str(exc)) from exc
        return collection.features


def get_ban_client() -> BanClient | None:
    base_url = getattr(settings, "ADRESSE_API_URL", "")
    if not base_url:
        return None
    return BanClient(base_url, timeout=getattr(settings, "ADRESSE_API_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
