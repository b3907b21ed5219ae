"""Local calendar days as database filters.

"Bookings of 3 March" means 3 March on the venue's clock: midnight in Paris is not midnight in Réunion.
A filter therefore holds one UTC interval per timezone, each applied to the rows of venues in that zone.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from .time import local_to_utc, shift_days


def utc_bounds(first: dt.date | None, last: dt.date | None, tz_name: str):
    """[start, end) in UTC covering the local days first..last (either side may be open)."""
    start = local_to_utc(dt.datetime.combine(first, dt.time.min), tz_name) if first else None
    end = local_to_utc(dt.datetime.combine(shift_days(last, 1), dt.time.min), tz_name) if last else None
    return start, end


def local_days_q(
    field: str, tz_field: str, timezones: Iterable[str], first: dt.date | None, last: dt.date | None
) -> Q:
    """Rows whose `field` falls on the local days first..last, in the timezone named by `tz_field`."""
    if first is None and last is None:
        return Q()
    combined = Q(pk__in=[])  # no timezone known: nothing can match
    for tz_name in sorted(set(timezones)):
        start, end = utc_bounds(first, last, tz_name)
        condition = Q(**{tz_field: tz_name})
        if start is not None:
            condition &= Q(**{f"{field}__gte": start})
        if end is not None:
            condition &= Q(**{f"{field}__lt": end})
        combined |= condition
    return combined
