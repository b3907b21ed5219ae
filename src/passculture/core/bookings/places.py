"""Taking a stock's places for a booking with the stock row locked as late as possible (decision 0039).

The stock is read without a lock, then one conditional UPDATE takes the places; it matches, and locks
the row, only if enough places remain and nothing the booking read from the row changed. PostgreSQL
re-evaluates the WHERE of an UPDATE that waited for the row on its latest version, so a match is as good
as reading the row under its lock. Anything unusual goes the old way: SELECT ... FOR UPDATE, then every
check (services._book_offer).
"""

import datetime as dt
import functools

from django.db import connections

from passculture.core.common import rows
from passculture.core.common.rows import RowReader, field_of, quoted_column
from passculture.core.credit import selectors as credit_selectors
from passculture.core.offers.models import Stock

from . import hooks
from .constants import BookingStatus
from .models import Booking
from .validation import check_booking, is_valid_quantity

STOCK_FOR_BOOKING = ("offer__venue__offerer", "price_category__label")
MAX_ID = 2**63 - 1


@functools.cache
def _stock_reader(conditions: tuple) -> RowReader:
    """The stock with its offer, venue, offerer and price, and one flag per external booker that gave a
    venue condition (hooks): one statement, its SQL built once (decision 0040)."""

    def flag(venue_sql):
        return lambda connection, column: venue_sql(connection, column("offer", "venue_id"))

    return RowReader(
        Stock,
        related=STOCK_FOR_BOOKING,
        extra=[(f"_booker_{index}", flag(venue_sql)) for index, venue_sql in conditions],
    )


def read_stock(stock_id: int, using: str = "default") -> tuple[Stock | None, frozenset[int]]:
    """The stock as the booking reads it, without a lock, and the external bookers (hooks) whose venue
    condition is false for it: they need not be asked. None for an unknown stock (every conditional
    booker skipped: none sells it)."""
    conditions = tuple(hooks.venue_conditions())
    stock_id = Stock._meta.pk.get_prep_value(stock_id)
    found = None
    if 0 < stock_id <= MAX_ID:
        found = _stock_reader(conditions).one(connections[using], [stock_id])
    if found is None:
        return None, frozenset(index for index, _ in conditions)
    return found, frozenset(index for index, _ in conditions if not getattr(found, f"_booker_{index}"))


def take_places(stock: Stock | None, quantity: int, using: str = "default") -> bool:
    """Takes the places of the stock read by `read_stock` with one conditional UPDATE, which locks the row
    only if nothing the booking read from it changed and enough places remain (decision 0039). False when
    the read says it cannot be booked or the UPDATE matched nothing: the caller then locks the row with
    SELECT ... FOR UPDATE, checks everything again and says why (the way every booking went before)."""
    if stock is None or stock.is_deleted or not is_valid_quantity(quantity, is_duo=stock.offer.is_duo):
        return False
    if is_sold_out(stock, quantity):
        return False
    connection = connections[using]
    # The fields the booking read: equal, or both NULL (the statement's text depends on which are NULL).
    guarded = ("quantity", "price_cents", "price_category_id", "beginning_datetime", "booking_limit_datetime")
    values = [getattr(stock, name) for name in guarded]
    sql = _take_places_sql(connection.alias, tuple(value is None for value in values))
    fields = [field_of(Stock, name) for name in guarded]
    params = [quantity, stock.pk]
    params += [
        f.get_db_prep_value(v, connection) for f, v in zip(fields, values, strict=True) if v is not None
    ]
    if stock.quantity is not None:
        # Evaluated on the row's latest version once its lock is granted (PostgreSQL re-checks the WHERE
        # of an UPDATE that waited): a booking that waited sees the places sold meanwhile.
        params.append(stock.quantity - quantity)
    with rows.hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@functools.cache
def _take_places_sql(using: str, nulls: tuple[bool, ...]) -> str:
    connection = connections[using]
    guarded = ("quantity", "price_cents", "price_category", "beginning_datetime", "booking_limit_datetime")
    booked, deleted = (quoted_column(connection, Stock, name) for name in ("booked_quantity", "is_deleted"))
    conditions = [f"{quoted_column(connection, Stock, 'id')} = %s", f"NOT {deleted}"]
    for name, is_null in zip(guarded, nulls, strict=True):
        column = quoted_column(connection, Stock, name)
        conditions.append(f"{column} IS NULL" if is_null else f"{column} = %s")
    if not nulls[0]:
        conditions.append(f"{booked} <= %s")
    table = connection.ops.quote_name(Stock._meta.db_table)
    # Names come from the model, quoted; the values are parameters.
    return f"UPDATE {table} SET {booked} = {booked} + %s WHERE {' AND '.join(conditions)}"  # noqa: S608


def is_sold_out(stock: Stock, quantity: int) -> bool:
    return (
        isinstance(quantity, int)
        and stock.quantity is not None
        and stock.quantity - stock.booked_quantity < quantity
    )


def already_booked(user, offer, using: str = "default") -> bool:
    """A non-cancelled booking of this offer by this person exists (the unique index refuses a second)."""
    connection = connections[using]
    with rows.hot_cursor(connection) as cursor:
        cursor.execute(
            _already_booked_sql(connection.alias), [user.pk, offer.pk, BookingStatus.CANCELLED.value]
        )
        return cursor.fetchone() is not None


@functools.cache
def _already_booked_sql(using: str) -> str:
    connection = connections[using]
    user, offer, status = (quoted_column(connection, Booking, name) for name in ("user", "offer", "status"))
    return f"SELECT 1 FROM {connection.ops.quote_name(Booking._meta.db_table)} WHERE {user} = %s AND {offer} = %s AND {status} <> %s LIMIT 1"  # noqa: S608


def refuse_unlocked(user, stock: Stock, quantity: int, *, at: dt.datetime) -> None:
    """Raises the refusal of a booking of a stock read sold out (or an earlier check's refusal)."""
    check_booking(
        user,
        stock,
        quantity,
        deposits=credit_selectors.deposits_of(user),
        already_booked=lambda: already_booked(user, stock.offer),
        at=at,
    )
