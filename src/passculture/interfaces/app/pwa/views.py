"""Installable web app: the manifest and the service worker (served at the root so it covers the site)."""

import functools
import hashlib
import json
import re
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from ..assets import STYLESHEETS

APP_NAME = "pass Culture cinéma"
THEME_COLOR = "#000091"
BACKGROUND_COLOR = "#ffffff"
# The app's assets (the stylesheets of every page, DSFR's included, this script, icons): cached by the worker.
# Its cache name hashes the app's own files and the DSFR package's version.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
APP_STATIC_PREFIX = "app/"
PRECACHE = [
    *STYLESHEETS,
    # The kept pages' own stylesheets (home, film, bookings and credit, cinema links), the error pages': a copy
    # opened offline is styled even when this worker did not control the page it was kept from.
    "app/bookings.css",
    "app/film.css",
    "app/discovery.css",
    "app/venues.css",
    "app/errors.css",
    # The "hors connexion" banner's icon (a DSFR warning alert): never loaded online, so not cached by use.
    "dsfr/dist/icons/system/fr--warning-fill.svg",
    "app/pwa.js",
    "app/icons/icon-192.png",
    "app/icons/icon-512.png",
]
ICONS = [("app/icons/icon-192.png", "192x192"), ("app/icons/icon-512.png", "512x512")]
SW_TEMPLATE = "app/pwa/sw.js"
# Parts of the site that are not the beneficiaries' app: the worker leaves their pages alone.
OUTSIDE_THE_APP = ["/pro/", "/backoffice/", "/api/"]


def _reverse_or_empty(name: str) -> str:
    # The login and logout pages belong to another part of the app and may not be routed yet.
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@require_GET
def manifest(request):
    data = {
        "id": "/",
        "name": APP_NAME,
        "short_name": "pass Culture",
        "description": "Réservez des séances de cinéma avec votre crédit pass Culture.",
        "lang": "fr",
        "dir": "ltr",
        "start_url": reverse("app:home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "any"}
            for path, sizes in ICONS
        ]
        # The ticket stays inside the central safe zone: the same images can be cropped to any shape.
        + [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "maskable"}
            for path, sizes in ICONS
        ],
        "shortcuts": [{"name": "Mes réservations", "url": reverse("app:bookings")}],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _content_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((STATIC_DIR / APP_STATIC_PREFIX).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    template = get_template(SW_TEMPLATE)
    digest.update(Path(template.origin.name).read_bytes())
    digest.update(settings.STATIC_URL.encode())
    digest.update(version("django-dsfr").encode())
    return digest.hexdigest()[:12]


@functools.cache
def _cached_content_hash() -> str:
    return _content_hash()


def cache_version() -> str:
    """Changes whenever the app's static files or this worker change, i.e. on each deploy that matters:
    the browser then installs the new worker, which drops the old static cache."""
    # In development files change under a running server; in production once per process is enough.
    return _content_hash() if settings.DEBUG else _cached_content_hash()


def _escaped(url: str) -> str:
    return re.escape(url).replace("/", "\\/")


def _page_pattern() -> str:
    bookings = _escaped(reverse("app:bookings")) + "(\\d+\\/)?"
    return "^(" + "|".join([_escaped(reverse("app:home")), _escaped(reverse("app:credit")), bookings]) + ")$"


def _film_pattern() -> str:
    # reverse() with a placeholder id, swapped for the digits it stands for.
    return "^" + _escaped(reverse("app:film", args=[1])).replace("1", "\\d+", 1) + "$"


@require_GET
def service_worker(request):
    bookings_url = reverse("app:bookings")
    config = {
        "version": cache_version(),
        "precache": [static(path) for path in PRECACHE],
        # The app's and DSFR's static files are cache-first, in a cache named after their version.
        # Folders, not files: no hashed name to look up (STATIC_URL + folder).
        "staticPrefixes": [settings.STATIC_URL + APP_STATIC_PREFIX, settings.STATIC_URL + "dsfr/"],
        "stylesheets": [static(path) for path in STYLESHEETS],
        "bookingsUrl": bookings_url,
        # Kept for offline use, without a query: the home page, my credit, my bookings (the list and each
        # booking: /reservations/ and /reservations/<id>/).
        "pagePattern": _page_pattern(),
        # Film pages: their query (a place, a day) only narrows the showtimes; one copy per film.
        "normalisedPattern": _film_pattern(),
        "mediaUrl": settings.MEDIA_URL,
        # Web push (decision 0032): the icon of the notifications the worker shows.
        "notificationIcon": static(ICONS[0][0]),
        # The offline page's ways out: the kept pages among these.
        "offlineLinks": [
            [reverse("app:bookings"), "Voir mes réservations enregistrées sur cet appareil"],
            [reverse("app:home"), "Revenir à l'accueil"],
            [reverse("app:credit"), "Voir mon crédit"],
        ],
        "forgetOn": [url for url in (_reverse_or_empty("app:logout"), _reverse_or_empty("app:login")) if url],
        "outside": [*OUTSIDE_THE_APP, settings.MEDIA_URL],
    }
    body = render_to_string(SW_TEMPLATE, {"config": json.dumps(config, ensure_ascii=False)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Browsers check for a new worker on navigation; no-cache makes them ask us rather than a cache.
    response["Cache-Control"] = "no-cache"
    return response
