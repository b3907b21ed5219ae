"""What the young people's pages cost a phone: bytes transferred and load time, in Chromium (issue 13).

The platform runs as a person runs it (`make run`): `passculture serve` with the demo data, on a scratch
SQLite database under `var/bench/page_weight/`. Debian's Chromium (Playwright, never a downloaded
browser) opens each page at 390x844 with throttling off:

- a **first visit**: a new browser context (empty cache, no service worker), every response's
  `encodedDataLength` summed (the bytes on the wire: compressed bodies plus headers);
- a **second visit** of the same page in the same context (the HTTP cache and the service worker warm;
  what the service worker answers, from its cache or its own fetch, counts 0 bytes here).

Each measure is repeated `--runs` times; medians are reported, with the first visit's bytes per resource
type, the request count, DOMContentLoaded, load, and the Largest Contentful Paint.

Pages: `home` (/), `search` (/recherche/) and `film`, the first film page the home page links to
(`--pages` to change them). A page that answers an error is reported as such and fails the run. The check:
the home page's first visit is at most `--home-budget-kb` (250 KB, experience.md).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = ROOT / "var" / "bench" / "page_weight"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--headless=new",
]
PHONE = {"width": 390, "height": 844}
DEFAULT_PAGES = "home=/,search=/recherche/,film=auto"
FILM_LINK = re.compile(r'href="(/films/\d+/[^"]*|/offres/\d+/[^"]*)"')
LCP_SCRIPT = """() => new Promise((resolve) => {
  let last = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { last = entry.startTime; }
  }).observe({ type: "largest-contentful-paint", buffered: true });
  setTimeout(() => resolve(last), 300);
})"""


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--runs", type=int, default=5, help="Visits of each page (default 5).")
    group.add_argument("--pages", default=DEFAULT_PAGES, help=f"name=path,... (default {DEFAULT_PAGES}).")
    group.add_argument("--home-budget-kb", type=float, default=250.0)
    group.add_argument("--keep-data", action="store_true", help="Reuse the demo database of a previous run.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment() -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        PASSCULTURE_VAR_DIR=str(VAR_DIR),
        DATABASE_URL=f"sqlite:///{VAR_DIR / 'passculture.sqlite3'}",
        MEDIA_ROOT=str(VAR_DIR / "media"),
    )
    return env


def _passculture(*arguments: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "passculture", *arguments], env=env, check=True, cwd=ROOT)


def _start_server(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "passculture", "serve", "--port", str(port), "--no-jobs"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except httpx.HTTPError:
            if server.poll() is not None:
                raise RuntimeError("passculture serve stopped at start") from None
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("passculture serve did not answer within 60 s")


def _resolve_pages(spec: str, base: str) -> dict[str, str]:
    pages = {}
    for item in spec.split(","):
        name, _, path = item.partition("=")
        if path == "auto":
            home = httpx.get(base + "/", timeout=10).text
            found = FILM_LINK.search(home)
            if found is None:
                continue
            path = found.group(1)
        pages[name.strip()] = path.strip()
    return pages


def _visit(page, cdp, url: str) -> dict:
    transferred: dict[str, float] = {}
    types: dict[str, str] = {}
    failed: set[str] = set()

    def on_response(event):
        types[event["requestId"]] = event["type"]
        if event["response"]["status"] >= 400:
            failed.add(f"{event['response']['status']} {event['response']['url']}")

    def on_finished(event):
        transferred[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"
    )
    lcp = page.evaluate(LCP_SCRIPT)
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    by_type: dict[str, float] = {}
    for request_id, size in transferred.items():
        kind = types.get(request_id, "Other")
        by_type[kind] = by_type.get(kind, 0) + size
    return {
        "status": response.status if response else None,
        "bytes": sum(transferred.values()),
        "by_type": by_type,
        "requests": len(transferred),
        "errors": sorted(failed),
        "dom_content_loaded_ms": timing["dcl"],
        "load_ms": timing["load"],
        "lcp_ms": lcp,
    }


def _measure(browser, url: str, runs: int) -> dict:
    first, second = [], []
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE, locale="fr-FR")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        first.append(_visit(page, cdp, url))
        second.append(_visit(page, cdp, url))
        context.close()

    def median(visits, key):
        return statistics.median(visit[key] for visit in visits)

    kinds = sorted({kind for visit in first for kind in visit["by_type"]})
    return {
        "status": first[0]["status"],
        "errors": sorted({e for visit in first + second for e in visit["errors"]}),
        "first_visit_kb": round(median(first, "bytes") / 1024, 1),
        "first_visit_kb_by_type": {
            kind: round(statistics.median(v["by_type"].get(kind, 0) for v in first) / 1024, 1)
            for kind in kinds
        },
        "first_visit_requests": median(first, "requests"),
        "second_visit_kb": round(median(second, "bytes") / 1024, 1),
        "dom_content_loaded_ms": round(median(first, "dom_content_loaded_ms"), 1),
        "load_ms": round(median(first, "load_ms"), 1),
        "lcp_ms": round(median(first, "lcp_ms"), 1),
        "second_visit_load_ms": round(median(second, "load_ms"), 1),
    }


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    env = _environment()
    if not args.keep_data and VAR_DIR.exists():
        shutil.rmtree(VAR_DIR)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _passculture("migrate", "--no-input", "-v", "0", env=env)
    _passculture("demo", "--if-empty", env=env)
    port = _free_port()
    server = _start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        pages = _resolve_pages(args.pages, base)
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for name, path in pages.items():
                    results[name] = {"path": path, **_measure(browser, base + path, args.runs)}
                    print(f"{name:8} {path:28} {results[name]['first_visit_kb']:>8} KB first visit")
            finally:
                browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    home = results.get("home", {})
    checks = {
        "every_page_answered_200": all(r["status"] == 200 and not r["errors"] for r in results.values()),
        "home_within_budget": bool(home) and home["first_visit_kb"] <= args.home_budget_kb,
    }
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "home_budget_kb": args.home_budget_kb,
        "runs": args.runs,
        "viewport": PHONE,
        "pages": results,
    }
