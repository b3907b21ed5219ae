"""Operations settings from the environment: JSON logs in production, text in development, Sentry only
with a DSN (decision 0036)."""

import json

from tests.test_settings import _run

LOG_A_LINE = """
    import django, logging
    django.setup()
    logging.getLogger("passculture.test").warning("hello %s", "lea.martin@example.com")
"""
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}


def test_production_logs_one_scrubbed_json_object_per_line(tmp_path):
    result = _run(LOG_A_LINE, {**PRODUCTION, "PASSCULTURE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "passculture.test",
        "hello [email]",
    )


def test_development_logs_readable_text(tmp_path):
    text = _run(LOG_A_LINE, {"PASSCULTURE_VAR_DIR": str(tmp_path)})
    assert text.returncode == 0, text.stderr
    assert "WARNING passculture.test [-] hello [email]" in text.stderr


def test_development_logs_json_when_asked(tmp_path):
    as_json = _run(LOG_A_LINE, {"PASSCULTURE_VAR_DIR": str(tmp_path), "LOG_FORMAT": "json"})
    assert json.loads(as_json.stderr.strip().splitlines()[-1])["message"] == "hello [email]"


def test_an_unknown_log_format_is_refused(tmp_path):
    result = _run(
        "import django; django.setup()", {"PASSCULTURE_VAR_DIR": str(tmp_path), "LOG_FORMAT": "xml"}
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


SENTRY_CLIENT = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().dsn)"


def test_sentry_is_off_without_a_dsn(tmp_path):
    assert _run(SENTRY_CLIENT, {"PASSCULTURE_VAR_DIR": str(tmp_path)}).stdout.strip() == "None"


def test_sentry_starts_with_a_dsn(tmp_path):
    env = {"PASSCULTURE_VAR_DIR": str(tmp_path), "SENTRY_DSN": "http://key@127.0.0.1:9/1"}
    assert _run(SENTRY_CLIENT, env).stdout.strip() == "http://key@127.0.0.1:9/1"
