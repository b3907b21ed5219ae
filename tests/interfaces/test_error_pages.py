"""Every error is a French page with a way back, in the look of its audience, with DEBUG off and on."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.interfaces.error_urls")]

TITLES = {400: "Demande incorrecte", 403: "Accès refusé", 404: "Page introuvable", 500: "Erreur du serveur"}


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def browser():
    # A crash is answered with the 500 page, not raised into the test.
    return Client(raise_request_exception=False)


def _page(response) -> str:
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_an_app_error_is_a_french_page_with_the_tab_bar_and_a_way_home(debug, browser, status):
    response = browser.get(f"/echec/{status}/", HTTP_REFERER="http://testserver/offres/3/")
    assert response.status_code == status
    page = _page(response)
    assert '<html lang="fr">' in page
    assert f"<h1>{TITLES[status]}</h1>" in page
    assert 'href="/">Retour à l\'accueil</a>' in page
    assert 'href="/offres/3/">Revenir en arrière</a>' in page
    assert 'class="app-tabs"' in page and "Accessibilité : partiellement conforme" in page
    assert "Traceback" not in page and "DEBUG" not in page


def test_a_suspicious_request_is_a_400_page(debug, browser):
    response = browser.get("/echec/401/")
    assert response.status_code == 400
    assert "<h1>Demande incorrecte</h1>" in _page(response)


def test_an_unknown_address_is_the_french_404_page(debug, browser):
    response = browser.get("/nulle-part/")
    assert response.status_code == 404
    page = _page(response)
    assert "<h1>Page introuvable</h1>" in page
    assert "Vérifie l&#x27;adresse" in page
    # The CSP still applies: the page has no inline code.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_address_without_its_slash_still_redirects(debug, browser):
    assert browser.get("/connexion").status_code == 301


def test_no_way_back_is_offered_to_another_site(debug, browser):
    page = _page(browser.get("/nulle-part/", HTTP_REFERER="https://ailleurs.example/piege/"))
    assert "Revenir en arrière" not in page
    assert "ailleurs.example" not in page


@pytest.mark.parametrize(
    ("prefix", "service"), [("/pro", "pass Culture Pro"), ("/backoffice", "Back office")]
)
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_pro_and_back_office_errors_are_neutral_french_pages(debug, browser, prefix, service, status):
    response = browser.get(f"{prefix}/echec/{status}/")
    assert response.status_code == status
    page = _page(response)
    assert '<html lang="fr">' in page and f"<h1>{TITLES[status]}</h1>" in page
    assert service in page
    assert f'href="{prefix}/">Retour à l\'accueil</a>' in page
    assert "app-tabs" not in page  # not the young people's navigation


def test_the_pro_pages_say_vous(debug, browser):
    page = _page(browser.get("/pro/nulle-part/"))
    assert "Vérifiez l&#x27;adresse" in page


def test_the_500_page_reads_nothing_from_the_database(debug, browser):
    browser.get("/")  # a session-less warm-up so that nothing lazy is counted below
    with CaptureQueriesContext(connection) as queries:
        response = browser.get("/echec/500/")
    assert response.status_code == 500
    assert not queries.captured_queries


def test_a_crash_under_debug_still_logs_its_traceback(settings, browser, caplog):
    settings.DEBUG = True
    browser.get("/echec/500/")
    record = next(r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR")
    assert "test crash" in str(record.exc_info[1])


def test_a_developer_may_ask_for_djangos_technical_pages(settings, browser):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    assert "Page introuvable" not in browser.get("/nulle-part/").content.decode()


@pytest.mark.parametrize("path", ["/connexion/", "/pro/connexion/"])
def test_a_refused_form_token_is_a_french_403_page(debug, path):
    response = Client(enforce_csrf_checks=True).post(path, {"email": "a@example.com"})
    assert response.status_code == 403
    page = _page(response)
    assert "<h1>Formulaire expiré</h1>" in page
    assert "cookies" in page


@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_the_api_keeps_its_json_errors(debug, browser, status):
    response = browser.get(f"/api/native/v1/echec/{status}/")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) >= {"code", "message"}


def test_an_unknown_api_address_is_json(debug, browser):
    response = browser.get("/api/native/v1/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
