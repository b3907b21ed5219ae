"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Use `pytestmark = BROWSER_MARKS` in a test module and the `page` fixture (with `live_server`).
`screenshot(page, "name")` saves a PNG under var/screenshots/ (kept by CI runs for review).
Extra Chromium flags (e.g. a fake camera) go through `@pytest.mark.chromium_args([...])`, or, when
they are only known at run time, by overriding the `chromium_extra_args` fixture.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--headless=new",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium chromium-driver"
    ),
]


@pytest.fixture
def chromium_extra_args() -> list[str]:
    """Flags known only at run time (e.g. a fake camera file under tmp_path): a test overrides this."""
    return []


@pytest.fixture
def page(request, monkeypatch, chromium_extra_args):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test around it are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    marker = request.node.get_closest_marker("chromium_args")
    extra = (list(marker.args[0]) if marker else []) + list(chromium_extra_args)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + extra)
        try:
            context = browser.new_context(locale="fr-FR", accept_downloads=True)
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()
            # Inside this block the ORM runs in Playwright's context, with its own connections:
            # left open, PostgreSQL would refuse to drop the test database at the end.
            connections.close_all()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, client, user, base_url: str) -> None:
    """Logs the browser in as `user` without the login page: the session of a Django test client."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
