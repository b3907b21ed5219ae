"""The map's tile server: its origin, the one image source the map page's CSP adds."""

from urllib.parse import urlsplit

from django.conf import settings


def tiles_origin(url_template: str) -> str:
    """`https://tile.openstreetmap.org` for `https://tile.openstreetmap.org/{z}/{x}/{y}.png`;
    `https://*.tile.example.org` for a `{s}` subdomain template; "" for anything else (no http(s)
    scheme, no host, a placeholder elsewhere in the host): the map is then not shown."""
    try:
        parts = urlsplit(url_template.strip())
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return ""
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if "{" in host or "}" in host or not all(c.isalnum() or c in ".-*" for c in host):
        return ""
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


def tiles_settings() -> dict:
    """What map.js needs to load the tiles; {} when no usable tile server is configured."""
    url = settings.MAP_TILES_URL
    if not tiles_origin(url):
        return {}
    return {
        "url": url,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "attributionUrl": settings.MAP_TILES_ATTRIBUTION_URL,
    }
