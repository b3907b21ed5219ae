"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Use `pytestmark = BROWSER_MARKS` in a test module and the `page` fixture (with `live_server`).
`screenshot(page, "name")` saves a PNG under var/screenshots/ (kept by CI runs for review).
`assert_accessible(page, "name")` runs axe-core (vendored in tests/vendor/) on the page as it is now and fails
on any critical or serious violation.
Extra Chromium flags (e.g. a fake camera) go through `@pytest.mark.chromium_args([...])`, or, when
they are only known at run time, by overriding the `chromium_extra_args` fixture.
"""

import asyncio
import threading
import weakref
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

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
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# RGAA 4 / WCAG 2.1 AA: these impacts fail a test; moderate and minor ones are printed, to fix when cheap.
AXE_FAILING_IMPACTS = ("critical", "serious")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

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


# Each page reports the Content-Security-Policy violations it sees (a refused inline script or style, a
# source outside the policy) to the console, where the page fixture collects them
# (`window.cspViolations` keeps them for a test to read). Under that CSP, Playwright cannot evaluate a bare
# expression string in the page while waiting: give `wait_for_function` a function, "() => ...".
REPORT_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var text = event.violatedDirective + " blocked [" + event.sample + "] " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber;
  window.cspViolations.push(text);
  console.error("CSP violation: " + text);
});
"""
# Files a page needs: one missing is an error. Pages and API calls answer 4xx on purpose (a form's errors,
# a refused lookup): the tests check those statuses themselves.
ASSET_TYPES = {"script", "stylesheet", "image", "font", "manifest"}
# The browser's own guess, and uploads, which the test server does not serve (DEBUG is off in tests).
UNSERVED_PATHS = ("/favicon.ico", "/media/")


@pytest.fixture
def unjudged_asset_origins() -> list[str]:
    """Origins whose failed files are not this site's fault (a third-party tile server the test stops on
    purpose): a test overrides this. This site's own files are always judged."""
    return []


def _watch(context, errors: list[str], unjudged_origins: tuple[str, ...] = ()) -> None:
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message) -> None:
        # Failed loads are judged by on_response, which knows what was loaded.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_response(response) -> None:
        path = urlsplit(response.url).path
        if (
            response.status >= 400
            and response.request.resource_type in ASSET_TYPES
            and not path.startswith(UNSERVED_PATHS)
            and not response.url.startswith(unjudged_origins)
        ):
            errors.append(f"missing {response.request.resource_type}: {response.status} {response.url}")

    context.on("console", on_console)
    context.on("weberror", lambda web_error: errors.append(f"page error: {web_error.error.stack}"))
    context.on("response", on_response)


class _Browsers:
    """One Playwright driver and one Chromium for the whole session (starting them takes about a second,
    and there are more than a hundred browser tests); a test with extra Chromium flags gets a Chromium of
    its own. Each test still gets fresh browser contexts (cookies, storage, cache, service workers), closed
    when it ends.

    Between two sync calls Playwright marks its event loop as running in this thread
    (playwright/_impl/_greenlets.py): left so between browser tests, every later test would run "inside an
    event loop" (Django refuses ORM calls there, `asyncio.run` fails). `resume` marks it running again for
    a browser test, `pause` clears the mark when the test ends; no sync call happens in between."""

    def __init__(self, sync_api) -> None:
        self._manager = sync_api.sync_playwright()
        self.playwright = self._manager.start()
        self._loop = self.playwright._loop
        self._shared = None
        self.pause()

    def resume(self) -> None:
        asyncio._set_running_loop(self._loop)

    def pause(self) -> None:
        asyncio._set_running_loop(None)

    def launch(self, extra: list[str]):
        return self.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + extra)

    def shared(self):
        if self._shared is None or not self._shared.is_connected():
            self._shared = self.launch([])
        return self._shared

    def stop(self) -> None:
        self.resume()
        try:
            if self._shared is not None and self._shared.is_connected():
                self._shared.close()
        finally:
            self._manager.__exit__(None, None, None)
            asyncio._set_running_loop(None)


class _ConnectionsOpened:
    """The database connections this thread opens from now on, in any greenlet (Playwright runs the test's
    callbacks in greenlets of their own, whose connections `connections.close_all()` does not see)."""

    def __init__(self) -> None:
        self._opened: weakref.WeakSet = weakref.WeakSet()
        self._thread = threading.get_ident()
        connection_created.connect(self._record, weak=False)

    def _record(self, sender, connection, **kwargs) -> None:
        # Not those of the live server's threads, which close their own.
        if connection._thread_ident == self._thread == threading.get_ident():
            self._opened.add(connection)

    def close(self) -> None:
        connection_created.disconnect(self._record)
        for wrapper in list(self._opened):
            wrapper.close()


BROWSER_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _browsers():
    sync_api = pytest.importorskip("playwright.sync_api")
    # `expect` waits as long as the pages' own calls (15 s, below), not its default 5 s: CI runs both
    # suites at once on two cores, and a page polling every 2 s (the Allociné import's state) could
    # miss 5 s there.
    sync_api.expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    browsers = _Browsers(sync_api)
    yield browsers
    browsers.stop()


@pytest.fixture
def page(request, monkeypatch, chromium_extra_args, unjudged_asset_origins, _browsers):
    """A Chromium page. The test fails on any console error, uncaught exception or missing asset of its
    pages (a CSP violation is a console error), in every browser context it opens (popups included),
    unless marked `@pytest.mark.allow_console_errors` with the reason."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test around it are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    marker = request.node.get_closest_marker("chromium_args")
    extra = (list(marker.args[0]) if marker else []) + list(chromium_extra_args)
    errors: list[str] = []
    opened = _ConnectionsOpened()
    _browsers.resume()
    try:
        browser = _browsers.launch(extra) if extra else _browsers.shared()
        new_context = browser.new_context

        def watched_context(**options):
            context = new_context(**options)
            _watch(context, errors, tuple(unjudged_asset_origins))
            return context

        # Tests open more contexts (a phone, a second person) with page.context.browser.new_context.
        browser.new_context = watched_context
        try:
            context = browser.new_context(locale="fr-FR", accept_downloads=True)
            context.set_default_timeout(BROWSER_TIMEOUT_MS)
            yield context.new_page()
        finally:
            del browser.new_context
            if extra:
                browser.close()
            else:
                for context in browser.contexts:
                    context.close()
    finally:
        _browsers.pause()
        # Inside this block the ORM also runs in Playwright's greenlets (callbacks), each with its own
        # connections: left open, PostgreSQL would refuse to drop the test database at the end.
        opened.close()
        connections.close_all()
    if not request.node.get_closest_marker("allow_console_errors"):
        assert not errors, "The pages logged errors:\n" + "\n".join(errors)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # caret="initial": Playwright would otherwise inject a style to hide the caret, which the CSP refuses.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def log_in(page, client, user, base_url: str) -> None:
    """Logs the browser in as `user` without the login page: the session of a Django test client."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def _axe_source() -> str:
    return AXE.read_text()


def assert_accessible(page, name: str = "") -> list[dict]:
    """Runs axe-core on the page in its current state; fails on any critical or serious violation.

    The script is evaluated through the DevTools protocol (`page.evaluate` of its source), not added as a
    <script> tag: the page's CSP refuses inline scripts without its nonce, and `bypass_csp` would switch off
    the very policy the other checks rely on. Returns the moderate and minor violations (also printed)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        "tags => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    lines = []
    failing = []
    for violation in results["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]][:5]
        line = f"[{violation['impact']}] {violation['id']}: {violation['help']} at {targets}"
        lines.append(line)
        if violation["impact"] in AXE_FAILING_IMPACTS:
            failing.append(line + "\n    " + violation["nodes"][0]["failureSummary"].replace("\n", "\n    "))
    if lines:
        print(f"axe on {name or page.url}:\n  " + "\n  ".join(lines))
    assert not failing, f"axe found serious violations on {name or page.url}:\n" + "\n".join(failing)
    return [v for v in results["violations"] if v["impact"] not in AXE_FAILING_IMPACTS]
