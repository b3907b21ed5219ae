import json
import logging
import sys

from passculture.core.common import request_id
from passculture.core.common.logs import JsonFormatter, PathArgumentsFilter, RequestIdFilter, TextFormatter


def record(message="%s", *args, exc_info=None, **extra) -> logging.LogRecord:
    made = logging.LogRecord("passculture.test", logging.WARNING, __file__, 1, message, args, exc_info)
    made.__dict__.update(extra)
    RequestIdFilter().filter(made)
    return made


def test_a_json_line_carries_the_request_id_the_extras_and_a_scrubbed_message():
    with request_id.bound("req-json-0000001"):
        line = json.loads(JsonFormatter().format(record("email sent to %s", "a.b@example.com", route="/x/")))
    assert line["request_id"] == "req-json-0000001"
    assert line["level"] == "WARNING" and line["logger"] == "passculture.test"
    assert line["message"] == "email sent to [email]"
    assert line["route"] == "/x/"


def test_a_traceback_is_scrubbed_too():
    try:
        raise ValueError("refused for someone@example.com")
    except ValueError:
        info = sys.exc_info()
    for formatter in (JsonFormatter(), TextFormatter()):
        text = formatter.format(record("failed", exc_info=info))
        assert "someone@example.com" not in text and "ValueError" in text


def test_the_text_format_shows_the_request_id_unscrubbed():
    with request_id.bound("0123456789abcdef0123456789abcdef"):
        text = TextFormatter().format(record("hello"))
    assert "[0123456789abcdef0123456789abcdef] hello" in text


def test_object_extras_are_left_out_of_the_json():
    line = json.loads(JsonFormatter().format(record("x", request=object())))
    assert "request" not in line


def test_django_request_paths_lose_their_countermark_whatever_the_case():
    made = logging.LogRecord(
        "django.request", logging.WARNING, "", 1, "Not Found: %s", ("/token/xk4f2m",), None
    )
    made.request = object()
    PathArgumentsFilter().filter(made)
    assert "xk4f2m" not in made.getMessage()
    assert not hasattr(made, "request")
