"""Log lines: JSON (one object per line, for production) or readable text (development), both carrying
the current request id and both scrubbed of personal data (decision 0036). Selected by LOG_FORMAT."""

import datetime as dt
import hashlib
import hmac
import json
import logging

from django.conf import settings

from . import request_id
from .scrubbing import scrub_text

# The attributes every LogRecord has: anything else was passed with `extra=` and goes into the JSON.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}
_SCALARS = (str, int, float, bool, type(None))
# Fields the request log builds itself from bounded values (a route pattern, an HMAC): not scrubbed, the
# pseudonym's hex could look like an IBAN to the scrubber.
_BUILT_FIELDS = frozenset({"route", "method", "status", "duration_ms", "user"})


def pseudonym(user_id) -> str:
    """A stable pseudonymous id of a user for logs: an HMAC of the id, truncated. Without the key
    (LOG_PSEUDONYM_KEY, else derived from SECRET_KEY) it cannot be linked back to the account."""
    key = (getattr(settings, "LOG_PSEUDONYM_KEY", "") or f"log-pseudonym:{settings.SECRET_KEY}").encode()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request, task or job being served ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.current() or "-"
        return True


class PathArgumentsFilter(logging.Filter):
    """For Django's own request loggers ("Not Found: <path>"): a path can hold a countermark in lower
    case, which the general scrubbing leaves (it would take every 6-letter word): scrubbed loosely here."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django attaches the request object, whose repr holds the path: no handler of ours needs it.
        record.__dict__.pop("request", None)
        if isinstance(record.args, tuple):
            record.args = tuple(
                scrub_text(arg, loose=True) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class TextFormatter(logging.Formatter):
    """The development format, scrubbed like the JSON one (the message and the traceback, not the id)."""

    def __init__(self, fmt: str | None = None, **kwargs) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.current() or "-"
        record.message = scrub_text(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info:
            text += "\n" + scrub_text(self.formatException(record.exc_info))
        elif record.exc_text:
            text += "\n" + scrub_text(record.exc_text)
        if record.stack_info:
            text += "\n" + scrub_text(self.formatStack(record.stack_info))
        return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "") or request_id.current() or None,
            "message": scrub_text(record.getMessage()),
        }
        # Fields passed with `extra=`: scalars only (django.request's `request` object would print its path).
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, _SCALARS):
                entry[key] = (
                    scrub_text(value) if isinstance(value, str) and key not in _BUILT_FIELDS else value
                )
        if record.exc_info:
            entry["exception"] = scrub_text(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = scrub_text(record.exc_text)
        if record.stack_info:
            entry["stack"] = scrub_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
