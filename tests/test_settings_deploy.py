"""Production settings (DEBUG=0) pass `passculture check --deploy`: HSTS on by default, and only the
warnings that production configuration alone can clear remain, each explained in the README."""

import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
CHECK_ID = re.compile(r"\(([a-z_]+\.[A-Z]\d{3})\)")


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "DEBUG"}
    base = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "passculture.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(tmp_path, **extra: str) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "passculture.example.org",
        "PASSCULTURE_VAR_DIR": str(tmp_path),
        **extra,
    }


def _deploy_check_ids(tmp_path, **extra: str) -> set[str]:
    result = _run(["-m", "django", "check", "--deploy"], _production(tmp_path, **extra))
    assert result.returncode == 0, result.stderr
    return set(CHECK_ID.findall(result.stdout + result.stderr))


def _readme_deploy_section() -> str:
    text = README.read_text()
    return text[text.index("## Deploy") :].split("\n## ", 1)[0]


def test_production_sends_hsts_for_a_year_with_subdomains_by_default(tmp_path):
    code = """
        from django.conf import settings
        print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
              settings.SECURE_HSTS_PRELOAD, settings.SECURE_SSL_REDIRECT)
    """
    result = _run(["-c", textwrap.dedent(code)], _production(tmp_path))
    assert result.stdout.split() == ["31536000", "True", "False", "False"], result.stderr


def test_hsts_and_the_https_redirect_come_from_the_environment(tmp_path):
    code = """
        from django.conf import settings
        print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
              settings.SECURE_HSTS_PRELOAD, settings.SECURE_SSL_REDIRECT)
    """
    env = _production(
        tmp_path,
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="1",
        SECURE_SSL_REDIRECT="1",
    )
    result = _run(["-c", textwrap.dedent(code)], env)
    assert result.stdout.split() == ["600", "False", "True", "True"], result.stderr


def test_deploy_check_leaves_only_the_warnings_the_readme_explains(tmp_path):
    ids = _deploy_check_ids(tmp_path)
    # The HTTPS redirect (usually the reverse proxy's job) and HSTS preloading (a commitment) are opt-in.
    assert {i for i in ids if i.startswith("security.")} == {"security.W008", "security.W021"}
    undocumented = {i for i in ids if i not in _readme_deploy_section()}
    assert not undocumented, f"explain these in README.md, section Deploy: {sorted(undocumented)}"


def test_deploy_check_is_clean_of_security_warnings_once_production_opts_in(tmp_path):
    ids = _deploy_check_ids(
        tmp_path, SECURE_SSL_REDIRECT="1", SECURE_HSTS_PRELOAD="1", CACHE_URL="redis://127.0.0.1:6379/1"
    )
    assert not {i for i in ids if i.startswith("security.")}
