"""Personal data and secrets out of text that leaves the process (log lines, error reports): emails,
IBANs, countermarks, tokens and API keys are replaced by a placeholder. A second line of defence: the
code already avoids logging them (decision 0036)."""

import re
from typing import Any

# Every repetition is bounded (RFC 5321 sizes for emails): an unbounded one tried from each position of
# a long run of letters (a 100 kB path in a "Not Found" line) takes quadratic time.
EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
# Two letters, two check digits, then 11 to 30 letters/digits, spaces allowed every so often.
IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b")
# A countermark: 6 of A-Z without I and O, and 2-7 (RULES.md). Upper case only in free text (every
# all-caps 6-letter word without I or O would otherwise go too); `loose=True` (URLs) matches any case.
COUNTERMARK = re.compile(r"(?<![A-Za-z0-9_])[A-HJ-NP-Z2-7]{6}(?![A-Za-z0-9_])")
COUNTERMARK_ANY_CASE = re.compile(r"(?<![A-Za-z0-9_])[A-HJ-NP-Za-hj-np-z2-7]{6}(?![A-Za-z0-9_])")
JWT = re.compile(r"eyJ[A-Za-z0-9_\-]{1,4096}\.[A-Za-z0-9_\-]{1,4096}\.[A-Za-z0-9_\-]{0,1024}")
# API keys (`<env>_<12 hex>_<64 hex>`), session ids, signed links: long runs mixing letters and digits.
LONG_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_\-])(?=[A-Za-z0-9_\-]{0,255}\d)(?=[A-Za-z0-9_\-]{0,255}[A-Za-z])[A-Za-z0-9_\-]{24,}"
)
# Text beyond this is cut before scrubbing (and said so): no log line or report needs more.
MAX_SCRUBBED_CHARS = 8192

SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "cookies",
        "set-cookie",
        "x-api-key",
        "password",
        "token",
        "email",
        "iban",
        "sessionid",
        "csrftoken",
    }
)
FILTERED = "[Filtered]"


def scrub_text(text: str, *, loose: bool = False) -> str:
    cut = ""
    if len(text) > MAX_SCRUBBED_CHARS:
        text, cut = text[:MAX_SCRUBBED_CHARS], f"… ({len(text) - MAX_SCRUBBED_CHARS} caractères coupés)"
    text = EMAIL.sub("[email]", text)
    text = JWT.sub("[token]", text)
    text = IBAN.sub("[iban]", text)
    text = LONG_TOKEN.sub("[token]", text)
    return (COUNTERMARK_ANY_CASE if loose else COUNTERMARK).sub("[countermark]", text) + cut


def _is_sensitive_key(key: Any) -> bool:
    return isinstance(key, str) and key.lower().replace("_", "-") in SENSITIVE_KEYS


def scrub_value(value: Any, *, loose: bool = False, depth: int = 0) -> Any:
    """Scrubs every string of a JSON-like structure; values under a sensitive key are dropped whole."""
    if depth > 20:
        return FILTERED
    if isinstance(value, str):
        return scrub_text(value, loose=loose)
    if isinstance(value, dict):
        return {
            key: FILTERED if _is_sensitive_key(key) else scrub_value(item, loose=loose, depth=depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_value(item, loose=loose, depth=depth + 1) for item in value]
    return value
