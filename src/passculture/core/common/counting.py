"""Counts shown as "waiting" (the back office's home): one bounded query each."""

from django.db.models import QuerySet

# Past this many, the exact number changes nothing to the person reading it: "plus de 999".
WAITING_COUNT_CAP = 999


def capped_count(queryset: QuerySet, cap: int = WAITING_COUNT_CAP) -> int:
    """The number of rows, counted up to `cap + 1` at most (COUNT over a LIMIT: the database stops
    there whatever the table's size). More than `cap` means "more than `cap`"."""
    return queryset.order_by().values("pk")[: cap + 1].count()
