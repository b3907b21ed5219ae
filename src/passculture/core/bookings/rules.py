"""Pure booking rules: tokens, QR payload, cancellation limit. No database access here."""

import datetime as dt
import secrets

from .constants import CANCELLATION_DELAY, QR_PAYLOAD_PREFIX, TOKEN_ALPHABET, TOKEN_LENGTH, BookingStatus
from .exceptions import InvalidCountermark

_TOKEN_CHARS = frozenset(TOKEN_ALPHABET)


def generate_token() -> str:
    """6 characters from a cryptographic source; uniqueness is enforced by the database."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalize_token(raw: str) -> str:
    """Countermarks are matched case-insensitively; a scanned QR payload is accepted too."""
    value = (raw or "").strip()
    if value.upper().startswith(QR_PAYLOAD_PREFIX.upper()):
        value = value[len(QR_PAYLOAD_PREFIX) :]
    value = value.strip().upper()
    if len(value) != TOKEN_LENGTH or not set(value) <= _TOKEN_CHARS:
        raise InvalidCountermark()
    return value


def qr_payload(token: str) -> str:
    return f"{QR_PAYLOAD_PREFIX}{token}"


def cancellation_limit(booked_at: dt.datetime, event_start: dt.datetime | None) -> dt.datetime | None:
    """max(min(start - 48 h, booked_at + 48 h), booked_at); None (no limit) for things."""
    if event_start is None:
        return None
    return max(min(event_start - CANCELLATION_DELAY, booked_at + CANCELLATION_DELAY), booked_at)


# Without a known duration, a showtime is considered over this long after it starts.
DEFAULT_EVENT_DURATION = dt.timedelta(hours=3)


def event_end(event_start: dt.datetime, duration_minutes: int | None) -> dt.datetime:
    return event_start + (
        dt.timedelta(minutes=duration_minutes) if duration_minutes else DEFAULT_EVENT_DURATION
    )


def is_qr_code_visible(
    *, is_confirmed: bool, event_start: dt.datetime | None, duration_minutes: int | None, at: dt.datetime
) -> bool:
    """The QR code is shown while the booking is confirmed and the event is not over."""
    if not is_confirmed:
        return False
    return event_start is None or at < event_end(event_start, duration_minutes)


def offerer_may_cancel(status: str) -> bool:
    """RULES.md "Cancellation": the pro may cancel any booking not yet used (nor cancelled). Shown as an
    action in the pro's list; cancel_booking_by_offerer checks it again on the locked row."""
    return status == BookingStatus.CONFIRMED
