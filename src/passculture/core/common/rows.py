"""Hot reads with their SQL built once from the models' metadata, then run through a cursor (decision 0040).

Building and compiling a queryset costs the booking more CPU than PostgreSQL spends answering it. A
`RowReader` is a fixed query: one model, some to-one relations joined like `select_related`, equality
filters and an order; its SQL is written at the first call on a connection and kept. The rows become
model instances as the ORM makes them (`Model.from_db`, the backend's and fields' converters, the
relations' caches filled), so callers cannot tell the difference.

    STOCK = RowReader(Stock, related=("offer__venue__offerer",), where=("id",))
    stock = STOCK.one(connection, [stock_id])

`extra`: more columns, each a name and a function returning (SQL, params) from the connection and a
column formatter `column(path, attname)`; a `Param("name")` among the params is given at each call
(`reader.one(connection, [pk], name=value)`) (the table alias of a relation path, "" for the model itself); its value is set
on the instance under that name, like an annotation; a third item, a model field, converts the value as
a column of that field would be. `condition`: one more filter, a function of the same
kind (its SQL is ANDed to the equalities, its params follow theirs).
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Field, Model

Column = Callable[[str, str], str]
ExtraSql = Callable[[Any, Column], tuple[str, list]]
# A name and its SQL; with a model field, the value goes through that field's converters (a datetime
# read from SQLite's text, for one).
Extra = tuple[str, ExtraSql] | tuple[str, ExtraSql, Field]


def field_of(model: type[Model], name: str) -> Field:
    """A concrete field by name or attname (`user` or `user_id`)."""
    return cast(Field, model._meta.get_field(name))


def quoted_column(connection, model: type[Model], name: str) -> str:
    return connection.ops.quote_name(field_of(model, name).column)


def hot_cursor(connection):
    """A cursor for the statements built here. On PostgreSQL, when prepared statements are on
    (settings: DATABASE_PREPARED_STATEMENTS), it binds the parameters on the server and prepares each
    statement once per connection: planning the stock read's joins cost PostgreSQL more than running
    it (decision 0040). Django's own cursors bind on the client and never prepare. Elsewhere, or
    prepared statements off, the usual cursor. Django's execute wrappers see every statement."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    # Logging the queries (DEBUG, CaptureQueriesContext) needs the statement's text with its values,
    # which a prepared statement's run does not give back: the usual cursor then.
    if connection.connection.prepare_threshold is None or connection.queries_logged:
        return connection.cursor()
    return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Server-side binding, and every statement prepared at its first run on the connection."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


@dataclass(frozen=True)
class Param:
    """A parameter of an extra column given at each call, by name."""

    name: str


@dataclass
class _Table:
    model: type[Model]
    alias: str
    path: str
    parent: int | None  # index of the table whose foreign key joins this one
    field: Any  # that foreign key
    nullable: bool


@dataclass
class _Compiled:
    sql: str
    params: list
    # Per table: (first column, number of columns, index of the pk, [(column index, converters, column)]).
    slices: list[tuple[int, int, int, list[tuple[int, list, Any]]]]
    extras_at: int
    # Per extra column: the converters of its field, if it gave one.
    extra_converters: list[tuple[list, Any]]
    condition_params: list


class RowReader:
    def __init__(
        self,
        model: type[Model],
        *,
        related: Sequence[str] = (),
        where: Sequence[str] = ("id",),
        order_by: Sequence[str] = (),
        for_update: bool = False,
        extra: Sequence[Extra] = (),
        condition: Callable[[Any, Column], tuple[str, list]] | None = None,
    ) -> None:
        self.model = model
        self.condition = condition
        self.where = tuple(where)
        self.order_by = tuple(order_by)
        self.for_update = for_update
        self.extra = tuple(extra)
        self.tables = self._plan(model, related)
        self._compiled: dict[str, _Compiled] = {}

    @staticmethod
    def _plan(model: type[Model], related: Sequence[str]) -> list[_Table]:
        tables = [_Table(model, "t0", "", None, None, False)]
        by_path = {"": 0}
        for chain in related:
            path = ""
            for name in chain.split("__"):
                parent_index = by_path[path]
                parent = tables[parent_index]
                path = f"{path}__{name}" if path else name
                if path in by_path:
                    continue
                field = field_of(parent.model, name)
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    raise ValueError(f"{chain}: only forward to-one relations can be joined")
                by_path[path] = len(tables)
                tables.append(
                    _Table(
                        cast(type[Model], field.related_model),
                        f"t{len(tables)}",
                        path,
                        parent_index,
                        field,
                        parent.nullable or field.null,
                    )
                )
        return tables

    def compiled(self, connection) -> _Compiled:
        compiled = self._compiled.get(connection.alias)
        if compiled is None:
            compiled = self._compiled[connection.alias] = self._compile(connection)
        return compiled

    def _compile(self, connection) -> _Compiled:
        quote = connection.ops.quote_name
        columns: list[str] = []
        slices: list = []
        joins: list[str] = []
        for table in self.tables:
            converters = []
            start = len(columns)
            for index, field in enumerate(table.model._meta.concrete_fields):
                columns.append(f"{table.alias}.{quote(field.column)}")
                col = field.get_col(table.alias)
                found = _converters(connection, col)
                if found:
                    converters.append((index, found, col))
            pk_index = list(table.model._meta.concrete_fields).index(table.model._meta.pk)
            slices.append((start, len(columns) - start, pk_index, converters))
            if table.parent is not None:
                parent = self.tables[table.parent]
                kind = "LEFT OUTER JOIN" if table.nullable else "INNER JOIN"
                target = table.field.target_field.column
                joins.append(
                    f"{kind} {quote(table.model._meta.db_table)} {table.alias} ON "
                    f"{table.alias}.{quote(target)} = {parent.alias}.{quote(table.field.column)}"
                )
        aliases = {table.path: table.alias for table in self.tables}

        def column(path: str, attname: str) -> str:
            return f"{aliases[path]}.{quote(attname)}"

        extras_at = len(columns)
        params: list = []
        extra_converters: list[tuple[list, Any]] = []
        for _name, build, *output in self.extra:
            sql, extra_params = build(connection, column)
            columns.append(f"({sql})")
            params.extend(extra_params)
            value_col = output[0].cached_col if output else None
            extra_converters.append(
                (_converters(connection, value_col) if value_col is not None else [], value_col)
            )
        meta = self.model._meta
        where = " AND ".join(f"t0.{quoted_column(connection, self.model, n)} = %s" for n in self.where)
        condition_params: list = []
        if self.condition is not None:
            condition, condition_params = self.condition(connection, column)
            where = f"{where} AND ({condition})" if where else f"({condition})"
        # Names come from the models, quoted; the values are parameters.
        sql = f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} t0 {' '.join(joins)} WHERE {where}"  # noqa: S608
        if self.order_by:
            sql += " ORDER BY " + ", ".join(
                f"t0.{quoted_column(connection, self.model, n)}" for n in self.order_by
            )
        if self.for_update and connection.features.has_select_for_update:
            sql += " FOR UPDATE OF t0" if connection.features.has_select_for_update_of else " FOR UPDATE"
        return _Compiled(sql, params, slices, extras_at, extra_converters, condition_params)

    def all(self, connection, params: Sequence, **given: Any) -> list[Any]:
        compiled = self.compiled(connection)
        extra = [given[p.name] if isinstance(p, Param) else p for p in compiled.params]
        condition = [given[p.name] if isinstance(p, Param) else p for p in compiled.condition_params]
        with hot_cursor(connection) as cursor:
            cursor.execute(compiled.sql, [*extra, *params, *condition])
            rows = cursor.fetchall()
        return [self._instance(connection, compiled, row) for row in rows]

    def one(self, connection, params: Sequence, **given: Any) -> Any:
        found = self.all(connection, params, **given)
        return found[0] if found else None

    def _instance(self, connection, compiled: _Compiled, row) -> Model:
        made: list[Model | None] = []
        db = connection.alias
        for table, (start, count, pk_index, converters) in zip(self.tables, compiled.slices, strict=True):
            values = list(row[start : start + count])
            for index, found, col in converters:
                values[index] = _converted(values[index], found, col, connection)
            parent = made[table.parent] if table.parent is not None else None
            if table.parent is not None and (parent is None or values[pk_index] is None):
                made.append(None)
                if parent is not None:
                    table.field.set_cached_value(parent, None)
                continue
            instance = table.model.from_db(db, (), values)  # every concrete field, in order
            if parent is not None:
                table.field.set_cached_value(parent, instance)
            made.append(instance)
        root = made[0]
        assert root is not None
        extras = zip(self.extra, compiled.extra_converters, row[compiled.extras_at :], strict=True)
        for (name, *_build), (found, col), value in extras:
            setattr(root, name, _converted(value, found, col, connection))
        return root


def _converters(connection, col) -> list:
    """What the ORM runs on a value read for this column: the backend's converters, then the field's."""
    return connection.ops.get_db_converters(col) + col.get_db_converters(connection)


def _converted(value, converters: list, col, connection):
    for converter in converters:
        value = converter(value, col, connection)
    return value


def insert(connection, objs: Sequence[Model]) -> None:
    """Inserts unsaved instances of one model in one statement, as `bulk_create` would (each field's
    `pre_save`, `auto_now_add` included, and `get_db_prep_save`; no signal), and sets their primary keys.
    The statement's text is built once for each model and number of rows."""
    if not objs:
        return
    model = type(objs[0])
    if any(obj.pk is not None for obj in objs):
        raise ValueError("insert() makes new rows: their key comes from the database")
    if not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.using(connection.alias).bulk_create(objs)
        return
    sql, params = insert_statement(connection, objs)
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    _set_keys(connection, objs, [value for (value,) in ids])


def _insert_fields(model: type[Model]) -> list[Field]:
    # As bulk_create: the database fills the auto-incremented key (and any generated column).
    return [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "db_returning", False) and not getattr(f, "generated", False)
    ]


def insert_statement(connection, objs: Sequence[Model], *, returning: bool = True) -> tuple[str, list]:
    """The INSERT of unsaved instances of one model and its parameters, as `insert` runs it (each
    field's `pre_save`, then `get_db_prep_save`); `returning`: it answers the new keys."""
    fields = _insert_fields(type(objs[0]))
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objs for field in fields
    ]
    return _insert_sql(connection, type(objs[0]), len(objs), returning), params


_INSERT_SQL: dict[tuple[str, type[Model], int, bool], str] = {}


def _insert_sql(connection, model: type[Model], count: int, returning: bool) -> str:
    key = (connection.alias, model, count, returning)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        fields = _insert_fields(model)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = _INSERT_SQL[key] = (
            # Names come from the model, quoted; the values are parameters.
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES {', '.join([row] * count)}"
            + (f" RETURNING {quote(model._meta.pk.column)}" if returning else "")
        )
    return sql


class Writes:
    """Writes nothing reads back before the last of them, sent as one statement (decision 0043): on
    PostgreSQL each becomes a data-modifying CTE of one prepared statement, so a booking's debit,
    audit entry and outbox rows cost one round trip while the stock row is locked instead of four.
    Elsewhere they run one by one, in order. New rows get their keys, as with `insert`.

        writes = Writes(connection)
        writes.add(sql, params)
        writes.insert([entry])
        writes.execute()

    Every sub-statement sees the snapshot the statement started with: none may read what another
    writes (a key the caller already holds is fine)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self._items: list[tuple[str, list, Sequence[Model] | None]] = []

    def add(self, sql: str, params: Sequence) -> None:
        self._items.append((sql, list(params), None))

    def insert(self, objs: Sequence[Model]) -> None:
        """Unsaved instances of one model (`insert`'s rules); their keys are set by `execute`."""
        if not objs:
            return
        if any(obj.pk is not None for obj in objs):
            raise ValueError("insert() makes new rows: their key comes from the database")
        if not self.connection.features.can_return_rows_from_bulk_insert:
            self._items.append(("", [], objs))
            return
        sql, params = insert_statement(self.connection, objs)
        self._items.append((sql, params, objs))

    def execute(self) -> None:
        """Sends the writes added since the last call, then forgets them."""
        items, self._items = self._items, []
        if not items:
            return
        if self.connection.vendor != "postgresql" or len(items) == 1:
            for sql, params, objs in items:
                if objs is not None and not sql:
                    insert(self.connection, objs)
                    continue
                with hot_cursor(self.connection) as cursor:
                    cursor.execute(sql, params)
                    if objs is not None:
                        _set_keys(self.connection, objs, [value for (value,) in cursor.fetchall()])
            return
        quote = self.connection.ops.quote_name
        ctes = [f"w{index} AS ({sql})" for index, (sql, _, _) in enumerate(items)]
        keyed = [(index, objs) for index, (_, _, objs) in enumerate(items) if objs is not None]
        # The new keys, tagged with their statement; the rows of one INSERT come back in its VALUES'
        # order, as bulk_create relies on. Names come from the models, quoted; the values are parameters.
        final = " UNION ALL ".join(
            f"SELECT {index} AS w, {quote(objs[0]._meta.pk.column)} AS k FROM w{index}"  # noqa: S608
            for index, objs in keyed
        )
        sql = f"WITH {', '.join(ctes)} {final or 'SELECT NULL AS w, NULL AS k WHERE FALSE'}"
        with hot_cursor(self.connection) as cursor:
            cursor.execute(sql, [param for _, params, _ in items for param in params])
            found = cursor.fetchall()
        for index, objs in keyed:
            _set_keys(self.connection, objs, [key for tag, key in found if tag == index])


def _set_keys(connection, objs: Sequence[Model], keys: list) -> None:
    pk = objs[0]._meta.pk
    for obj, value in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias
