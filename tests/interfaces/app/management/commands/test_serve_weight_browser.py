"""The home page's weight on a first visit, as `make run` serves it: `passculture serve` (DEBUG=1) in a real
subprocess with the demo's data, measured by Chromium at 390x844 (the budget: 250 KB transferred)."""

import json
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from tests.browser import BROWSER_MARKS, assert_accessible, screenshot

from .test_serve import STARTUP_BOUND_SECONDS, _free_port, _get, _wait_for

pytestmark = [*BROWSER_MARKS, pytest.mark.enable_socket]
HOME_BUDGET_BYTES = 250 * 1024
PHONE = {"width": 390, "height": 844}
# Everything the first visit downloaded: the page, then every resource (Chromium counts headers and the
# compressed body; 0 for what came from a cache, and there is none on a first visit).
TRANSFERRED = """() => {
  const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
  return entries.map((entry) => [entry.name, entry.transferSize, entry.encodedBodySize, entry.decodedBodySize]);
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory, collected_static, migrated_sqlite_file):
    var = tmp_path_factory.mktemp("serve-weight")
    (var / "static").symlink_to(collected_static, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    database = migrated_sqlite_file(var / "db.sqlite3")
    env.update(PASSCULTURE_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{database}", EMAIL_BACKEND="locmem")
    env["DEBUG"] = "1"  # as `make run`
    subprocess.run(
        [sys.executable, "-m", "passculture", "demo", "--if-empty"],
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "passculture", "serve", "--port", str(port), "--no-jobs"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: _get(f"http://127.0.0.1:{port}/"), STARTUP_BOUND_SECONDS) == 200
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_home_page_first_visit_stays_under_250_kb(served, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{served}/")
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(TRANSFERRED)
    total = sum(transfer for _, transfer, _, _ in entries)
    report = {
        "page": "/",
        "viewport": "390x844",
        "transferred_bytes": total,
        "decoded_bytes": sum(decoded for _, _, _, decoded in entries),
        "requests": len(entries),
        "largest": sorted(
            ([name.removeprefix(served), size] for name, size, _, _ in entries), key=lambda e: -e[1]
        )[:8],
    }
    out = settings.VAR_DIR / "weight-home.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    # The stylesheets came compressed (the proof that make run compresses), under hashed names.
    css = [(name, encoded, decoded) for name, _, encoded, decoded in entries if name.endswith(".css")]
    assert css and all(encoded < decoded for _, encoded, decoded in css), css
    assert total <= HOME_BUDGET_BYTES, report
    assert_accessible(page, "home under serve")
    screenshot(page, "app-home-served-390x844")


def test_under_serve_the_home_page_opens_offline_styled(served, page):
    """Under the collected storage (hashed names), the worker installs (its precache of those names all
    answered) and the home page seen once opens offline, styled, under the "hors connexion" banner."""
    page.set_viewport_size(PHONE)
    page.goto(f"{served}/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_selector("html[data-offline-ready]", state="attached")
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator("#app-offline-banner").is_visible()
        # DSFR's alert and the brand layer (both under hashed names) came from the worker's cache.
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.querySelector('.app-offline-banner'));"
            " return [s.paddingLeft, s.marginBottom]; }"
        )
        assert style == ["48px", "16px"]
        screenshot(page, "app-offline-home-served")
    finally:
        page.context.set_offline(False)


PRO_BUDGET_BYTES = 400 * 1024
DESKTOP = {"width": 1440, "height": 900}


def test_the_pro_portal_first_visit_stays_under_400_kb(served, page):
    """Issue 14: a first visit to the pro portal (its login page, where every cinema starts) sends at most
    400 KB, DSFR's stylesheets, script and Marianne fonts included, compressed and under hashed names."""
    page.set_viewport_size(DESKTOP)
    page.goto(f"{served}/pro/connexion/")
    page.wait_for_load_state("networkidle")
    entries = page.evaluate(TRANSFERRED)
    total = sum(transfer for _, transfer, _, _ in entries)
    report = {
        "page": "/pro/connexion/",
        "viewport": "1440x900",
        "transferred_bytes": total,
        "requests": len(entries),
        "largest": sorted(
            ([name.removeprefix(served), size] for name, size, _, _ in entries), key=lambda e: -e[1]
        )[:8],
    }
    (settings.VAR_DIR / "weight-pro.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    css = [(name, encoded, decoded) for name, _, encoded, decoded in entries if name.endswith(".css")]
    assert css and all(encoded < decoded for _, encoded, decoded in css), css
    assert total <= PRO_BUDGET_BYTES, report
