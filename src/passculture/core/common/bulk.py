"""Writing and reading many rows without model instances (pricing a year of bookings, for instance).

On PostgreSQL the rows are streamed with COPY, several times faster than INSERT ... VALUES; elsewhere
(SQLite) they go through one prepared INSERT run for each row, with the values converted by each
field exactly as the ORM would store them. No signals, no defaults: the caller names every column it
fills, and the others must be nullable or have a database default.
"""

import json
import queue
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from django.db import connection, connections, models
from django.db.models import QuerySet

from .rows import insert_statement


def insert_rows(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Inserts `rows` (one value per field of `field_names`, in that order); returns how many."""
    fields = [cast(models.Field, model._meta.get_field(name)) for name in field_names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary COPY: psycopg encodes each value by the column's type in C, about three times
            # faster than the text format for rows of numbers and timestamps.
            types = [re.sub(r"\(.*\)$", "", field.db_type(connection) or "text") for field in fields]
            jsonb = [index for index, kind in enumerate(types) if kind == "jsonb"]
            for index in jsonb:
                # Sent already in jsonb's binary form, as bytes (see `jsonb_binary`).
                types[index] = "bytea"
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    if jsonb:
                        row = list(row)
                        for index in jsonb:
                            row[index] = jsonb_binary(row[index])
                    copy.write_row(row)
                    count += 1
            return count
        prepared = []
        for row in rows:
            prepared.append(
                [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
            )
        placeholders = ", ".join(["%s"] * len(fields))
        # Table and column names come from the model, quoted; the values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, prepared)
        return len(prepared)


# jsonb's binary form of the values most rows hold (an empty list or object), encoded once.
_JSONB_EMPTY: dict[type, bytes] = {list: b"\x01[]", dict: b"\x01{}", tuple: b"\x01[]"}


def jsonb_binary(value: Any) -> bytes | None:
    """`value` in jsonb's binary form: a version byte (1), then the JSON text, as psycopg's jsonb dumper
    writes it. A binary COPY carries no types, each field being read by its column's own format: so
    `insert_rows` sends jsonb columns as these bytes (psycopg's bytea dumper, in C, copies them as they
    are) rather than through psycopg's jsonb dumper, which ran `json.dumps` for each row; most imported
    showtimes hold two empty lists."""
    if value is None:
        return None
    if not value:
        empty = _JSONB_EMPTY.get(type(value))
        if empty is not None:
            return empty
    return b"\x01" + json.dumps(value).encode()


def update_rows(model: type[models.Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Sets `field_names` of each row `(pk, value, value...)`; returns how many rows were sent. One
    UPDATE ... FROM (VALUES ...) on PostgreSQL; one prepared UPDATE run for each row elsewhere. Django's
    bulk_update builds a CASE per column over the rows, in Python: seconds for a thousand rows."""
    if not rows:
        return 0
    statements = Statements()
    statements.update_rows(model, field_names, rows)
    statements.execute()
    return len(rows)


def _prep(field: models.Field, value: Any) -> Any:
    if isinstance(value, models.Model):  # a foreign key given as its instance
        value = value.pk
    return field.get_db_prep_save(value, connection)


class Statements:
    """Statements sent together: one round trip on PostgreSQL, where Django's cursors bind parameters
    on the client (psycopg's ClientCursor, Django's default) and so may send several statements as one
    query; one execute each elsewhere (SQLite). For writes and one final read (`execute` answers the
    rows of the last statement): a daily import's venue wrote with a dozen round trips, each one a
    wait for the server, most of a venue's time on a busy machine.

    Every statement is written for parameters (a literal % doubled), as with `cursor.execute(sql,
    params)`. They run in order, in the caller's transaction; the first that fails raises."""

    def __init__(self) -> None:
        self._items: list[tuple[str, list[Any]]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._items.append((sql, list(params)))

    def update(self, model: type[models.Model], pk: Any, values: dict[str, Any]) -> None:
        """`UPDATE ... SET field = value ... WHERE pk = pk`, each value converted by its field."""
        meta = model._meta
        quote = connection.ops.quote_name
        fields = [cast(models.Field, meta.get_field(name)) for name in values]
        sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        params = [_prep(field, value) for field, value in zip(fields, values.values(), strict=True)]
        pk_field = cast(models.Field, meta.pk)
        # Names come from the model, quoted; the values are parameters.
        sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(pk_field.column)} = %s"  # noqa: S608
        self.add(sql, [*params, pk_field.get_db_prep_save(pk, connection)])

    def insert(self, obj: models.Model) -> None:
        """One new row from an unsaved instance, as `rows.insert` writes it (its key is not read back)."""
        self.add(*insert_statement(connection, [obj], returning=False))

    def update_rows(
        self, model: type[models.Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """`update_rows`, sent with the other statements."""
        if not rows:
            return
        meta = model._meta
        fields = [cast(models.Field, meta.get_field(name)) for name in field_names]
        pk = cast(models.Field, meta.pk)
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        prepared = [
            [pk.get_db_prep_save(row[0], connection)]
            + [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, row[1:], strict=True)
            ]
            for row in rows
        ]
        if connection.vendor == "postgresql":
            types = [re.sub(r"\(.*\)$", "", f.db_type(connection) or "text") for f in (pk, *fields)]
            one = "(" + ", ".join(f"%s::{kind}" for kind in types) + ")"
            names = ", ".join(quote(f"v_{f.column}") for f in (pk, *fields))
            sets = ", ".join(f"{quote(f.column)} = v.{quote(f'v_{f.column}')}" for f in fields)
            # Names come from the model, quoted; the values are parameters.
            sql = (
                f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(prepared))}) AS v ({names}) "  # noqa: S608
                f"WHERE {table}.{quote(pk.column)} = v.{quote(f'v_{pk.column}')}"
            )
            self.add(sql, [value for row in prepared for value in row])
            return
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {sets} WHERE {quote(pk.column)} = %s"  # noqa: S608
        for row in prepared:
            self.add(sql, [*row[1:], row[0]])

    def execute(self) -> list[tuple[Any, ...]]:
        """Runs the statements (then forgets them); the rows of the last one ([] if it returns none)."""
        items, self._items = self._items, []
        if not items:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(items) > 1:
                cursor.execute(
                    ";\n".join(sql for sql, _ in items), [p for _, params in items for p in params]
                )
                while cursor.nextset():
                    pass
            else:
                for sql, params in items:
                    cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []


def stream_values(queryset: QuerySet[Any], chunk_size: int) -> Iterator[tuple[Any, ...]]:
    """The rows of a `values_list()` queryset as plain tuples, streamed by a server-side cursor
    (bounded memory), for reading hundreds of thousands of rows (a batch's files, a year of bookings
    to price; with `lock()` the rows are locked as they are read).

    On PostgreSQL the cursor reads timestamps with psycopg's C loader: Django's own (it pins the
    timezone) is written in Python and costs several microseconds per value, a quarter of the time of
    a batch's files. Both give the same aware UTC instants (Django sets the session's TimeZone to
    UTC). Inside a transaction (the files and pricing open one) the next chunk is fetched by a thread while the caller formats this one: the
    database computes it meanwhile, on another core."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    from psycopg.types.datetime import TimestamptzLoader

    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        raw = cursor.cursor
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)
        if connection.in_atomic_block:
            # The rows are all read: plan for the whole result (hash joins), not for the first 10 %
            # as PostgreSQL does for a cursor by default (nested loops, much slower over a year).
            with connection.cursor() as setting:
                setting.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        cursor.execute(sql, params)
        if not connection.in_atomic_block:
            # A cursor WITH HOLD: the query ran whole at DECLARE, nothing to overlap.
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
            return
        for rows in prefetched(lambda: raw.fetchmany(chunk_size)):
            yield from rows


def prefetched(fetch: Any) -> Iterator[list[Any]]:
    """The lists `fetch()` returns until an empty one, each fetched by a thread while the caller
    handles the previous one. The caller must not use the connection meanwhile; stopping early (or an
    error in either thread) stops and joins the thread before returning."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def work() -> None:
        try:
            while not stop.is_set():
                chunk = fetch()
                put(chunk)
                if not chunk:
                    return
        except BaseException as error:  # handed over to the caller, raised there
            put(error)

    thread = threading.Thread(target=work, name="bulk-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()
        thread.join()


# A run that wrote at least this many rows refreshes the planner's statistics of what it wrote.
ANALYZE_AFTER_ROWS = 100_000


def analyze(model: type[models.Model]) -> None:
    """Refreshes the database's statistics of a table after a bulk write (PostgreSQL's "Populating a
    database" advice): autovacuum would only get to it a minute later, and meanwhile the next queries
    are planned on the old figures (a year of pricings still seen as none: one sequential scan per
    venue instead of an index lookup)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
