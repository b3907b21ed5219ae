"""Clear keys `<env>_<prefix>_<secret>` shared by the API v2 keys of offerers and the keys of ticketing
providers: the environment token, the split of a clear key and the hash of its secret.

`prefix` is 12 hex characters that find the row, `secret` 64 hex characters (256 random bits) of which
only sha256 is stored: a secret that random needs no slow password hash.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings

PREFIX_HEX_LENGTH = 12
SECRET_HEX_LENGTH = 64

# settings.ENVIRONMENT -> the short word that starts a key. Other names are kept, lower-cased, letters
# and digits only ("_" separates the parts of a key).
ENVIRONMENT_TOKENS = {
    "production": "prod",
    "staging": "staging",
    "integration": "integ",
    "testing": "test",
    "test": "test",
    "development": "dev",
}
KEY_RE = re.compile(
    rf"^(?P<env>[a-z0-9]{{1,16}})_(?P<prefix>[0-9a-f]{{{PREFIX_HEX_LENGTH}}})_"
    rf"(?P<secret>[0-9a-f]{{{SECRET_HEX_LENGTH}}})$"
)


def environment_token(environment: str | None = None) -> str:
    name = (environment if environment is not None else settings.ENVIRONMENT or "").strip().lower()
    if name in ENVIRONMENT_TOKENS:
        return ENVIRONMENT_TOKENS[name]
    return re.sub(r"[^a-z0-9]", "", name)[:16] or "env"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ParsedKey:
    env: str
    prefix: str
    secret: str


def split_key(raw: str) -> ParsedKey | None:
    """The parts of a clear key, or None when it is not one. Hex is matched case-insensitively (a key
    retyped by hand in capitals is the same key)."""
    match = KEY_RE.match((raw or "").strip().lower())
    if match is None:
        return None
    return ParsedKey(match["env"], match["prefix"], match["secret"])


def new_prefix_and_secret() -> tuple[str, str]:
    return secrets.token_hex(PREFIX_HEX_LENGTH // 2), secrets.token_hex(SECRET_HEX_LENGTH // 2)


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Constant-time; the hash is computed even without a stored one (unknown prefix), so the answer
    takes as long either way."""
    expected = stored_hash if stored_hash is not None else "0" * SECRET_HEX_LENGTH
    return hmac.compare_digest(hash_secret(secret), expected) and stored_hash is not None
