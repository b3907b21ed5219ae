"""The imported showtimes of a venue as the import reads, compares and writes them (used by apply.py).

Rows, not model instances: a daily import reads every future showtime of the venue and writes few of
them, and building a Stock per row (with its JSON and date conversions) was most of a compare's cost.
New showtimes are written with `core.common.bulk.insert_rows` (binary COPY on PostgreSQL): Django's
`bulk_create` spent most of a first import converting 300 instances per theatre field by field.
Changed ones are written with `update_rows` (one UPDATE ... FROM VALUES), not `bulk_update`'s CASE, sent
with the venue's other writes (`Statements`).
"""

import datetime as dt
import functools
import json
from typing import NamedTuple

from django.db import connection
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast

from passculture.core.common.bulk import Statements, insert_rows
from passculture.core.common.rows import quoted_column
from passculture.core.common.time import local_to_utc
from passculture.core.offers.models import Stock

from .memo import REF_PREFIX
from .models import AllocineVanishedShowtime

STOCK_SYNCED_FIELDS = ("price_cents", "price_category", "quantity", "booking_limit_datetime", "version")
# A showtime whose price the pro chose (its category, or before categories its price) keeps both.
PRICE_FIELDS = frozenset({"price_cents", "price_category"})
# Every column of a new imported showtime, in insert order (`new_stock_rows`).
INSERTED_FIELDS = (
    "offer",
    "price_category",
    "price_cents",
    "quantity",
    "booked_quantity",
    "beginning_datetime",
    "booking_limit_datetime",
    "version",
    "is_deleted",
    "provider_ref",
    "id_at_provider",
    "features",
    "edited_fields",
    "created_at",
    "updated_at",
)


class StockRow(NamedTuple):
    """The columns of an imported future showtime that the import compares."""

    pk: int
    offer_id: int
    price_cents: int
    price_category_id: int | None
    quantity: int | None
    booked_quantity: int
    booking_limit_datetime: dt.datetime | None
    # The pro may have moved the showtime (the feed's start then stays in `provider_ref` only).
    beginning_datetime: dt.datetime
    version: str
    is_deleted: bool
    # The open alert of this showtime (a booked one that vanished from the feed: alerts.py), if any.
    open_alert_id: int | None
    edited_fields: tuple[str, ...] | list[str]


def future_stock_rows(offer_ids: list[int], at: dt.datetime) -> dict[str, StockRow]:
    """{provider_ref: row} of the imported showtimes of these offers starting after `at`, with their
    open alert (read with them: one round trip less per venue).

    Past showtimes are history: only the future ones can be updated, deleted or recreated. Asked by
    offer ids (rather than joining on the venue): the plan stays on the offer index even when the
    statistics are stale, e.g. right after the first national import, where the join was planned as a
    scan of every future showtime."""
    if not offer_ids:
        return {}
    make = StockRow._make
    # "[]" (nothing edited by hand) is tested here: a call per showtime less.
    return {
        row[0]: make((*row[1:-1], () if row[-1] == "[]" else _edited_fields(row[-1])))
        for row in _fetch(offer_ids, at)
    }


def _queryset(offer_ids: list[int], at: dt.datetime):
    return (
        Stock.objects.filter(
            offer_id__in=offer_ids, provider_ref__startswith=REF_PREFIX, beginning_datetime__gt=at
        )
        .order_by()
        # The JSON list as text: almost always "[]", decoded only when the pro edited something.
        .annotate(
            edited_text=Cast("edited_fields", TextField()),
            open_alert_id=Subquery(
                AllocineVanishedShowtime.objects.filter(stock_id=OuterRef("pk"), resolved_at__isnull=True)
                .order_by("pk")
                .values("pk")[:1]
            ),
        )
        .values_list("provider_ref", *StockRow._fields[:-1], "edited_text")
    )


def _fetch(offer_ids: list[int], at: dt.datetime) -> list[tuple]:
    """The rows of `_queryset`. On PostgreSQL its SQL is written once (`_sql`: compiling the queryset
    was a fifth of this read's cost) and the timestamps are read with psycopg's C loader: Django's own
    (it pins the timezone) is written in Python, and three timestamps of 300 rows per theatre were a
    tenth of a daily import's CPU. Both give the same aware UTC instants (Django sets the session's
    TimeZone to UTC)."""
    if connection.vendor != "postgresql":
        return list(_queryset(offer_ids, at))
    from psycopg.types.datetime import TimestamptzLoader

    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(_sql(connection, len(offer_ids)), [*offer_ids, _LIKE_PREFIX, at])
        return cursor.fetchall()


_LIKE_PREFIX = REF_PREFIX.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
_SQL: dict[str, str] = {}


def _sql(connection, count: int) -> str:
    """`_queryset`'s SQL for PostgreSQL, with `count` offer ids: the same statement as the ORM's."""
    template = _SQL.get(connection.alias)
    if template is None:
        quote = connection.ops.quote_name
        stock = functools.partial(quoted_column, connection, Stock)
        alert = functools.partial(quoted_column, connection, AllocineVanishedShowtime)
        names = {"pk": "id"}
        selected = [f"s.{stock('provider_ref')}"]
        for name in StockRow._fields[:-1]:
            if name == "open_alert_id":
                selected.append(
                    f"(SELECT a.{alert('id')} FROM {quote(AllocineVanishedShowtime._meta.db_table)} a "  # noqa: S608
                    f"WHERE a.{alert('stock')} = s.{stock('id')} AND a.{alert('resolved_at')} IS NULL "
                    f"ORDER BY a.{alert('id')} LIMIT 1)"
                )
            else:
                selected.append(f"s.{stock(names.get(name, name))}")
        selected.append(f"(s.{stock('edited_fields')})::text")
        # Names come from the models, quoted; the values are parameters.
        template = _SQL[connection.alias] = (
            f"SELECT {', '.join(selected)} FROM {quote(Stock._meta.db_table)} s "  # noqa: S608
            f"WHERE s.{stock('offer')} IN ({{ids}}) AND s.{stock('provider_ref')}::text LIKE %s "
            f"AND s.{stock('beginning_datetime')} > %s"
        )
    return template.replace("{ids}", ", ".join(["%s"] * count))


def _edited_fields(text: str | None) -> tuple[str, ...] | list[str]:
    return json.loads(text) if text and text != "[]" else ()


def new_stock_rows(
    planned: list[tuple[int, int | None, list[tuple[dt.datetime, str, str]]]],
    price_cents: int,
    quantity: int | None,
    now: dt.datetime,
) -> list[tuple]:
    """The new showtimes' values in INSERTED_FIELDS order, from (offer id, its category id, [(start,
    version, ref)]); a showtime's booking limit is its start. The tuples are written here, without a
    call per showtime: a first national import makes 600,000 of them."""
    empty: list = []  # never changed: insert_rows only reads it, as the same empty JSON list
    return [
        (
            offer_id,
            category_id,
            price_cents,
            quantity,
            0,
            start,
            start,
            version,
            False,
            ref,
            "",
            empty,
            empty,
            now,
            now,
        )
        for offer_id, category_id, new_stocks in planned
        for start, version, ref in new_stocks
    ]


@functools.lru_cache(maxsize=4096)
def feed_start(local_start: dt.datetime, tz_name: str) -> tuple[dt.datetime, str]:
    """A feed's local start (naive) in `tz_name`: its UTC instant and its ISO text (the stock's ref).
    Remembered: a national day has a few hundred distinct starts for hundreds of thousands of
    showtimes, and the conversion cost more than the rest of a showtime's compare."""
    return local_to_utc(local_start, tz_name), local_start.isoformat()


def insert_stocks(rows: list[tuple]) -> int:
    return insert_rows(Stock, INSERTED_FIELDS, rows) if rows else 0


def update_stocks(rows: list[tuple], statements: Statements) -> None:
    """`rows`: (pk, *values in STOCK_SYNCED_FIELDS order) from `refreshed_values`, added to
    `statements`. Like the import's `bulk_update` before it, `updated_at` is left as it is."""
    statements.update_rows(Stock, STOCK_SYNCED_FIELDS, rows)


def refreshed_values(
    stock: StockRow, price_cents: int, quantity: int | None, version: str, category_id: int | None
) -> tuple | None:
    """(pk, *the synced fields) to write when the feed or the settings changed one of the showtime's
    fields that the pro did not edit; None when nothing changes (the common case, kept cheap).

    The default booking limit is the showtime's own start, not the feed's: a showtime the pro moved
    keeps its `provider_ref` (the feed's time, so that it is recognised), and a limit that followed the
    move would otherwise be pulled back to the old time, closing bookings before the show.

    `category_id`: the offer's import category (None: it has none, the stock keeps its own)."""
    if quantity is not None and quantity < stock.booked_quantity:
        # Never fewer seats than already booked (the database refuses it anyway).
        quantity = stock.booked_quantity
    # In STOCK_SYNCED_FIELDS order.
    current: tuple[object, ...] = (
        stock.price_cents,
        stock.price_category_id,
        stock.quantity,
        stock.booking_limit_datetime,
        stock.version,
    )
    wanted: tuple[object, ...] = (
        price_cents,
        stock.price_category_id if category_id is None else category_id,
        quantity,
        stock.beginning_datetime,
        version,
    )
    if stock.edited_fields:
        edited = set(stock.edited_fields)
        if edited & PRICE_FIELDS:
            edited |= PRICE_FIELDS
        wanted = tuple(
            now if name in edited else value
            for name, now, value in zip(STOCK_SYNCED_FIELDS, current, wanted, strict=True)
        )
    if wanted == current:
        return None
    return (stock.pk, *wanted)
