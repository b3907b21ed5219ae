"""The HTTP side: three contract URLs signed with `PassCulture-Signature`, plus a test-only control API.

`ReferenceTicketingServer(secret).start()` listens on 127.0.0.1 (a free port by default) in a thread;
`docs/ticketing-provider-contract.md` describes what a vendor implements and what this server answers.
"""

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .state import MAX_QUANTITY, TicketingError, TicketingState

SIGNATURE_HEADER = "PassCulture-Signature"
BOOKING_PATH = "/book"
CANCEL_PATH = "/cancel"
NOTIFICATION_PATH = "/notify"
CONTROL_PREFIX = "/_control/"
MAX_BODY_BYTES = 16 * 1024
MAX_TEXT = 255
MAX_BARCODES = 10
MAX_DELAY_SECONDS = 60.0
# Connections served at once; more are closed at once rather than queued without end.
MAX_CONNECTIONS = 64
# A client that sends its headers and then nothing is dropped after this many seconds.
SOCKET_TIMEOUT_SECONDS = 10

# The booking payload pass Culture sends: field -> (types allowed, required).
STR = (str,)
OPT_STR = (str, type(None))
INT = (int,)
OPT_INT = (int, type(None))
BOOKING_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "booking_confirmation_date": (OPT_STR, False),
    "booking_creation_date": (STR, False),
    "booking_quantity": (INT, True),
    "offer_ean": (OPT_STR, False),
    "offer_id": (INT, True),
    "offer_id_at_provider": (OPT_STR, False),
    "offer_name": (STR, False),
    "offer_price": (INT, False),
    "price_category_id": (OPT_INT, False),
    "price_category_id_at_provider": (OPT_STR, False),
    "price_category_label": (OPT_STR, False),
    "stock_id": (INT, True),
    "stock_id_at_provider": (STR, True),
    "user_birth_date": (STR, True),
    "user_email": (STR, True),
    "user_first_name": (STR, True),
    "user_last_name": (STR, True),
    "user_phone": (OPT_STR, False),
    "venue_address": (OPT_STR, False),
    "venue_department_code": (OPT_STR, False),
    "venue_id": (INT, True),
    "venue_name": (STR, False),
}
NOTIFICATION_ACTIONS = {"BOOK", "CANCEL"}


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of the body with the provider's secret, as pass Culture computes it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _invalid(message: str, field: str | None = None) -> TicketingError:
    extra = {"field": field} if field else {}
    return TicketingError(400, "invalid_payload", message, **extra)


def _object(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise _invalid("the body must be a JSON object")
    return payload


def validate_booking(payload: Any) -> dict:
    payload = _object(payload)
    for name, (types, required) in BOOKING_FIELDS.items():
        if name not in payload:
            if required:
                raise _invalid(f"{name} is required", name)
            continue
        value = payload[name]
        # bool is an int for Python, not for JSON.
        if isinstance(value, bool) or not isinstance(value, types):
            raise _invalid(f"{name} has the wrong type", name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise _invalid(f"{name} is too long (at most {MAX_TEXT} characters)", name)
    if not 1 <= payload["booking_quantity"] <= MAX_QUANTITY:
        raise _invalid(f"booking_quantity must be between 1 and {MAX_QUANTITY}", "booking_quantity")
    if not payload["stock_id_at_provider"].strip():
        raise _invalid("stock_id_at_provider is empty", "stock_id_at_provider")
    try:
        dt.date.fromisoformat(payload["user_birth_date"])
    except ValueError:
        raise _invalid("user_birth_date must be YYYY-MM-DD", "user_birth_date") from None
    return payload


def validate_cancellation(payload: Any) -> list[str]:
    barcodes = _object(payload).get("barcodes")
    if not isinstance(barcodes, list) or not 1 <= len(barcodes) <= MAX_BARCODES:
        raise _invalid(f"barcodes must be a list of 1 to {MAX_BARCODES} barcodes", "barcodes")
    if not all(isinstance(code, str) and 0 < len(code) <= 100 for code in barcodes):
        raise _invalid("each barcode is a non-empty string of at most 100 characters", "barcodes")
    return list(dict.fromkeys(barcodes))


def validate_notification(payload: Any) -> dict:
    payload = _object(payload)
    if payload.get("action") not in NOTIFICATION_ACTIONS:
        raise _invalid("action must be BOOK or CANCEL", "action")
    return payload


class _Handler(BaseHTTPRequestHandler):
    server: "_HTTPServer"
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT_SECONDS
    server_version = "ReferenceTicketing/1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def _answer(self, status: int, body: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            raise TicketingError(411, "length_required", "Content-Length is required")
        if not length.isdigit():
            raise TicketingError(400, "invalid_payload", "bad Content-Length")
        if int(length) > MAX_BODY_BYTES:
            raise TicketingError(413, "payload_too_large", f"the body is limited to {MAX_BODY_BYTES} bytes")
        return self.rfile.read(int(length))

    def _signed_json(self, body: bytes) -> Any:
        """The body's JSON if the signature matches, else a 401."""
        secret = self.server.ticketing_secret
        given = self.headers.get(SIGNATURE_HEADER, "")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            payload = None
            parsed = False
        else:
            parsed = True
        signed = [body]
        # pass Culture's own client posts the payload as a JSON *string* and signs the string inside.
        if parsed and isinstance(payload, str):
            signed.append(payload.encode())
        if not given or not any(hmac.compare_digest(sign(secret, data), given) for data in signed):
            raise TicketingError(401, "invalid_signature", "Invalid signature")
        if not parsed:
            raise _invalid("the body is not JSON")
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except (ValueError, RecursionError):
                raise _invalid("the body is not JSON") from None
        return payload

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    # Other methods get a 405 (the stdlib would answer 501).
    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        try:
            if path.startswith(CONTROL_PREFIX) and self.server.control_enabled:
                self._answer(200, self._control(method, path.removeprefix(CONTROL_PREFIX)))
                return
            routes = {BOOKING_PATH: self._book, CANCEL_PATH: self._cancel, NOTIFICATION_PATH: self._notify}
            route = routes.get(path)
            if route is None:
                raise TicketingError(404, "not_found", "no such URL")
            if method != "POST":
                raise TicketingError(405, "method_not_allowed", "use POST")
            fault, delay = self.server.state.take_fault()
            if delay:
                time.sleep(delay)
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault == "fail":
                self.close_connection = True
                self._answer(500, {"message": "Internal server error (injected)"})
                return
            status, body = route(self._signed_json(self._read_body()))
            self._answer(status, body)
        except TicketingError as error:
            # The body may be left unread: do not reuse the connection.
            self.close_connection = True
            self._answer(error.status, {"error": error.error, "message": error.message, **error.extra})
        except OSError:
            self.close_connection = True
        except Exception:  # a bug must not take the server down
            self.close_connection = True
            self._answer(500, {"message": "Internal server error"})

    def _book(self, payload: Any) -> tuple[int, dict]:
        booking = validate_booking(payload)
        answer = self.server.state.book(
            booking["stock_id_at_provider"],
            booking["booking_quantity"],
            user_email=booking["user_email"],
            price_category=booking.get("price_category_id_at_provider"),
        )
        return 201, answer

    def _cancel(self, payload: Any) -> tuple[int, dict]:
        return 200, self.server.state.cancel(validate_cancellation(payload))

    def _notify(self, payload: Any) -> tuple[int, None]:
        self.server.state.record_event(validate_notification(payload))
        return 204, None

    def _control(self, method: str, name: str) -> dict:
        state = self.server.state
        if method == "GET" and name == "state":
            return state.snapshot()
        if method != "POST":
            raise TicketingError(405, "method_not_allowed", "use POST")
        try:
            payload = _object(json.loads(self._read_body()))
        except (ValueError, RecursionError):
            raise _invalid("the body is not JSON") from None
        if name == "showtimes":
            showtime = state.add_showtime(
                _text(payload, "stock_id_at_provider"),
                rows=_number(payload, "rows", 10),
                seats_per_row=_number(payload, "seats_per_row", 12),
                capacity=_number(payload, "capacity", None),
            )
            return showtime.describe()
        if name == "capacity":
            capacity = _number(payload, "capacity", None)
            if capacity is None:
                raise _invalid("capacity is required", "capacity")
            showtime = state.set_capacity(_text(payload, "stock_id_at_provider"), capacity)
            return showtime.describe()
        if name == "faults":
            delay = payload.get("delay_seconds", 0)
            if (
                isinstance(delay, bool)
                or not isinstance(delay, int | float)
                or not 0 <= delay <= MAX_DELAY_SECONDS
            ):
                raise _invalid(f"delay_seconds between 0 and {MAX_DELAY_SECONDS}", "delay_seconds")
            faults = state.set_faults(
                delay_seconds=float(delay),
                fail_next=_number(payload, "fail_next", 0),
                drop_next=_number(payload, "drop_next", 0),
            )
            return {
                "delay_seconds": faults.delay_seconds,
                "fail_next": faults.fail_next,
                "drop_next": faults.drop_next,
            }
        raise TicketingError(404, "not_found", "no such control")


def _text(payload: dict, name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT:
        raise _invalid(f"{name} must be a non-empty string", name)
    return value


def _number(payload: dict, name: str, default: int | None) -> Any:
    value = payload.get(name, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
        raise _invalid(f"{name} must be a whole number", name)
    return value


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    max_connections = MAX_CONNECTIONS
    ticketing_secret: str
    state: TicketingState
    control_enabled: bool
    verbose: bool

    def server_activate(self) -> None:
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that went away (dropped or timed out) is not worth a traceback.
        if self.verbose:
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ReferenceTicketingServer:
    """The reference ticketing system on 127.0.0.1; `port=0` picks a free port (tests)."""

    def __init__(
        self,
        secret: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        control: bool = True,
        auto_create_showtimes: bool = False,
        seed: int | None = None,
        verbose: bool = False,
    ) -> None:
        if not secret:
            raise ValueError("a non-empty secret is required")
        self.state = TicketingState(auto_create_showtimes=auto_create_showtimes, seed=seed)
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.ticketing_secret = secret
        self.httpd.state = self.state
        self.httpd.control_enabled = control
        self.httpd.verbose = verbose
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def booking_url(self) -> str:
        return self.base_url + BOOKING_PATH

    @property
    def cancel_url(self) -> str:
        return self.base_url + CANCEL_PATH

    @property
    def notification_url(self) -> str:
        return self.base_url + NOTIFICATION_PATH

    def start(self) -> "ReferenceTicketingServer":
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="reference-ticketing",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "ReferenceTicketingServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
