"""Row locks. On PostgreSQL `SELECT ... FOR UPDATE`; on SQLite the whole database is locked by the
IMMEDIATE transaction (settings), so `select_for_update` degrades to a plain read safely."""

from django.db import connection, models


def lock(queryset: models.QuerySet, *, skip_locked: bool = False) -> models.QuerySet:
    """Locks the rows of the queryset's own table only: without `OF`, PostgreSQL would also lock every
    row joined by select_related (the venue, the offerer), serialising all bookings of a cinema."""
    features = connection.features
    if features.has_select_for_update:
        return queryset.select_for_update(
            skip_locked=skip_locked and features.has_select_for_update_skip_locked,
            of=("self",) if features.has_select_for_update_of else (),
        )
    return queryset


def supports_row_locks() -> bool:
    return bool(connection.features.has_select_for_update)
