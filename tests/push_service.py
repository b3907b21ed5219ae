"""A local push service speaking the real Web Push protocol, for tests (no mock of the sending library).

What a browser vendor's push service does with a message, on 127.0.0.1:
- accepts `POST /push/<name>` only for a subscription it created (`subscribe`), else 404;
- requires `TTL` (RFC 8030) and `Content-Encoding: aes128gcm` (RFC 8188);
- checks VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<public key>`, where k is the application
  server key the subscription was made with, the JWT is ES256 and its signature verifies with k, `aud`
  is this service's origin, `exp` is in the future and at most 24 h away, `sub` is a mailto: or https:
  URL. A failed check answers 403 and is recorded in `rejections`;
- decrypts the body as the browser would (RFC 8291): ECDH of the browser's private key with the
  sender's key from the record header, HKDF with the auth secret, AES-128-GCM, padding removed; the
  JSON is recorded in `messages`;
- can be told to answer a status (404, 410, 500...) for the next requests to one subscription.

The decryption is written here with `cryptography` primitives, independently of http_ece and pywebpush.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    # One block is enough for every length used here (<= 32 bytes).
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def _public_bytes(key) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class ProtocolError(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def decrypt_aes128gcm(body: bytes, receiver_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """RFC 8291 section 3.4 and RFC 8188 section 2: the plaintext of a Web Push message."""
    if len(body) < 21:
        raise ProtocolError(400, "body shorter than the aes128gcm header")
    salt, (record_size,), id_length = body[:16], struct.unpack("!I", body[16:20]), body[20]
    sender_public = body[21 : 21 + id_length]
    ciphertext = body[21 + id_length :]
    if id_length != 65 or record_size < 18:
        raise ProtocolError(400, "bad aes128gcm header (keyid must be the sender's 65-byte public key)")
    sender_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
    ecdh_secret = receiver_key.exchange(ec.ECDH(), sender_key)
    key_info = b"WebPush: info\x00" + _public_bytes(receiver_key.public_key()) + sender_public
    ikm = _hkdf_expand(_hkdf_extract(auth_secret, ecdh_secret), key_info, 32)
    prk = _hkdf_extract(salt, ikm)
    cek = _hkdf_expand(prk, b"Content-Encoding: aes128gcm\x00", 16)
    base_nonce = _hkdf_expand(prk, b"Content-Encoding: nonce\x00", 12)
    plaintext = b""
    records = [ciphertext[i : i + record_size] for i in range(0, len(ciphertext), record_size)]
    for sequence, record in enumerate(records):
        nonce = (int.from_bytes(base_nonce, "big") ^ sequence).to_bytes(12, "big")
        padded = AESGCM(cek).decrypt(nonce, record, None)
        stripped = padded.rstrip(b"\x00")
        last = sequence == len(records) - 1
        if not stripped or stripped[-1:] != (b"\x02" if last else b"\x01"):
            raise ProtocolError(400, "bad padding delimiter")
        plaintext += stripped[:-1]
    return plaintext


def verify_vapid(header: str, *, expected_key: str, audience: str) -> dict:
    """RFC 8292: the JWT's claims when the header is valid for this service, else ProtocolError."""
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise ProtocolError(401, "Authorization is not the vapid scheme")
    values = {}
    for part in params.split(","):
        name, _, value = part.strip().partition("=")
        values[name] = value
    token, key = values.get("t", ""), values.get("k", "")
    if key != expected_key.rstrip("="):
        raise ProtocolError(403, "k is not the application server key of this subscription")
    try:
        signing_input, _, signature = token.rpartition(".")
        header_part, _, claims_part = signing_input.partition(".")
        jwt_header = json.loads(unb64url(header_part))
        claims = json.loads(unb64url(claims_part))
        raw = unb64url(signature)
    except ValueError as error:
        raise ProtocolError(401, f"malformed JWT: {error}") from error
    if jwt_header.get("alg") != "ES256" or len(raw) != 64:
        raise ProtocolError(401, "the JWT is not ES256")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise ProtocolError(403, "the JWT signature does not verify with k") from error
    now = time.time()
    if claims.get("aud") != audience:
        raise ProtocolError(403, f"aud {claims.get('aud')!r} is not {audience!r}")
    if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
        raise ProtocolError(403, "exp is not in the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ProtocolError(403, "sub is not a mailto: or https: URL")
    return claims


@dataclass
class Subscriber:
    """The browser's side of one subscription: its private key and auth secret."""

    name: str
    endpoint: str
    application_server_key: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    answers: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        """What `PushSubscription.toJSON()` gives the page."""
        return {
            "endpoint": self.endpoint,
            "keys": {
                "p256dh": b64url(_public_bytes(self.private_key.public_key())),
                "auth": b64url(self.auth_secret),
            },
        }


@dataclass
class Received:
    name: str
    data: dict
    ttl: int
    urgency: str
    claims: dict


class LocalPushService:
    def __init__(self):
        self.subscribers: dict[str, Subscriber] = {}
        self.messages: list[Received] = []
        self.rejections: list[tuple[str, int, str]] = []
        self.requests: list[tuple[str, int]] = []  # every POST: (name, status answered)
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                name = self.path.removeprefix("/push/")
                status = service._handle(name, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, name: str, application_server_key: str) -> Subscriber:
        """What the browser does on `pushManager.subscribe`: a key pair and an auth secret of its own."""
        subscriber = Subscriber(
            name=name,
            endpoint=f"{self.origin}/push/{name}",
            application_server_key=application_server_key,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.subscribers[name] = subscriber
        return subscriber

    def answer(self, name: str, *statuses: int) -> None:
        """The next requests to this subscription get these statuses, in order, before it works again."""
        self.subscribers[name].answers.extend(statuses)

    def messages_for(self, name: str) -> list[dict]:
        return [message.data for message in self.messages if message.name == name]

    def _handle(self, name: str, headers: dict, body: bytes) -> int:
        with self._lock:
            status = self._process(name, {k.lower(): v for k, v in headers.items()}, body)
            self.requests.append((name, status))
            return status

    def _process(self, name: str, headers: dict, body: bytes) -> int:
        subscriber = self.subscribers.get(name)
        if subscriber is None:
            return 404
        if subscriber.answers:
            return subscriber.answers.pop(0)
        try:
            if headers.get("content-encoding") != "aes128gcm":
                raise ProtocolError(400, "Content-Encoding is not aes128gcm")
            if not headers.get("ttl", "").isdigit():
                raise ProtocolError(400, "TTL header missing")
            claims = verify_vapid(
                headers.get("authorization", ""),
                expected_key=subscriber.application_server_key,
                audience=self.origin,
            )
            data = json.loads(decrypt_aes128gcm(body, subscriber.private_key, subscriber.auth_secret))
        except ProtocolError as error:
            self.rejections.append((name, error.status, error.reason))
            return error.status
        except Exception as error:  # a decryption failure (InvalidTag) or bad JSON
            self.rejections.append((name, 400, f"{type(error).__name__}: {error}"))
            return 400
        self.messages.append(Received(name, data, int(headers["ttl"]), headers.get("urgency", ""), claims))
        return 201


def use_web_push(settings):
    """Settings for a test that sends pushes to a LocalPushService: fresh VAPID keys, loopback allowed,
    no broker (delivery in-process after commit). Returns the keys."""
    from passculture.core.notifications.push_keys import generate_key_pair

    keys = generate_key_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    settings.VAPID_SUBJECT = "mailto:support@passculture.local"
    settings.WEB_PUSH_ALLOW_LOOPBACK = True
    settings.CELERY_BROKER_URL = ""
    return keys
