"""How a venue hears of its bookings (issue 16 point 6, decision 0035): its own booking address, and one
email per booking or one daily digest. The digest job itself lives in core/bookings/digest.py; this
module keeps the venue's choice and the once-per-day claim rows (VenueBookingDigest)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow

from .constants import BookingNotification
from .exceptions import DigestNeedsBookingEmail, InvalidBookingNotification
from .models import Venue, VenueBookingDigest
from .validation import check_booking_email, check_can_act_for_offerer


def wants_digest(venue) -> bool:
    """True when the venue chose the daily digest: it then gets no email per booking or cancellation."""
    return getattr(venue, "booking_notification", BookingNotification.EACH) == BookingNotification.DIGEST


def set_booking_notifications(venue: Venue, *, actor, booking_email: str, mode: str) -> Venue:
    """The venue's booking address and how it is told of bookings. The digest needs an address."""
    check_can_act_for_offerer(actor, venue.offerer_id)
    email = check_booking_email(booking_email)
    if mode not in BookingNotification.values:
        raise InvalidBookingNotification()
    if mode == BookingNotification.DIGEST and not email:
        raise DigestNeedsBookingEmail()
    with transaction.atomic():
        locked = lock(Venue.objects.all()).get(pk=venue.pk)
        before = {"booking_email": locked.booking_email, "booking_notification": locked.booking_notification}
        after = {"booking_email": email, "booking_notification": mode}
        if before == after:
            return locked
        if locked.booking_notification == BookingNotification.DIGEST and mode != BookingNotification.DIGEST:
            # The digest of the days it covered until now is still owed (core/bookings/digest.py).
            locked.digest_ended_at = utcnow()
        locked.booking_email, locked.booking_notification = email, mode
        locked.save(update_fields=["booking_email", "booking_notification", "digest_ended_at"])
        changed = [field for field in after if before[field] != after[field]]
        # The address is the venue's (a shared mailbox), but it can name a person: not in the log.
        log_action(
            "venue.booking_notifications_updated",
            actor=actor,
            target=locked,
            data={"changed": changed, "booking_notification": mode},
        )
    return locked


# --- The digest's once-per-day rows ----------------------------------------------------------------


def timezones_of_digest_venues(since: dt.datetime) -> list[str]:
    """The timezones of the venues that may be owed a digest: on the digest now, or left it after `since`."""
    rows = _digest_venues(since).order_by().values_list("timezone", flat=True).distinct()
    return sorted(set(rows))


def _digest_venues(since: dt.datetime):
    return Venue.objects.filter(
        Q(booking_notification=BookingNotification.DIGEST) | Q(digest_ended_at__gte=since)
    ).exclude(booking_email="")


def venues_owed_a_digest(tz_name: str, day: dt.date, since: dt.datetime) -> list[Venue]:
    """Venues of `tz_name` on the digest during `day` (local, starting at `since`) whose digest of that
    day is not claimed yet."""
    claimed = VenueBookingDigest.objects.filter(venue=OuterRef("pk"), day=day)
    return list(_digest_venues(since).filter(timezone=tz_name).exclude(Exists(claimed)).order_by("pk"))


def claim_digest(venue: Venue, day: dt.date, at: dt.datetime) -> VenueBookingDigest | None:
    """Inserts the venue's row for `day`; None when another run has it. Call it inside the transaction
    that queues the email: on PostgreSQL a concurrent insert waits for that transaction, then fails."""
    try:
        with transaction.atomic():
            return VenueBookingDigest.objects.create(venue=venue, day=day, created_at=at)
    except IntegrityError:
        return None


def record_digest(row: VenueBookingDigest, *, email, bookings: int, cancellations: int) -> None:
    row.email = email
    row.bookings_count, row.cancellations_count = bookings, cancellations
    row.save(update_fields=["email", "bookings_count", "cancellations_count"])
