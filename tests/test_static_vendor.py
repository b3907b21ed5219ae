"""The front-end libraries vendored for every interface are the pinned files, licence alongside."""

import hashlib
import re
from pathlib import Path

import passculture

VENDOR = Path(passculture.__file__).parent / "static" / "vendor"


def test_every_vendored_file_matches_its_pinned_checksum():
    sums = dict(
        reversed(line.split("  ", 1)) for line in (VENDOR / "SHA256SUMS").read_text().splitlines() if line
    )
    assert "htmx-2.0.11.min.js" in sums
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_htmx_ships_with_its_licence():
    assert (VENDOR / "htmx-2.0.11.LICENSE").read_text().lstrip().startswith("Zero-Clause BSD")


LEAFLET = "leaflet-1.9.4"


def test_leaflet_files_are_all_pinned_and_licensed():
    """The map page loads leaflet.js and leaflet.css, whose stylesheet points at the marker and layer
    images: each is listed in SHA256SUMS, so a changed or missing file fails the checksum test above."""
    sums = {line.split("  ", 1)[1] for line in (VENDOR / "SHA256SUMS").read_text().splitlines() if line}
    shipped = {
        path.relative_to(VENDOR).as_posix() for path in (VENDOR / LEAFLET).rglob("*") if path.is_file()
    }
    assert {f"{LEAFLET}/leaflet.js", f"{LEAFLET}/leaflet.css", f"{LEAFLET}/images/marker-icon.png"} <= shipped
    assert shipped <= sums
    css = (VENDOR / LEAFLET / "leaflet.css").read_text()
    for image in re.findall(r"url\((images/[^)]+)\)", css):
        assert f"{LEAFLET}/{image}" in shipped
    assert 'version="1.9.4"' in (VENDOR / LEAFLET / "leaflet.js").read_text()
    assert (VENDOR / LEAFLET / "LICENSE").read_text().startswith("BSD 2-Clause License")


TEST_VENDOR = Path(__file__).parent / "vendor"


def test_every_test_only_library_matches_its_pinned_checksum():
    sums = dict(
        reversed(line.split("  ", 1))
        for line in (TEST_VENDOR / "SHA256SUMS").read_text().splitlines()
        if line
    )
    assert "axe-core-4.14.1.min.js" in sums
    for name, digest in sums.items():
        assert hashlib.sha256((TEST_VENDOR / name).read_bytes()).hexdigest() == digest


def test_axe_core_ships_with_its_licence():
    assert (
        (TEST_VENDOR / "axe-core-4.14.1.LICENSE")
        .read_text()
        .startswith("Mozilla Public License, version 2.0")
    )
