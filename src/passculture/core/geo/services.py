"""Geocoding for the rest of the domain: an address to coordinates, a typed town to candidates."""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings

from .ban import AddressApiUnavailable, BanClient, get_ban_client
from .constants import DEFAULT_MIN_SCORE, CoordinatesSource
from .exceptions import AddressNotGeocoded, CoordinatesIncomplete, InvalidCoordinates
from .gazetteer import Commune, get_gazetteer, normalise
from .validation import check_coordinates

__all__ = [
    "CoordinatesSource",
    "GeocodeResult",
    "Place",
    "check_coordinates",
    "geocode_address",
    "nearest_commune",
    "search_places",
]


class GeocodeResult(NamedTuple):
    latitude: float
    longitude: float
    source: CoordinatesSource
    label: str
    score: float | None


@dataclass(frozen=True)
class Place:
    """A town someone can pick: its name, postal code(s), department and centre."""

    name: str
    insee: str
    postal_codes: tuple[str, ...]
    department: str
    latitude: float
    longitude: float

    @property
    def label(self) -> str:
        first = self.postal_codes[0] if self.postal_codes else ""
        return f"{self.name} ({first})" if first else self.name


def geocode_address(
    address: str, postal_code: str, city: str, *, client: BanClient | None = None
) -> GeocodeResult:
    """Coordinates of a French postal address.

    The national address API first (when configured, reachable, and sure enough of its answer), then
    the centre of the commune from the packaged gazetteer. Neither: AddressNotGeocoded, which asks the
    pro to type the coordinates.
    """
    postal_code = (postal_code or "").strip()
    client = client if client is not None else get_ban_client()
    if client is not None and address.strip():
        result = _from_ban(client, address, postal_code, city)
        if result is not None:
            return result
    commune = get_gazetteer().find(postal_code, city)
    if commune is None or not commune.has_centre:
        raise AddressNotGeocoded()
    assert commune.latitude is not None and commune.longitude is not None
    return GeocodeResult(
        latitude=commune.latitude,
        longitude=commune.longitude,
        source=CoordinatesSource.GAZETTEER,
        label=f"{commune.city_name} ({postal_code})",
        score=None,
    )


def _from_ban(client: BanClient, address: str, postal_code: str, city: str) -> GeocodeResult | None:
    min_score = float(getattr(settings, "ADRESSE_API_MIN_SCORE", DEFAULT_MIN_SCORE))
    query = " ".join(part.strip() for part in (address, postal_code, city) if part and part.strip())
    try:
        features = client.search(query, postcode=postal_code or None, limit=5)
    except AddressApiUnavailable:
        return None
    for feature in features:
        props = feature.properties
        if props.score < min_score:
            continue
        # The postcode filter should guarantee it; a replay or a proxy that ignores it must not move
        # a venue to another town.
        if postal_code and props.postcode and props.postcode != postal_code:
            continue
        return GeocodeResult(
            latitude=feature.geometry.latitude,
            longitude=feature.geometry.longitude,
            source=CoordinatesSource.BAN,
            label=props.label,
            score=props.score,
        )
    return None


def _place(commune: Commune) -> Place:
    assert commune.latitude is not None and commune.longitude is not None
    return Place(
        name=commune.name,
        insee=commune.insee,
        postal_codes=commune.postal_codes,
        department=commune.department,
        latitude=commune.latitude,
        longitude=commune.longitude,
    )


def search_places(query: str, *, limit: int = 10) -> list[Place]:
    """Towns matching what someone typed: a postal code (5 digits), the start of one (2-4 digits), or a
    name (accents and case aside; exact names before longer ones). Most populated first."""
    gazetteer = get_gazetteer()
    query = (query or "").strip()
    digits = query.replace(" ", "")
    if digits.isdigit() or (len(digits) == 5 and digits[:2].upper() in {"2A", "2B"}):
        if len(digits) == 5:
            found = gazetteer.by_postal_code(digits)
        elif 2 <= len(digits) < 5:
            found = [c for c in gazetteer.communes if any(p.startswith(digits) for p in c.postal_codes)]
            found.sort(key=lambda c: (-(c.population or 0), c.insee))
        else:
            found = []
    else:
        exact = gazetteer.by_name(query)
        longer = [c for c in gazetteer.by_name_prefix(query, limit=limit * 3) if c not in exact]
        found = exact + longer if normalise(query) else []
    return [_place(c) for c in found if c.has_centre][:limit]


def nearest_commune(latitude: float | Decimal, longitude: float | Decimal) -> Place | None:
    try:
        lat, lon = check_coordinates(latitude, longitude)
    except (InvalidCoordinates, CoordinatesIncomplete):
        return None
    commune = get_gazetteer().nearest(float(lat), float(lon))
    return _place(commune) if commune else None
