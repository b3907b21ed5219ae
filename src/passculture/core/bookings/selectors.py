import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.common.periods import local_days_q, utc_bounds
from passculture.core.common.time import age_on, birthday, to_local
from passculture.core.credit.models import Deposit
from passculture.core.credit.selectors import balance_of_deposits, deposits_of, grant_ages
from passculture.core.identity.constants import CheckStatus
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.selectors import venues_of_offerers
from passculture.core.offers.models import Stock
from passculture.core.users.constants import ELIGIBLE_AGE

from . import rules
from .constants import AUTO_VALIDATOR_LABEL, TOKEN_ALPHABET, TOKEN_LENGTH, BookingStatus, CancellationReason
from .models import Booking, CounterAttempt
from .obstacles import NOT_LOGGED_IN, Facts, Obstacle, obstacle_for
from .validation import check_booking


def bookings_of_beneficiary(user) -> QuerySet[Booking]:
    """A beneficiary's bookings, newest first, with what a list shows (stock, offer, venue, the deposit
    for what a cancellation would give back, the answer to "Tu as aimé ?") in one query."""
    return (
        Booking.objects.filter(user=user)
        .select_related("stock", "offer__film", "venue", "deposit", "feedback")
        .order_by("-booked_at", "-id")
    )


def booking_of_beneficiary(user, booking_id: int) -> Booking | None:
    """One of the beneficiary's own bookings, with what its page shows; None for anybody else's."""
    return (
        Booking.objects.select_related("stock", "offer__film", "venue", "deposit", "feedback")
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
    deposits = deposits_of(user) if getattr(user, "is_beneficiary", False) else []
    try:
        check_booking(
            user,
            stock,
            quantity,
            deposits=deposits,
            already_booked=lambda: active_booking_of_offer(user, stock.offer_id) is not None,
            at=at,
        )
    except DomainError as error:
        return error
    return None


# --- The person's state before the tap (film page, calendar) -------------------------------------


def _facts(user, code: str, deposits: list[Deposit], stock: Stock, at: dt.datetime) -> Facts:
    """What the obstacle's sentence needs, read only for the codes that use it."""
    if code == "NO_DEPOSIT":
        day = to_local(at, settings.TIME_ZONE).date()
        birth_date = getattr(user, "birth_date", None)
        if birth_date is not None:
            youngest, oldest = grant_ages(day) or (ELIGIBLE_AGE, ELIGIBLE_AGE)
            age = age_on(birth_date, day)
            if age < youngest:
                return Facts(eligible_from=birthday(birth_date, youngest))
            if age > oldest:
                return Facts(no_longer_eligible=True)
        return Facts(identity_pending=user.identity_checks.filter(status=CheckStatus.SUBMITTED).exists())
    if code == "INSUFFICIENT_CREDIT":
        return Facts(
            remaining_cents=balance_of_deposits(deposits, at).remaining_cents, price_cents=stock.price_cents
        )
    return Facts()


def booking_obstacles(user, stocks: Iterable[Stock], *, at: dt.datetime) -> dict[int, Obstacle | None]:
    """{stock id: why this person cannot book one place of it now, or None}: the checks of book_offer
    (bookings.validation.check_booking) on each stock, with the person's credits and bookings read once.
    `stocks` come with their offer, venue and offerer (select_related). A handful of queries whatever
    the number of stocks: deposits, the bookings of these offers, and the facts of a refusal's sentence."""
    stocks = list(stocks)
    if not getattr(user, "is_authenticated", False):
        return {stock.pk: NOT_LOGGED_IN for stock in stocks}
    beneficiary = getattr(user, "is_beneficiary", False)
    deposits = deposits_of(user) if beneficiary else []
    booked: set[int] = set()
    if beneficiary and stocks:
        booked = set(
            Booking.objects.filter(user=user, offer_id__in={stock.offer_id for stock in stocks})
            .exclude(status=BookingStatus.CANCELLED)
            .values_list("offer_id", flat=True)
        )
    found: dict[int, Obstacle | None] = {}
    personal: dict[str, Obstacle] = {}
    for stock in stocks:
        try:
            check_booking(
                user,
                stock,
                1,
                deposits=deposits,
                already_booked=partial(booked.__contains__, stock.offer_id),
                at=at,
            )
        except DomainError as error:
            if error.code in ("NO_DEPOSIT", "NOT_A_BENEFICIARY", "DEPOSIT_EXPIRED"):
                # The person's state: the same sentence for every showtime, its facts read once.
                if error.code not in personal:
                    personal[error.code] = obstacle_for(
                        error.code, _facts(user, error.code, deposits, stock, at)
                    )
                found[stock.pk] = personal[error.code]
            else:
                found[stock.pk] = obstacle_for(error.code, _facts(user, error.code, deposits, stock, at))
        else:
            found[stock.pk] = None
    return found


def booking_obstacle(user, stock: Stock, *, at: dt.datetime) -> Obstacle | None:
    """Why this person cannot book one place of this showtime now (None: they can, unless someone else
    takes the last place or they spend their credit first)."""
    return booking_obstacles(user, [stock], at=at)[stock.pk]


def stocks_for_obstacles(stock_ids: Iterable[int]) -> list[Stock]:
    """Stocks with what the checks read (offer, venue, offerer), in one query."""
    return list(Stock.objects.select_related("offer__venue__offerer").filter(pk__in=list(stock_ids)))


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


def counter_booking_of_offerers(raw_token: str, offerer_ids) -> Booking | None:
    """The booking of a typed or scanned countermark, only if it is one of these offerers' (what the
    counter may show about it when it refuses it); None for a malformed, unknown or another offerer's code,
    so that a refusal tells nothing more about others' bookings than about codes that do not exist."""
    try:
        token = rules.normalize_token(raw_token)
    except DomainError:
        return None
    return (
        Booking.objects.select_related("stock", "offer", "venue", "user", "validated_by")
        .filter(token=token, offerer_id__in=list(offerer_ids))
        .first()
    )


def cancellation_message_of(booking: Booking) -> str:
    """The offerer's own words sent to the beneficiary when the booking was cancelled (audit log), if any."""
    entry = (
        AuditLog.objects.filter(
            action="booking.cancelled", target_type=Booking._meta.label_lower, target_id=str(booking.pk)
        )
        .order_by("-id")
        .first()
    )
    return str(entry.data.get("message", "")) if entry is not None else ""


COUNTER_VALIDATIONS_LIMIT = 200


def validations_of_the_day(
    offerer_ids: Iterable[int], *, at: dt.datetime, limit: int = COUNTER_VALIDATIONS_LIMIT
) -> list[Booking]:
    """Bookings of these offerers validated today, each venue's today on its own clock (midnight in
    La Réunion is 21:00 in Paris), newest first, at most `limit`. Automatic validations (48 h after the
    show) are left out: nobody checked those people in."""
    offerer_ids = list(offerer_ids)
    today = Q(pk__in=[])
    for tz_name in sorted(set(_timezones_of_venues(offerer_ids))):
        day = to_local(at, tz_name).date()
        start, end = utc_bounds(day, day, tz_name)
        today |= Q(venue__timezone=tz_name, used_at__gte=start, used_at__lt=end)
    return list(
        Booking.objects.filter(
            today,
            offerer_id__in=offerer_ids,
            status__in=[BookingStatus.USED, BookingStatus.REIMBURSED],
        )
        .exclude(validated_by_label=AUTO_VALIDATOR_LABEL)
        .select_related("stock", "offer", "venue", "user", "validated_by")
        .order_by("-used_at", "-id")[:limit]
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
    # A countermark, or part of the beneficiary's name or email (bounded by the form).
    search: str = ""

    def as_dict(self) -> dict:
        """JSON-friendly, for the audit log and the export jobs."""
        return {
            "date_kind": self.date_kind,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "venue_id": self.venue_id,
            "offer_id": self.offer_id,
            "status": str(self.status) if self.status else None,
            "search": self.search,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "BookingFilters":
        """The inverse of as_dict (an export job reads back the filters it was asked with)."""

        def day(value):
            return dt.date.fromisoformat(value) if value else None

        return cls(
            date_kind=data.get("date_kind") or DateKind.BOOKING,
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to")),
            venue_id=data.get("venue_id"),
            offer_id=data.get("offer_id"),
            status=data.get("status") or None,
            search=data.get("search") or "",
        )


SEARCH_MAX_LENGTH = 100


def is_countermark(text: str) -> bool:
    """A full countermark as typed at the counter (any case): 6 characters of the token alphabet."""
    return len(text) == TOKEN_LENGTH and all(char in TOKEN_ALPHABET for char in text.upper())


def booking_search_q(text: str) -> Q:
    """A full countermark matches exactly; otherwise part of the beneficiary's name ("Léa Durand"
    included) or email, whatever the case, or the beginning of a countermark."""
    text = " ".join(text.split())[:SEARCH_MAX_LENGTH]
    if not text:
        return Q()
    found = (
        Q(user__first_name__icontains=text)
        | Q(user__last_name__icontains=text)
        | Q(user__email__icontains=text)
        | Q(beneficiary_full_name__icontains=text)
    )
    if is_countermark(text):
        return Q(token=text.upper()) | found
    if len(text) < TOKEN_LENGTH and text.isalnum():
        found |= Q(token__startswith=text.upper())
    return found


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
    if filters.search.strip():
        queryset = queryset.annotate(
            beneficiary_full_name=Concat("user__first_name", Value(" "), "user__last_name")
        ).filter(booking_search_q(filters.search))
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


# --- A booking's history and a showtime's bookings (pro pages) ---------------------------------


@dataclass(frozen=True)
class BookingEvent:
    """One step of a booking's life as the pro sees it: what, when (UTC), and who when known."""

    code: str  # booked / validated / cancelled
    label: str
    at: dt.datetime
    by: str = ""


def _cancellers(bookings: list[Booking]) -> dict[str, str]:
    """{booking id as text: who cancelled it}, from the audit entries written at the cancellation."""
    ids = [str(b.pk) for b in bookings if b.cancelled_at is not None]
    if not ids:
        return {}
    found: dict[str, str] = {}
    entries = AuditLog.objects.filter(
        action="booking.cancelled", target_type=Booking._meta.label_lower, target_id__in=ids
    ).values_list("target_id", "actor_label", "actor__email")
    for target_id, label, email in entries.order_by("id"):
        found[target_id] = label or email or ""
    return found


def booking_histories(bookings: Iterable[Booking]) -> dict[int, list[BookingEvent]]:
    """{booking id: its events in order}: booked, validated, cancelled (when and by whom), for the
    bookings of one page (users joined in; one more query for who cancelled)."""
    bookings = list(bookings)
    cancellers = _cancellers(bookings)
    reasons = dict(CancellationReason.choices)
    histories: dict[int, list[BookingEvent]] = {}
    for booking in bookings:
        events = [BookingEvent("booked", "Réservée", booking.booked_at, booking.user.full_name)]
        if booking.used_at is not None:
            label = booking.validated_by_label
            if label == AUTO_VALIDATOR_LABEL:
                events.append(BookingEvent("validated", "Validée automatiquement", booking.used_at))
            else:
                events.append(BookingEvent("validated", "Validée", booking.used_at, label))
        if booking.cancelled_at is not None:
            reason = reasons.get(booking.cancellation_reason, "Annulée")
            # "Annulée par le bénéficiaire" already says who; otherwise the audit entry's actor.
            by = (
                ""
                if booking.cancellation_reason == CancellationReason.BENEFICIARY
                else cancellers.get(str(booking.pk), "")
            )
            events.append(BookingEvent("cancelled", reason, booking.cancelled_at, by))
        histories[booking.pk] = events
    return histories


def bookings_of_stock(stock: Stock) -> QuerySet[Booking]:
    """Who is coming to one showtime: its bookings (cancelled ones last), beneficiaries joined in.
    The stock comes from a `stock_of_offerers` selector: the caller checked it is the pro's own."""
    return (
        Booking.objects.filter(stock=stock)
        .select_related("user")
        .annotate(is_cancelled=Case(When(status=BookingStatus.CANCELLED, then=1), default=0))
        .order_by("is_cancelled", "user__last_name", "user__first_name", "id")
    )
