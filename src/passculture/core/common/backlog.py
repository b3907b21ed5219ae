"""The backlog of an outbox table (emails, ticketing calls): what waits, what is due, how late. One
aggregate query over the PENDING rows, which an index on (status, next_attempt_at) keeps small."""

import datetime as dt

from django.db.models import Count, Min, Q, QuerySet


def pending_backlog(pending: QuerySet, at: dt.datetime) -> dict:
    """`pending`: the PENDING rows of a table with `next_attempt_at` and `created_at`.

    `oldest_due_seconds` is how long the most overdue row has been waiting past its due time (what an
    alert watches: a row deferred to 08:00 by quiet hours is not late before then); `oldest_age_seconds`
    is the age of the oldest row still pending, whatever its due time."""
    row = pending.aggregate(
        pending=Count("id"),
        due=Count("id", filter=Q(next_attempt_at__lte=at)),
        oldest_due=Min("next_attempt_at", filter=Q(next_attempt_at__lte=at)),
        oldest_created=Min("created_at"),
    )
    return {
        "pending": row["pending"],
        "due": row["due"],
        "oldest_due_seconds": _seconds_since(row["oldest_due"], at),
        "oldest_age_seconds": _seconds_since(row["oldest_created"], at),
    }


def _seconds_since(moment: dt.datetime | None, at: dt.datetime) -> float:
    return max((at - moment).total_seconds(), 0.0) if moment is not None else 0.0
