"""Row locks. On PostgreSQL `SELECT ... FOR UPDATE`; on SQLite the whole database is locked by the
IMMEDIATE transaction (settings), so `select_for_update` degrades to a plain read safely."""

from django.db import connection, models


def lock(queryset: models.QuerySet, *, skip_locked: bool = False) -> models.QuerySet:
    if connection.features.has_select_for_update:
        return queryset.select_for_update(
            skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked
        )
    return queryset


def supports_row_locks() -> bool:
    return bool(connection.features.has_select_for_update)
