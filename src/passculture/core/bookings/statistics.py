"""How an offerer's bookings are going, for the pro home page: counts and amounts over the venue's own
days (today, this week, this month), bookings per day and the most booked films.

Each figure is one grouped query over a bounded window (at most a month or `days` days of bookings),
whatever the number of bookings. Days are the venue's: at 21:00 UTC it is already tomorrow in La
Réunion, so each timezone of the offerer's venues gets its own interval (core.common.periods).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, Case, CharField, Count, DateField, F, Q, Sum, When
from django.db.models.functions import Coalesce, TruncDate

from passculture.core.common.periods import local_days_q
from passculture.core.common.time import to_local
from passculture.core.offerers.selectors import venues_of_offerers

from .constants import BookingStatus
from .models import Booking

CHART_DAYS = 30
TOP_FILMS = 5


@dataclass(frozen=True)
class Tally:
    count: int
    amount_cents: int


@dataclass(frozen=True)
class BookingFigures:
    today: Tally
    week: Tally
    month: Tally


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


@dataclass(frozen=True)
class FilmCount:
    title: str
    count: int


def _timezones(offerer_ids: list[int]) -> list[str]:
    return sorted(set(venues_of_offerers(offerer_ids).order_by().values_list("timezone", flat=True)))


def _kept(offerer_ids: list[int]):
    # A cancelled booking gave its credit back: it is neither a booking nor revenue any more.
    return Booking.objects.filter(offerer_id__in=offerer_ids).exclude(status=BookingStatus.CANCELLED)


def _local_today(at: dt.datetime, tz_name: str) -> dt.date:
    return to_local(at, tz_name).date()


def _since(timezones: list[str], at: dt.datetime, first_day) -> Q:
    """Bookings made from `first_day(today)` to the end of today, each venue on its own clock."""
    combined = Q(pk__in=[])
    for tz_name in timezones:
        today = _local_today(at, tz_name)
        combined |= local_days_q("booked_at", "venue__timezone", [tz_name], first_day(today), today)
    return combined


def booking_figures(offerer_ids: Iterable[int], at: dt.datetime) -> BookingFigures:
    """Bookings not cancelled, and their amount, made today, this week (from Monday) and this month."""
    offerer_ids = list(offerer_ids)
    timezones = _timezones(offerer_ids)
    periods = {
        "today": lambda today: today,
        "week": lambda today: today - dt.timedelta(days=today.weekday()),
        "month": lambda today: today.replace(day=1),
    }
    amount = F("amount_cents") * F("quantity")
    aggregates: dict[str, Aggregate] = {}
    for name, first_day in periods.items():
        window = _since(timezones, at, first_day)
        aggregates[f"{name}_count"] = Count("pk", filter=window)
        aggregates[f"{name}_amount"] = Sum(amount, filter=window)
    # The month (or, on the first days of a month, the week) covers the others: one bounded scan.
    widest = _since(timezones, at, lambda today: min(periods["week"](today), periods["month"](today)))
    totals = _kept(offerer_ids).filter(widest).aggregate(**aggregates)
    return BookingFigures(
        **{
            name: Tally(count=totals[f"{name}_count"] or 0, amount_cents=totals[f"{name}_amount"] or 0)
            for name in periods
        }
    )


def _local_day_expression(timezones: list[str]):
    """The booking's day on its venue's clock."""
    return Case(
        *(
            When(venue__timezone=tz_name, then=TruncDate("booked_at", tzinfo=ZoneInfo(tz_name)))
            for tz_name in timezones
        ),
        output_field=DateField(),
    )


def _last_days(timezones: list[str], at: dt.datetime, days: int) -> Q:
    return _since(timezones, at, lambda today: today - dt.timedelta(days=days - 1))


def bookings_per_day(offerer_ids: Iterable[int], at: dt.datetime, days: int = CHART_DAYS) -> list[DayCount]:
    """Bookings not cancelled on each of the last `days` days up to today, oldest first, days without a
    booking included. "Today" is the latest date any of the venues is at (Réunion's, when it is ahead)."""
    offerer_ids = list(offerer_ids)
    timezones = _timezones(offerer_ids)
    if not timezones:
        return []
    rows = (
        _kept(offerer_ids)
        .filter(_last_days(timezones, at, days))
        .annotate(local_day=_local_day_expression(timezones))
        .order_by()
        .values("local_day")
        .annotate(count=Count("pk"))
        .values_list("local_day", "count")
    )
    counts: dict[dt.date, int] = {}
    for day, count in rows:
        if isinstance(day, dt.datetime):  # some backends return the truncated value as a datetime
            day = day.date()
        elif isinstance(day, str):
            day = dt.date.fromisoformat(day)
        counts[day] = counts.get(day, 0) + count
    last = max(_local_today(at, tz_name) for tz_name in timezones)
    return [
        DayCount(day=last - dt.timedelta(days=offset), count=counts.get(last - dt.timedelta(days=offset), 0))
        for offset in range(days - 1, -1, -1)
    ]


def top_films(
    offerer_ids: Iterable[int], at: dt.datetime, days: int = CHART_DAYS, limit: int = TOP_FILMS
) -> list[FilmCount]:
    """The most booked films over the last `days` days (bookings not cancelled), most booked first. A
    film shown in several venues of the offerer counts once, under its shared title."""
    offerer_ids = list(offerer_ids)
    timezones = _timezones(offerer_ids)
    if not timezones:
        return []
    rows = (
        _kept(offerer_ids)
        .filter(_last_days(timezones, at, days))
        .annotate(title=Coalesce("offer__film__title", "offer__name", output_field=CharField()))
        .order_by()
        .values("title")
        .annotate(count=Count("pk"))
        .order_by("-count", "title")
        .values_list("title", "count")[:limit]
    )
    return [FilmCount(title=title, count=count) for title, count in rows]
