"""Pure booking rules: tokens, QR payload, cancellation limit. No database access here."""

import datetime as dt
import secrets
from dataclasses import dataclass

from passculture.core.common.time import format_local, shift

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
    return max(min(shift(event_start, -CANCELLATION_DELAY), shift(booked_at, CANCELLATION_DELAY)), booked_at)


# A move of less than this is no move: nothing changes, nobody is told.
MOVE_THRESHOLD = dt.timedelta(minutes=1)


def is_real_move(old_start: dt.datetime | None, new_start: dt.datetime | None) -> bool:
    """RULES.md "Showtime moved by the cinema" (rule B-MOVE): a start that changes by a minute or more."""
    if old_start is None or new_start is None:
        return old_start != new_start
    return abs(new_start - old_start) >= MOVE_THRESHOLD


def moved_showtime_cancellation_limit(
    *,
    booked_at: dt.datetime,
    new_start: dt.datetime,
    notice_at: dt.datetime,
    previous_limit: dt.datetime | None = None,
) -> dt.datetime:
    """Rule B-MOVE (RULES.md "Showtime moved by the cinema", decision 0030).

    When the cinema moves a booked showtime, the beneficiary is told (`notice_at`) and may cancel for
    free until 48 h after the notice, never after the new start:

        limit = max(normal limit for the new start, min(notice_at + 48 h, new_start))

    It never shortens a right the person had: a previous limit still ahead is kept, only capped at the
    new start (nobody cancels a show that has begun)."""
    normal = cancellation_limit(booked_at, new_start) or booked_at  # an event: never None
    limit = max(normal, min(shift(notice_at, CANCELLATION_DELAY), new_start))
    if previous_limit is not None:
        limit = max(limit, min(previous_limit, new_start))
    return limit


# The last hours before a show: whoever shows the countermark at the counter has chosen to come.
COUNTER_DAY_OF_SHOW = dt.timedelta(hours=2)


def counter_validatable_from(
    limit: dt.datetime | None, event_start: dt.datetime | None
) -> dt.datetime | None:
    """When the counter may validate an event booking: once the beneficiary can no longer cancel, or in
    the last 2 h before the show. The normal limit is always earlier than that (at least 48 h before the
    show, or the booking time), so only a moved showtime's limit (rule B-MOVE, up to the new start) is
    cut: the person at the counter before the show is not sent away. None: no wait (things)."""
    if limit is None or event_start is None:
        return None
    return min(limit, shift(event_start, -COUNTER_DAY_OF_SHOW))


def is_final_at_once(booked_at: dt.datetime, event_start: dt.datetime | None) -> bool:
    """Booked 48 h or less before the show: the limit is the booking time itself, so the booking can never
    be cancelled by the beneficiary (RULES.md "Cancellation limit"). The booking page warns before
    confirming and the ticket says so, from this one test."""
    limit = cancellation_limit(booked_at, event_start)
    return limit is not None and limit <= booked_at


# Without a known duration, a showtime is considered over this long after it starts.
DEFAULT_EVENT_DURATION = dt.timedelta(hours=3)


def event_end(event_start: dt.datetime, duration_minutes: int | None) -> dt.datetime:
    return shift(
        event_start, dt.timedelta(minutes=duration_minutes) if duration_minutes else DEFAULT_EVENT_DURATION
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


# --- What the beneficiary is told about cancelling ------------------------------------------------


class CancellationRefusal:
    """Why the beneficiary can no longer cancel (stable codes, shown in the app and the native API)."""

    CANCELLED = "BOOKING_CANCELLED"
    USED = "BOOKING_ALREADY_USED"
    EVENT_STARTED = "EVENT_STARTED"
    # Booked less than 48 h before the show: final from the moment it was made.
    FINAL_AT_BOOKING = "FINAL_AT_BOOKING"
    # Booked 48 h to 96 h before: final 48 h before the show.
    SHOW_WITHIN_48H = "SHOW_WITHIN_48H"
    # Booked well ahead: the 48 h to change one's mind are over.
    WINDOW_OVER = "CANCELLATION_WINDOW_OVER"


@dataclass(frozen=True)
class BeneficiaryCancellation:
    is_allowed: bool
    # Cancellable until then (inclusive); None: no limit while unused (things).
    limit: dt.datetime | None
    refusal: str = ""

    def message(self, tz_name: str) -> str:
        """The French sentence for the beneficiary, times in the venue's timezone."""
        if self.is_allowed:
            if self.limit is None:
                return "Annulable tant qu'elle n'a pas été utilisée."
            return f"Annulable jusqu'au {format_local(self.limit, tz_name)}."
        when = format_local(self.limit, tz_name) if self.limit is not None else ""
        return {
            CancellationRefusal.CANCELLED: "Cette réservation est annulée.",
            CancellationRefusal.USED: "Cette réservation a été utilisée : elle ne peut plus être annulée.",
            CancellationRefusal.EVENT_STARTED: "La séance a commencé : la réservation ne peut plus être annulée.",
            CancellationRefusal.FINAL_AT_BOOKING: "Réservée moins de 48 h avant la séance : "
            f"la réservation est définitive depuis le {when}.",
            CancellationRefusal.SHOW_WITHIN_48H: "La séance commence dans moins de 48 h : "
            f"la réservation est définitive depuis le {when}.",
            CancellationRefusal.WINDOW_OVER: "Les 48 h pour changer d'avis sont passées : "
            f"la réservation est définitive depuis le {when}.",
        }[self.refusal]


def beneficiary_cancellation(
    *,
    status: str,
    booked_at: dt.datetime,
    limit: dt.datetime | None,
    event_start: dt.datetime | None,
    at: dt.datetime,
) -> BeneficiaryCancellation:
    """Whether the beneficiary may cancel at `at`, and why not: the same test as
    services.cancel_booking_by_beneficiary (confirmed, and `at` not after the limit)."""
    if status == BookingStatus.CANCELLED:
        return BeneficiaryCancellation(False, limit, CancellationRefusal.CANCELLED)
    if status != BookingStatus.CONFIRMED:
        return BeneficiaryCancellation(False, limit, CancellationRefusal.USED)
    # Final at once (limit at the booking time): never cancellable, not even at that very instant.
    if limit is None or (booked_at < limit and at <= limit):
        return BeneficiaryCancellation(True, limit)
    if event_start is not None and event_start <= at:
        refusal = CancellationRefusal.EVENT_STARTED
    elif limit <= booked_at:
        refusal = CancellationRefusal.FINAL_AT_BOOKING
    elif event_start is not None and limit == shift(event_start, -CANCELLATION_DELAY):
        refusal = CancellationRefusal.SHOW_WITHIN_48H
    else:
        refusal = CancellationRefusal.WINDOW_OVER
    return BeneficiaryCancellation(False, limit, refusal)
