"""Commits of the import that do not wait for the disk (decision 0037)."""

import contextlib
import logging
from collections.abc import Iterator

from django.db import DatabaseError, connection
from django.db.transaction import TransactionManagementError

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def asynchronous_commits() -> Iterator[None]:
    """The import's commits do not wait for the write-ahead log to reach the disk (PostgreSQL's
    `synchronous_commit = off`; decision 0037). A venue costs up to three commits (its run, its
    programme, its run's end) and a national run 6,000: waiting for the disk each time was a large
    share of a daily import, and most of it when the disk is busy. A crash of the server may lose the
    last fraction of a second of committed imports, never half of one: the import is idempotent and
    the next run writes them again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except (DatabaseError, TransactionManagementError):
            # A broken connection is closed by Django (a new one starts with the default), an aborted
            # transaction rolls the setting back with it.
            logger.warning("allocine: could not reset synchronous_commit", exc_info=True)
