"""Settings come from the environment; production refuses to start half-configured; SQLite writers queue."""

import os
import subprocess
import sys
import textwrap

import pytest

PY = sys.executable


def _run(code: str, env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [PY, "-c", textwrap.dedent(code)],
        env={**base, "DJANGO_SETTINGS_MODULE": "passculture.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run(
        "import django; django.setup()",
        {"DEBUG": "0", "ALLOWED_HOSTS": "example.org", "PASSCULTURE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = _run(
        "import django; django.setup()",
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "PASSCULTURE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(code, {"PASSCULTURE_VAR_DIR": str(tmp_path)})
    second = _run(code, {"PASSCULTURE_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_are_sqlite_under_var_french_and_paris_time(tmp_path):
    code = """
        from django.conf import settings
        db = settings.DATABASES["default"]
        print(db["ENGINE"], db["NAME"], settings.LANGUAGE_CODE, settings.TIME_ZONE,
              settings.CELERY_TASK_ALWAYS_EAGER, settings.EMAIL_BACKEND)
    """
    result = _run(code, {"PASSCULTURE_VAR_DIR": str(tmp_path)})
    engine, name, lang, tz, eager, email = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "passculture.sqlite3")
    assert (lang, tz, eager) == ("fr", "Europe/Paris", "True")
    assert email.endswith("FileAndConsoleBackend")


def test_database_url_and_broker_come_from_the_environment(tmp_path):
    code = """
        from django.conf import settings
        db = settings.DATABASES["default"]
        print(db["ENGINE"], db["NAME"], db["HOST"], settings.CELERY_TASK_ALWAYS_EAGER)
    """
    result = _run(
        code,
        {
            "PASSCULTURE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db.example:5432/pcdb",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "pcdb", "db.example", "False"]


def test_persistent_postgresql_connections_are_checked_before_reuse(tmp_path):
    # A connection dropped by the server (restart, failover) is replaced before a request uses it
    # (the request itself is proven on a real server in tests/test_database_connections.py).
    code = """
        from django.conf import settings
        db = settings.DATABASES["default"]
        print(db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"])
    """
    env = {"PASSCULTURE_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u:p@db.example:5432/pcdb"}
    result = _run(code, env)
    assert result.stdout.split() == ["60", "True"], result.stderr


def test_passwords_are_hashed_with_argon2():
    from django.conf import settings

    # The test suite swaps in a fast hasher per test; the real setting is read from the module.
    import passculture.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTH_USER_MODEL == "users.User"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's own settings, in subprocesses: the SQLite suite runs it",
)
def test_sqlite_concurrent_writers_wait_instead_of_failing(tmp_path):
    """WAL + IMMEDIATE transactions: three processes writing at once all succeed."""
    env = {"PASSCULTURE_VAR_DIR": str(tmp_path)}
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    migrate = subprocess.run(
        [PY, "-m", "passculture", "migrate", "-v", "0"],
        env={**base, **env, "DJANGO_SETTINGS_MODULE": "passculture.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    writer = """
        import time, django
        django.setup()
        from django.db import transaction
        from passculture.core.common.audit import log_action
        for i in range(30):
            with transaction.atomic():
                log_action("test.write", data={"i": i})
                time.sleep(0.002)  # hold the write lock so the writers really overlap
        print("ok")
    """
    procs = [
        subprocess.Popen(
            [PY, "-c", textwrap.dedent(writer)],
            env={**base, **env, "DJANGO_SETTINGS_MODULE": "passculture.settings"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    count = _run(
        """
        import django; django.setup()
        from passculture.core.common.models import AuditLog
        print(AuditLog.objects.filter(action="test.write").count())
        from django.db import connection
        with connection.cursor() as c:
            c.execute("PRAGMA journal_mode")
            print(c.fetchone()[0])
    """,
        env,
    )
    assert count.stdout.split() == ["90", "wal"]


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
PROXY_HEADER = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"


def test_production_does_not_trust_x_forwarded_proto_by_default(tmp_path):
    result = _run(PROXY_HEADER, {**PRODUCTION, "PASSCULTURE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_x_forwarded_proto_is_trusted_when_the_operator_says_the_proxy_sets_it(tmp_path):
    env = {**PRODUCTION, "TRUST_X_FORWARDED_PROTO": "1", "PASSCULTURE_VAR_DIR": str(tmp_path)}
    result = _run(PROXY_HEADER, env)
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


STORE = """
    import django; django.setup()
    from passculture.core.common import counters
    print(type(counters.get_store()).__name__)
"""


def test_rate_limits_are_counted_in_the_database_without_cache_url_and_in_redis_with_it(tmp_path):
    base = {**PRODUCTION, "PASSCULTURE_VAR_DIR": str(tmp_path)}
    assert _run(STORE, {**base, "CACHE_URL": ""}).stdout.strip() == "DatabaseCounterStore"
    assert (
        _run(STORE, {**base, "CACHE_URL": "redis://127.0.0.1:6379/1"}).stdout.strip() == "RedisCounterStore"
    )


def test_production_without_a_shared_cache_no_longer_warns_rate_limits_are_shared_anyway(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        [PY, "-m", "passculture", "check"],
        env={**base, **PRODUCTION, "PASSCULTURE_VAR_DIR": str(tmp_path), "CACHE_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "passculture.W001" not in result.stderr + result.stdout


def test_secret_key_fallbacks_keep_what_the_previous_key_signed_valid(tmp_path):
    result = _run(
        """
        import django; django.setup()
        from django.core import signing
        old = signing.dumps("session", key="the-previous-key-0123456789-abcdefghijklmnopqrstuvwxyz")
        print(signing.loads(old))
        """,
        {
            "SECRET_KEY": "the-new-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
            "SECRET_KEY_FALLBACKS": "the-previous-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "PASSCULTURE_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "session"


def test_without_fallbacks_what_another_key_signed_is_refused(tmp_path):
    result = _run(
        """
        import django; django.setup()
        from django.core import signing
        old = signing.dumps("session", key="the-previous-key-0123456789-abcdefghijklmnopqrstuvwxyz")
        try:
            signing.loads(old)
        except signing.BadSignature:
            print("refused")
        """,
        {
            "SECRET_KEY": "the-new-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
            "PASSCULTURE_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused"
