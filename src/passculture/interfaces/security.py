"""The browser-side security headers of every page: Content-Security-Policy and Permissions-Policy.

Django 5.2 has no CSP of its own (it arrives in 6.0), so `SecurityHeadersMiddleware` sets both headers
once for the app, the pro portal, the back office and the API docs. HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy come from Django's SecurityMiddleware (settings.py).

- The CSP allows scripts and styles from this site only, plus a per-request nonce (`request.csp_nonce`,
  in templates `{{ request.csp_nonce }}`; DSFR's `{% dsfr_js nonce=request.csp_nonce %}` uses it). No
  'unsafe-inline', no 'unsafe-eval': code lives in static files, so an injected `<script>`, `onclick=`
  or `style=` is refused by the browser. tests/interfaces/test_security_headers.py scans the templates.
- One view may widen one directive for its own responses with `allow_csp_sources(response, ...)`: the
  map page lets `img-src` load the tiles of its tile server (settings.MAP_TILES_URL), no other page.
- The Permissions-Policy denies powerful features (camera, microphone, geolocation, payment...) on every
  page; a view that needs one says so with `@allow_browser_features("camera")`, the only per-view knob.
"""

import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

NONCE_BYTES = 18

# Directive -> sources; the request's nonce is added to script-src and style-src. img-src allows data:
# for the icons inlined in DSFR's and Swagger UI's stylesheets (SVG/PNG data URLs). 'report-sample' puts
# the first characters of a refused inline script or style in the violation report (the console's too).
POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'", "'report-sample'"),
    "style-src": ("'self'", "'report-sample'"),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
NONCE_DIRECTIVES = ("script-src", "style-src")

# Denied everywhere (`feature=()`) unless the view allows it for this site (`feature=(self)`). Only
# features Chromium knows: an unknown name is logged as an error on every page.
RESTRICTED_FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def allow_browser_features(*features: str) -> Callable:
    """Lets the pages of this view use `features` (e.g. "camera" on the counter), for this site only."""
    unknown = set(features) - set(RESTRICTED_FEATURES)
    if unknown:
        raise ValueError(f"Unknown browser features: {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            # Read back by the middleware, like Django's xframe_options_exempt marks its responses.
            response.allowed_browser_features = frozenset(features)
            return response

        return wrapped

    return decorator


# Directives a view may widen, and what it may add: an http(s) origin, nothing else ('unsafe-inline',
# 'unsafe-eval' or a bare scheme would undo the policy).
WIDENABLE_DIRECTIVES = ("img-src",)
ORIGIN_RE = re.compile(r"^https?://(\*\.)?[a-z0-9.-]+(:[0-9]{1,5})?$")


def allow_csp_sources(response: HttpResponse, directive: str, *origins: str) -> HttpResponse:
    """Adds these origins to one directive of this response's CSP (e.g. the map's tile server)."""
    if directive not in WIDENABLE_DIRECTIVES:
        raise ValueError(f"The CSP directive {directive!r} cannot be widened by a view")
    bad = [origin for origin in origins if not ORIGIN_RE.match(origin)]
    if bad:
        raise ValueError(f"Not an http(s) origin: {bad}")
    extra: dict[str, tuple[str, ...]] = dict(getattr(response, "extra_csp_sources", {}))
    extra[directive] = (*extra.get(directive, ()), *origins)
    # Read back by the middleware, like allowed_browser_features.
    response.extra_csp_sources = extra  # type: ignore[attr-defined]
    return response


def content_security_policy(nonce: str, extra: dict[str, tuple[str, ...]] | None = None) -> str:
    directives = []
    for name, sources in POLICY.items():
        sources = (*sources, *(extra or {}).get(name, ()))
        if name in NONCE_DIRECTIVES:
            sources = (*sources, f"'nonce-{nonce}'")
        directives.append(f"{name} {' '.join(sources)}")
    return "; ".join(directives)


def permissions_policy(allowed: frozenset[str]) -> str:
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in RESTRICTED_FEATURES
    )


def _is_debug_technical_page(response: HttpResponse) -> bool:
    # With DEBUG=1, Django answers 404s and crashes with its own technical pages, which carry inline
    # script and style: a CSP would hide the traceback's controls. Production pages always get it.
    # The French error pages (error_pages.py) have no inline code: they keep the CSP.
    return (
        settings.DEBUG
        and (response.status_code == 404 or response.status_code >= 500)
        and not getattr(response, "is_error_page", False)
    )


class SecurityHeadersMiddleware:
    """Sends the CSP (in every mode: DEBUG catches an inline script while it is being written) and the
    Permissions-Policy on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and not _is_debug_technical_page(response):
            extra = getattr(response, "extra_csp_sources", None)
            response["Content-Security-Policy"] = content_security_policy(nonce, extra)
        if "Permissions-Policy" not in response:
            allowed = getattr(response, "allowed_browser_features", frozenset())
            response["Permissions-Policy"] = permissions_policy(allowed)
        return response
