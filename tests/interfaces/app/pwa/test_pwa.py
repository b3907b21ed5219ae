"""Installable web app: the manifest and the service worker."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from passculture.interfaces.app.pwa import views

pytestmark = pytest.mark.django_db


def _worker_config(response) -> dict:
    return json.loads(re.search(r"^const CONFIG = (\{.*\});$", response.content.decode(), re.M).group(1))


def test_the_urls_are_the_contract():
    assert reverse("app:manifest") == "/manifest.webmanifest"
    assert reverse("app:service_worker") == "/sw.js"


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "pass Culture cinéma"
    assert manifest["short_name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#000091"
    assert manifest["lang"] == "fr"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "any"}
    assert sizes == {"192x192", "512x512"}
    assert {"name": "Mes réservations", "url": "/reservations/"} in manifest["shortcuts"]


@pytest.mark.parametrize(("path", "size"), [("app/icons/icon-192.png", 192), ("app/icons/icon-512.png", 512)])
def test_the_icons_are_square_pngs_of_their_size(client, path, size):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (image.format, image.size) == ("PNG", (size, size))


def test_the_service_worker_is_javascript_never_cached_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body


def test_the_worker_keeps_my_bookings_and_the_apps_assets(client):
    config = _worker_config(client.get("/sw.js"))
    assert "/static/app/brand.css" in config["precache"]
    assert "/static/dsfr/dist/core/core.main.min.css" in config["precache"]
    assert "/static/app/pwa.js" in config["precache"]
    assert config["staticPrefixes"] == ["/static/app/", "/static/dsfr/"]
    assert config["bookingsUrl"] == "/reservations/"
    assert "/static/app/film.css" in config["precache"] and "/static/app/bookings.css" in config["precache"]
    pattern = re.compile(config["pagePattern"])
    for path in ("/", "/credit/", "/reservations/", "/reservations/12/"):
        assert pattern.match(path), path
    for path in ("/reservations/12/annuler/", "/reserver/3/", "/films/3/", "/carte/", "/credit/x/", "/x/"):
        assert not pattern.match(path), path
    # Film pages are kept whatever their query (a place, a day), under their bare path.
    films = re.compile(config["normalisedPattern"])
    assert films.match("/films/3/") and films.match("/films/1234/")
    assert not films.match("/films/3/x/") and not films.match("/films/")
    assert config["mediaUrl"] == "/media/"
    # Logging out or in forgets the kept pages.
    assert set(config["forgetOn"]) == {reverse("app:logout"), reverse("app:login")}
    assert "/pro/" in config["outside"] and "/backoffice/" in config["outside"]


def test_every_precached_asset_exists(client):
    for url in _worker_config(client.get("/sw.js"))["precache"]:
        assert client.get(url).status_code == 200, url


def test_the_cache_version_follows_the_static_files(tmp_path, monkeypatch):
    static = tmp_path / "static"
    (static / "app").mkdir(parents=True)
    css = static / "app" / "app.css"
    css.write_text("body { color: black; }")
    monkeypatch.setattr(views, "STATIC_DIR", static)
    before = views._content_hash()
    assert views._content_hash() == before  # stable while nothing changes
    css.write_text("body { color: navy; }")
    assert views._content_hash() != before


def test_the_worker_names_its_static_cache_after_the_version(client, settings):
    settings.DEBUG = True
    config = _worker_config(client.get("/sw.js"))
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])
    assert config["version"] == views._content_hash()


def test_every_app_page_links_the_manifest_and_registers_the_worker(client):
    page = client.get(reverse("app:home")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#000091">' in page
    script = re.search(
        r'<script src="(/static/app/pwa\.js)" data-service-worker="/sw\.js" data-logout="([^"]*)" defer>',
        page,
    )
    assert script is not None
    assert script.group(2) == reverse("app:logout")
    assert finders.find("app/pwa.js")
