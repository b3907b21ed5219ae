"""Many showtimes at once: a date range, days of the week and times of day, read in the VENUE's timezone.

`plan_showtimes` says what would be created (the pro's preview); `services.create_showtimes` plans again
under the offer's lock and creates exactly that. Both skip showtimes already started and those that
already exist (same start, same version, not deleted).

Daylight saving: a wall-clock time that does not exist in the venue's timezone (02:30 on the last Sunday
of March in Paris) is skipped and counted; an ambiguous one (02:30 on the last Sunday of October) is
the first of the two, still in summer time. Overseas venues (La Réunion, UTC+4 all year) simply use
their own zone.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from passculture.core.common.time import local_time_exists, local_to_utc
from passculture.core.common.time import now as utcnow

from .constants import MAX_BOOKING_LIMIT_HOURS_BEFORE, MAX_SCHEDULE_DAYS, MAX_SHOWTIMES_PER_REQUEST
from .exceptions import (
    InvalidBookingLimitDelay,
    ScheduleEndBeforeStart,
    ScheduleTooLong,
    ScheduleWithoutTime,
    ShowtimesForEventsOnly,
    TooManyShowtimes,
)
from .models import Offer
from .validation import check_showtime_days, check_stock_fields


@dataclass(frozen=True)
class Schedule:
    start_date: dt.date
    end_date: dt.date
    times: tuple[dt.time, ...]
    # 0 = Monday ... 6 = Sunday; empty = every day of the range.
    weekdays: frozenset[int] = frozenset()
    version: str = ""
    price_cents: int = 0
    quantity: int | None = None
    # None: booking stays open until the start.
    booking_limit_hours_before: int | None = None


@dataclass(frozen=True)
class PlannedShowtime:
    beginning: dt.datetime  # UTC
    booking_limit: dt.datetime  # UTC
    # The price categories to create at this start (empty: one stock at the schedule's price).
    price_category_ids: tuple[int, ...] = ()


@dataclass
class ShowtimePlan:
    showtimes: list[PlannedShowtime] = field(default_factory=list)
    skipped_past: int = 0
    skipped_duplicates: int = 0
    skipped_nonexistent: int = 0

    @property
    def count(self) -> int:
        return len(self.showtimes)

    @property
    def stock_count(self) -> int:
        """Stocks to create: one per start and price category (one per start without categories)."""
        return sum(max(len(planned.price_category_ids), 1) for planned in self.showtimes)

    @property
    def skipped(self) -> int:
        return self.skipped_past + self.skipped_duplicates + self.skipped_nonexistent


def check_schedule(schedule: Schedule) -> None:
    if schedule.end_date < schedule.start_date:
        raise ScheduleEndBeforeStart()
    if (schedule.end_date - schedule.start_date).days + 1 > MAX_SCHEDULE_DAYS:
        raise ScheduleTooLong()
    if not schedule.times:
        raise ScheduleWithoutTime()
    hours = schedule.booking_limit_hours_before
    if hours is not None and not 0 <= hours <= MAX_BOOKING_LIMIT_HOURS_BEFORE:
        raise InvalidBookingLimitDelay()


def local_starts(schedule: Schedule, tz_name: str) -> tuple[list[dt.datetime], int]:
    """UTC starts of every (day, time) of the schedule, in order, and how many local times do not exist."""
    starts: list[dt.datetime] = []
    nonexistent = 0
    times = sorted(set(schedule.times))
    day = schedule.start_date
    while day <= schedule.end_date:
        if not schedule.weekdays or day.weekday() in schedule.weekdays:
            for time in times:
                wall = dt.datetime.combine(day, time.replace(second=0, microsecond=0, tzinfo=None))
                if not local_time_exists(wall, tz_name):
                    nonexistent += 1
                    continue
                starts.append(local_to_utc(wall, tz_name))
        day += dt.timedelta(days=1)
    return starts, nonexistent


def plan_showtimes(
    offer: Offer,
    schedule: Schedule,
    *,
    at: dt.datetime | None = None,
    price_category_ids: Sequence[int] = (),
) -> ShowtimePlan:
    """What `create_showtimes` would create now. Raises a DomainError when the schedule is invalid or
    would create more than MAX_SHOWTIMES_PER_REQUEST showtimes.

    `price_category_ids`: each start is sold at each of these categories (one stock per category); a
    start is a duplicate when it exists at every one of them, else only the missing ones are planned."""
    at = at or utcnow()
    if not offer.is_event:
        raise ShowtimesForEventsOnly()
    check_schedule(schedule)
    check_showtime_days(schedule.start_date, schedule.end_date, offer.venue.timezone, at=at)
    # Price and seats are the same for every showtime: check them once.
    check_stock_fields(
        offer,
        price_cents=schedule.price_cents,
        quantity=schedule.quantity,
        beginning=at,
        booking_limit=None,
    )
    starts, nonexistent = local_starts(schedule, offer.venue.timezone)
    plan = ShowtimePlan(skipped_nonexistent=nonexistent)
    future = [start for start in starts if start > at]
    plan.skipped_past = len(starts) - len(future)
    existing_rows = offer.stocks.filter(
        is_deleted=False, version=schedule.version, beginning_datetime__in=future
    ).values_list("beginning_datetime", "price_category_id")
    existing: dict[dt.datetime, set[int | None]] = {}
    for start, category_id in existing_rows:
        if start is not None:
            existing.setdefault(start, set()).add(category_id)
    wanted = tuple(dict.fromkeys(price_category_ids))
    hours = schedule.booking_limit_hours_before
    for start in future:
        missing = tuple(pk for pk in wanted if pk not in existing.get(start, ()))
        if start in existing and (not wanted or not missing):
            plan.skipped_duplicates += 1
            continue
        limit = start - dt.timedelta(hours=hours) if hours else start
        plan.showtimes.append(
            PlannedShowtime(beginning=start, booking_limit=limit, price_category_ids=missing)
        )
    if plan.stock_count > MAX_SHOWTIMES_PER_REQUEST:
        raise TooManyShowtimes(
            f"Ces paramètres créeraient {plan.stock_count} séances : {MAX_SHOWTIMES_PER_REQUEST} au maximum par "
            "envoi. Réduisez la période ou le nombre d'horaires."
        )
    return plan
