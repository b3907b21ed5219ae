"""`passculture serve` in a real subprocess, against a temporary SQLite file."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

STARTUP_BOUND_SECONDS = 180  # a bound against a hang on a loaded machine, not a timing


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(predicate, bound: float):
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@pytest.fixture
def sqlite_env(tmp_path, collected_static, migrated_sqlite_file):
    (tmp_path / "static").symlink_to(collected_static, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        PASSCULTURE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{migrated_sqlite_file(tmp_path / 'db.sqlite3')}",
        EMAIL_BACKEND="locmem",
        DEBUG="1",
    )
    return env


def _fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.enable_socket
def test_serve_answers_on_its_port_runs_the_jobs_and_stops_on_sigterm(sqlite_env, tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "passculture", "serve", "--port", str(port)],
        env=sqlite_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = _wait_for(lambda: _get(f"http://127.0.0.1:{port}/"), STARTUP_BOUND_SECONDS)
        assert status == 200
        assert _get(f"http://127.0.0.1:{port}/static/app/brand.css") == 200

        # Under DEBUG=1 too: pages link hashed static names, answered gzip-compressed and cached a year.
        _, _, home = _fetch(f"http://127.0.0.1:{port}/")
        css = re.search(rb'href="(/static/dsfr/dist/core/core\.main\.min\.[0-9a-f]{12}\.css)"', home)
        assert css, home[:2000]
        status, headers, body = _fetch(
            f"http://127.0.0.1:{port}{css.group(1).decode()}", **{"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
        assert len(body) < 40_000  # 176 KB before compression

        # And the French 404 page, not Django's technical one.
        status, _, body = _fetch(f"http://127.0.0.1:{port}/nulle-part/")
        assert status == 404
        assert "<h1>Page introuvable</h1>" in body.decode()

        def jobs_ran() -> bool:
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                return (
                    db.execute("SELECT count(*) FROM jobs_jobrun WHERE last_status = 'ok'").fetchone()[0] > 0
                )

        assert _wait_for(jobs_ran, STARTUP_BOUND_SECONDS)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            output, _ = server.communicate()
    assert server.returncode == 0, output
    assert "periodic jobs stopped" in output
