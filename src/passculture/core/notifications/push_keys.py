"""VAPID keys (RFC 8292): the server's P-256 key pair that signs each push request, and whose public half
the browser is given when it subscribes (`applicationServerKey`).

Formats: base64url without padding, the raw 32-byte private scalar and the 65-byte uncompressed public
point, as the browsers and the web-push libraries exchange them. Sources, in order: the settings
VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY, then the JSON file VAPID_KEY_FILE; with DEBUG on and neither, a
pair is generated into that file (outside git, under var/) so that `make run` works. Otherwise None:
the app then does not offer notifications.
"""

import base64
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VapidKeys:
    public_key: str
    private_key: str


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_key_pair() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(public_key=b64url_encode(public), private_key=b64url_encode(private))


def check_key_pair(keys: VapidKeys) -> VapidKeys:
    """Raises ValueError unless the public key is the private key's: a mismatch would make every push
    refused by the push services (403) with nothing said at startup."""
    try:
        private_value = int.from_bytes(b64url_decode(keys.private_key), "big")
        public = b64url_decode(keys.public_key)
    except ValueError as error:
        raise ValueError("the VAPID keys are not base64url") from error
    if not 0 < private_value < 2**256:
        raise ValueError("VAPID_PRIVATE_KEY is not a P-256 private key")
    derived = (
        ec.derive_private_key(private_value, ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    if derived != public:
        raise ValueError("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY")
    return keys


def write_key_file(path: Path, keys: VapidKeys) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by its owner only: the private key signs our pushes.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"public_key": keys.public_key, "private_key": keys.private_key}, handle)


def _from_file(path: Path) -> VapidKeys | None:
    try:
        data = json.loads(path.read_text())
        return VapidKeys(public_key=data["public_key"], private_key=data["private_key"])
    except FileNotFoundError:
        return None


def vapid_keys() -> VapidKeys | None:
    if settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY:
        return VapidKeys(settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY)
    path = Path(settings.VAPID_KEY_FILE)
    keys = _from_file(path)
    if keys is None and settings.DEBUG:
        try:
            write_key_file(path, generate_key_pair())
            logger.info("development VAPID keys generated in %s", path)
        except FileExistsError:
            pass  # another process wrote it first: read theirs
        keys = _from_file(path)
    return keys


def public_key() -> str:
    """What the page gives `pushManager.subscribe`; "" when notifications are not configured."""
    keys = vapid_keys()
    return keys.public_key if keys else ""
