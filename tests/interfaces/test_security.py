"""Security headers of every audience's pages (interfaces/security.py and Django's SecurityMiddleware):
a strict Content-Security-Policy with a fresh nonce, a Permissions-Policy that gives the camera to the
counter only and the position to the discovery and map pages only, HSTS on secure requests. The templates are
scanned for inline code in test_templates_inline_code.py."""

import re

import pytest
from django.http import HttpResponse
from django.urls import reverse

from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory
from passculture.interfaces.security import RESTRICTED_FEATURES, allow_browser_features, allow_csp_sources

pytestmark = pytest.mark.django_db

# (name, path, who is signed in): one page or more per audience, and the API docs.
PAGES = [
    ("app home", "/", None),
    ("app login", "/connexion/", None),
    ("app map", "/carte/", None),
    ("pro login", "/pro/connexion/", None),
    ("pro dashboard", "/pro/", "pro"),
    ("pro counter", "/pro/guichet/", "pro"),
    ("back office login", "/backoffice/login/", None),
    ("back office home", "/backoffice/", "staff"),
    ("back office user list", "/backoffice/users/user/", "staff"),
    ("native API docs", "/api/native/v1/docs", None),
    ("ticketing API guide", "/api/v2/docs", None),
    ("ticketing API swagger", "/api/v2/swagger", None),
]
PAGE_IDS = [name for name, _, _ in PAGES]


@pytest.fixture
def staff():
    return UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True, birth_date=None)


@pytest.fixture
def get_page(client, pro, staff):
    def get(path: str, who: str | None, **extra):
        if who == "pro":
            client.force_login(pro)
        elif who == "staff":
            client.force_login(staff)
        response = client.get(path, **extra)
        assert response.status_code == 200, (path, response.status_code)
        return response

    return get


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (directive.split() for directive in header.split(";") if directive.strip())
    }


def nonce_of(response) -> str:
    (nonce,) = re.findall(r"'nonce-([^']+)'", " ".join(csp_directives(response)["script-src"]))
    return nonce


def permissions(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=PAGE_IDS)
def test_every_page_has_a_strict_content_security_policy(get_page, name, path, who):
    directives = csp_directives(get_page(path, who))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"][0] == "'self'"
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    everything = " ".join(source for sources in directives.values() for source in sources)
    assert "'unsafe-inline'" not in everything
    assert "'unsafe-eval'" not in everything
    assert "*" not in everything


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=PAGE_IDS)
def test_each_response_gets_a_fresh_unguessable_nonce(get_page, name, path, who):
    first, second = nonce_of(get_page(path, who)), nonce_of(get_page(path, who))
    assert first != second
    assert len(first) >= 22  # at least 128 random bits
    assert csp_directives(get_page(path, who))["style-src"][-1].startswith("'nonce-")


@pytest.mark.parametrize("path", ["/pro/connexion/", "/api/v2/docs"])
def test_the_nonce_in_the_page_is_the_one_in_the_header(get_page, path):
    # DSFR's scripts carry request.csp_nonce: the page and its header must agree.
    response = get_page(path, None)
    assert f'nonce="{nonce_of(response)}"' in response.content.decode()


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=PAGE_IDS)
def test_the_camera_is_allowed_on_the_counter_page_only(get_page, name, path, who):
    policy = permissions(get_page(path, who))
    assert policy["camera"] == ("(self)" if path == "/pro/guichet/" else "()")
    assert policy["microphone"] == "()"
    assert policy["payment"] == "()"


def test_the_counter_keeps_the_camera_after_validating_or_undoing(client, pro):
    client.force_login(pro)
    for name in ("pro:counter", "pro:counter-validate", "pro:counter-undo", "pro:counter-cancel"):
        response = client.post(reverse(name), {"token": "ABC123"})
        assert permissions(response)["camera"] == "(self)", name


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=PAGE_IDS)
def test_the_position_is_allowed_on_the_discovery_and_map_pages_only(get_page, name, path, who):
    policy = permissions(get_page(path, who))
    assert policy["geolocation"] == ("(self)" if path in ("/", "/carte/") else "()")


def test_every_restricted_feature_is_denied_on_an_ordinary_page(client):
    policy = permissions(client.get("/connexion/"))
    assert set(policy) == set(RESTRICTED_FEATURES)
    assert set(policy.values()) == {"()"}


@pytest.mark.parametrize(
    ("directive", "origin"),
    [("script-src", "https://tiles.example.org"), ("img-src", "'unsafe-inline'"), ("img-src", "https:"),
     ("img-src", "https://tiles.example.org/path")],
)  # fmt: skip
def test_a_view_widens_only_img_src_and_only_with_an_origin(directive, origin):
    with pytest.raises(ValueError):
        allow_csp_sources(HttpResponse(), directive, origin)


def test_a_view_cannot_allow_an_unknown_feature():
    with pytest.raises(ValueError, match="camra"):
        allow_browser_features("camra")


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=PAGE_IDS)
def test_referrer_and_opener_policies_are_same_origin(get_page, name, path, who):
    response = get_page(path, who)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_on_secure_requests_only(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    secure = client.get("/connexion/", secure=True)
    plain = client.get("/connexion/")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain


def test_debug_technical_pages_keep_their_inline_code(client, settings):
    # Django's debug 404 page (asked for with TECHNICAL_ERROR_PAGES=1: the French page shows otherwise)
    # has its own inline style: the CSP would hide it while developing.
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" in response
