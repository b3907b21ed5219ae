"""After the show: "Tu as aimé ?", one like or dislike per used booking, and the counts (decision 0034).

- Only the booking's owner answers, once the booking is used (validated at the counter, automatically,
  or reimbursed since) and, for a showtime, once the show is over. The answer is final.
- Counts add up the answers whose booking is still used or reimbursed: a validation undone at the counter
  (back to CONFIRMED) or a used booking cancelled stops counting; its answer is kept, and counts again
  if the booking is validated again.
- Nobody sees who answered: the counts are all that leaves this module, and the young people's film page
  and the pro portal show a split only from MIN_ANSWERS_SHOWN answers.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet

from passculture.core.common.locking import lock
from passculture.core.common.time import format_local
from passculture.core.common.time import now as utcnow
from passculture.core.offers.models import Offer

from . import rules
from .constants import BookingStatus
from .exceptions import (
    BookingNotFound,
    FeedbackAlreadyGiven,
    FeedbackBookingCancelled,
    FeedbackBookingNotUsed,
    FeedbackInvalid,
    FeedbackShowNotOver,
)
from .models import Booking, BookingFeedback

# Below this many answers a split says more about a few people than about the film (and, in a small
# cinema, who they are): the film page shows nothing, the pro portal only the number of answers.
MIN_ANSWERS_SHOWN = 10
COUNTED_STATUSES = (BookingStatus.USED, BookingStatus.REIMBURSED)


@dataclass(frozen=True)
class FeedbackCounts:
    likes: int = 0
    total: int = 0

    @property
    def dislikes(self) -> int:
        return self.total - self.likes

    @property
    def is_shown(self) -> bool:
        return self.total >= MIN_ANSWERS_SHOWN

    @property
    def like_percent(self) -> int:
        """Rounded half up, so that 87.5 % reads 88 % (0 without answers)."""
        return (self.likes * 200 + self.total) // (self.total * 2) if self.total else 0


# --- Answering ---------------------------------------------------------------------------------


def feedback_of(booking: Booking) -> BookingFeedback | None:
    """The booking's answer, read from `select_related("feedback")` when the query joined it."""
    try:
        return booking.feedback
    except BookingFeedback.DoesNotExist:
        return None


def answerable_from(booking: Booking) -> dt.datetime | None:
    """When a used booking can be answered: the end of its show (a thing: as soon as it is used)."""
    start = booking.stock.beginning_datetime
    if start is None:
        return booking.used_at
    return rules.event_end(start, booking.offer.duration_minutes)


def can_answer(booking: Booking, at: dt.datetime) -> bool:
    """Whether the question is to be asked now (no answer yet, booking used, show over)."""
    if booking.status not in COUNTED_STATUSES or feedback_of(booking) is not None:
        return False
    start = answerable_from(booking)
    return start is None or at >= start


def _check_answerable(booking: Booking, at: dt.datetime) -> None:
    if booking.status == BookingStatus.CANCELLED:
        raise FeedbackBookingCancelled()
    if booking.status not in COUNTED_STATUSES:
        raise FeedbackBookingNotUsed()
    start = answerable_from(booking)
    if start is not None and at < start:
        raise FeedbackShowNotOver(
            f"Tu pourras donner ton avis à la fin de la séance, à partir du "
            f"{format_local(start, booking.venue.timezone)}."
        )


def give_feedback(user, booking_id: int, liked: bool, *, at: dt.datetime | None = None) -> BookingFeedback:
    """The owner's like (True) or dislike (False). Anybody else's booking is unknown (BOOKING_NOT_FOUND);
    a second answer is refused (FEEDBACK_ALREADY_GIVEN), also when two arrive at once."""
    if not isinstance(liked, bool):
        raise FeedbackInvalid()
    with transaction.atomic():
        # The booking row alone (no stock, no deposit): an undo at the counter waits for the answer or
        # the answer sees the booking back to CONFIRMED, never half of each.
        booking = (
            lock(Booking.objects.select_related("stock", "offer", "venue"))
            .filter(pk=booking_id, user=user)
            .first()
        )
        if booking is None:
            raise BookingNotFound()
        at = at or utcnow()
        _check_answerable(booking, at)
        if BookingFeedback.objects.filter(booking=booking).exists():
            raise FeedbackAlreadyGiven()
        try:
            with transaction.atomic():
                return BookingFeedback.objects.create(booking=booking, liked=liked, created_at=at)
        except IntegrityError as exc:  # SQLite has no row lock: a concurrent answer won
            raise FeedbackAlreadyGiven() from exc


# --- Counting: one aggregate query each ----------------------------------------------------------


def _counted() -> QuerySet[BookingFeedback]:
    return BookingFeedback.objects.filter(booking__status__in=COUNTED_STATUSES)


_AGGREGATES = {"total": Count("pk"), "likes": Count("pk", filter=Q(liked=True))}


def _counts(row: dict) -> FeedbackCounts:
    return FeedbackCounts(likes=row["likes"] or 0, total=row["total"] or 0)


def counts_for_showings(showings: Q) -> FeedbackCounts:
    """A film across every cinema: `showings` selects its offers (offers.search.FilmRef.showings)."""
    offers = Offer.objects.filter(showings).values("pk")
    return _counts(_counted().filter(booking__offer__in=offers).aggregate(**_AGGREGATES))


def counts_for_offer(offer_id: int, offerer_ids) -> FeedbackCounts:
    """One offer, for the pro portal: nothing unless it belongs to one of `offerer_ids`."""
    rows = _counted().filter(booking__offer_id=offer_id, booking__offerer_id__in=list(offerer_ids))
    return _counts(rows.aggregate(**_AGGREGATES))


@dataclass(frozen=True)
class OfferCounts:
    offer_id: int
    offer_name: str
    counts: FeedbackCounts


def counts_by_offer_of_venue(venue_id: int, offerer_ids) -> list[OfferCounts]:
    """The venue's offers that have answers, most answered first, for the pro portal (the venue's own
    offerer only: another structure's venue gives an empty list)."""
    rows = (
        _counted()
        .filter(booking__venue_id=venue_id, booking__offerer_id__in=list(offerer_ids))
        .values("booking__offer_id", "booking__offer__name")
        .annotate(**_AGGREGATES)
        .order_by("-total", "booking__offer__name", "booking__offer_id")
    )
    return [OfferCounts(row["booking__offer_id"], row["booking__offer__name"], _counts(row)) for row in rows]


def total_of(rows: list[OfferCounts]) -> FeedbackCounts:
    return FeedbackCounts(likes=sum(r.counts.likes for r in rows), total=sum(r.counts.total for r in rows))
