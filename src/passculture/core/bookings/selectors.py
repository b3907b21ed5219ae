import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from passculture.core.common.exceptions import DomainError
from passculture.core.common.periods import local_days_q
from passculture.core.credit.selectors import deposits_of
from passculture.core.credit.validation import check_has_credit_for, plan_spending
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.selectors import venues_of_offerers
from passculture.core.offers.models import Stock
from passculture.core.offers.validation import check_stock_is_bookable
from passculture.core.users.exceptions import NotABeneficiary

from .constants import BookingStatus
from .exceptions import AlreadyBooked
from .models import Booking, CounterAttempt
from .services import check_quantity


def bookings_of_beneficiary(user) -> QuerySet[Booking]:
    """A beneficiary's bookings, newest first, with what a list shows (stock, offer, venue, and the deposit
    for what a cancellation would give back) in one query."""
    return (
        Booking.objects.filter(user=user)
        .select_related("stock", "offer__film", "venue", "deposit")
        .order_by("-booked_at", "-id")
    )


def booking_of_beneficiary(user, booking_id: int) -> Booking | None:
    """One of the beneficiary's own bookings, with what its page shows; None for anybody else's."""
    return (
        Booking.objects.select_related("stock", "offer__film", "venue", "deposit")
        .filter(pk=booking_id, user=user)
        .first()
    )


def active_booking_of_offer(user, offer_id: int) -> Booking | None:
    """The beneficiary's booking of this offer that is not cancelled (at most one: unique index)."""
    return (
        Booking.objects.filter(user=user, offer_id=offer_id)
        .exclude(status=BookingStatus.CANCELLED)
        .order_by("-booked_at", "-id")
        .first()
    )


def stock_for_booking(stock_id: int) -> Stock | None:
    """A stock a beneficiary may look at to book: of a validated venue and offerer (what the public
    sees). Deleted, past or inactive ones are returned so that the page can say why they cannot be booked."""
    return (
        Stock.objects.select_related("offer__venue__offerer")
        .filter(
            pk=stock_id,
            offer__venue__validation_status=ValidationStatus.VALIDATED,
            offer__venue__offerer__validation_status=ValidationStatus.VALIDATED,
        )
        .first()
    )


def booking_refusal(user, stock: Stock, quantity: int = 1, *, at: dt.datetime) -> DomainError | None:
    """Why book_offer would refuse this booking now, without locking nor writing anything (None: it
    would go through, unless someone else takes the last places or spends the credit first).

    The same checks in the same order as book_offer, so the page shows the error the booking would raise.
    """
    try:
        if not getattr(user, "is_beneficiary", False):
            raise NotABeneficiary()
        check_quantity(quantity, is_duo=stock.offer.is_duo)
        deposits = deposits_of(user)
        total = stock.price_cents * quantity
        check_has_credit_for(deposits, total, at=at)
        check_stock_is_bookable(stock, at, quantity)
        if active_booking_of_offer(user, stock.offer_id) is not None:
            raise AlreadyBooked()
        plan_spending(deposits, total, is_digital=stock.offer.is_digital, at=at)
    except DomainError as error:
        return error
    return None


def latest_counter_attempts(user, offerer_ids, limit: int = 20) -> QuerySet[CounterAttempt]:
    """The counter's recent scan log for a pro: attempts on bookings of their offerers (whoever made
    them, ticketing software included) and their own attempts that matched no booking of theirs.

    Another user's misses are left out: they link to no booking, so nothing ties them to these offerers.
    """
    return (
        CounterAttempt.objects.filter(
            Q(booking__offerer_id__in=offerer_ids) | Q(booking__isnull=True, actor=user)
        )
        .select_related("booking__venue", "actor")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Pro bookings list -------------------------------------------------------------------------


class DateKind:
    BOOKING = "booking"
    EVENT = "event"


@dataclass(frozen=True)
class BookingFilters:
    """What a pro narrows their bookings list (and its exports) to. Days are local to each venue."""

    date_kind: str = DateKind.BOOKING
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    venue_id: int | None = None
    offer_id: int | None = None
    status: BookingStatus | str | None = None

    def as_dict(self) -> dict:
        """JSON-friendly, for the audit log."""
        return {
            "date_kind": self.date_kind,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "venue_id": self.venue_id,
            "offer_id": self.offer_id,
            "status": str(self.status) if self.status else None,
        }


def _timezones_of_venues(offerer_ids: Iterable[int]) -> list[str]:
    # Read from the (small) venue table rather than a DISTINCT over every booking.
    return list(venues_of_offerers(offerer_ids).order_by().values_list("timezone", flat=True).distinct())


def bookings_for_offerers(
    offerer_ids: Iterable[int], filters: BookingFilters | None = None
) -> QuerySet[Booking]:
    """Bookings of these offerers only, newest first, with what the pro list shows joined in (one query).

    Ids of another offerer's venue or offer in `filters` simply match nothing.
    """
    offerer_ids = list(offerer_ids)
    filters = filters or BookingFilters()
    queryset = Booking.objects.filter(offerer_id__in=offerer_ids)
    if filters.venue_id is not None:
        queryset = queryset.filter(venue_id=filters.venue_id)
    if filters.offer_id is not None:
        queryset = queryset.filter(offer_id=filters.offer_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.date_from or filters.date_to:
        field = "stock__beginning_datetime" if filters.date_kind == DateKind.EVENT else "booked_at"
        queryset = queryset.filter(
            local_days_q(
                field,
                "venue__timezone",
                _timezones_of_venues(offerer_ids),
                filters.date_from,
                filters.date_to,
            )
        )
    return queryset.select_related("venue", "offer", "stock", "user").order_by("-booked_at", "-id")


def latest_bookings_for_offerers(offerer_ids: Iterable[int], limit: int = 10) -> list[Booking]:
    return list(bookings_for_offerers(offerer_ids)[:limit])


def booking_of_offerers(booking_id: int, offerer_ids) -> Booking | None:
    """A booking only if it is one of these offerers' (the pro's own): None otherwise."""
    return (
        Booking.objects.select_related("stock", "offer", "venue", "user")
        .filter(pk=booking_id, offerer_id__in=list(offerer_ids))
        .first()
    )
