"""Taking a stock's places for a booking with the stock row locked as late as possible (decision 0039).

The stock is read without a lock, then one conditional UPDATE takes the places; it matches, and locks
the row, only if enough places remain and nothing the booking read from the row changed. PostgreSQL
re-evaluates the WHERE of an UPDATE that waited for the row on its latest version, so a match is as good
as reading the row under its lock. Anything unusual goes the old way: SELECT ... FOR UPDATE, then every
check (services._book_offer).
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connections

from passculture.core.common import rows
from passculture.core.common.rows import Param, RowReader, field_of, quoted_column
from passculture.core.credit.exceptions import InsufficientCredit
from passculture.core.credit.models import Deposit
from passculture.core.notifications import push
from passculture.core.offers.models import Stock

from . import hooks
from .constants import BookingStatus
from .models import Booking
from .validation import check_booking_before_plan, is_valid_quantity

STOCK_FOR_BOOKING = ("offer__venue__offerer", "price_category__label")
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class StockRead:
    """What the booking reads in its first statement, without a lock (decision 0040)."""

    stock: Stock | None  # None: no such stock
    # The external bookers (hooks) whose venue condition is false: they need not be asked.
    skip: frozenset[int]
    # The clock when it was read: the instant of a refusal without a lock.
    at: dt.datetime
    # When the person's last credit expires, None when none was granted (or no such stock); and what
    # their credits usable at `at` may still spend. All a refusal without a lock needs of the credits
    # (decision 0045).
    credit_ends_at: dt.datetime | None
    credit_room_cents: int = 0
    # A non-cancelled booking of this offer by this person exists (the unique index refuses a second).
    already_booked: bool = False
    # The person has a device for push notifications.
    has_push_device: bool = False


@functools.cache
def _stock_reader(conditions: tuple) -> RowReader:
    """The stock with its offer, venue, offerer and price; whether the person already booked the offer
    and has a push device, when their last credit expires and what their usable credits may spend; one
    flag per external booker that gave a venue condition (hooks): one statement, its SQL built once."""

    def flag(venue_sql):
        return lambda connection, column: venue_sql(connection, column("offer", "venue_id"))

    def already_booked(connection, column):
        table = connection.ops.quote_name(Booking._meta.db_table)
        user, offer, status = (quoted_column(connection, Booking, n) for n in ("user", "offer", "status"))
        return (
            # Names come from the model, quoted; the values are parameters.
            f"EXISTS (SELECT 1 FROM {table} WHERE {user} = %s AND {offer} = {column('', 'offer_id')} "  # noqa: S608
            f"AND {status} <> %s)",
            [Param("user_id"), BookingStatus.CANCELLED.value],
        )

    def has_push_device(connection, column):
        return push.has_device_sql(connection, Param("user_id"))

    def credit_ends_at(connection, column):
        table = connection.ops.quote_name(Deposit._meta.db_table)
        user, expires = (quoted_column(connection, Deposit, n) for n in ("user", "expires_at"))
        # Names come from the model, quoted; the value is a parameter.
        return f"SELECT MAX({expires}) FROM {table} WHERE {user} = %s", [Param("user_id")]  # noqa: S608

    def credit_room(connection, column):
        """What `plan_spending` would find the usable credits may spend at most: each one's amount left
        (never under 0; the database refuses a deposit spent over its amount anyway)."""
        table = connection.ops.quote_name(Deposit._meta.db_table)
        user, expires, amount, spent = (
            quoted_column(connection, Deposit, n)
            for n in ("user", "expires_at", "amount_cents", "spent_cents")
        )
        room = f"CASE WHEN {amount} > {spent} THEN {amount} - {spent} ELSE 0 END"
        return (
            # Names come from the model, quoted; the values are parameters.
            f"SELECT COALESCE(SUM({room}), 0) FROM {table} WHERE {user} = %s AND {expires} > %s",  # noqa: S608
            [Param("user_id"), Param("at")],
        )

    return RowReader(
        Stock,
        related=STOCK_FOR_BOOKING,
        extra=[
            ("_already_booked", already_booked),
            ("_has_push_device", has_push_device),
            ("_credit_ends_at", credit_ends_at, field_of(Deposit, "expires_at")),
            ("_credit_room_cents", credit_room),
            *((f"_booker_{index}", flag(venue_sql)) for index, venue_sql in conditions),
        ],
    )


def read_stock(stock_id: int, user, at: dt.datetime, using: str = "default") -> StockRead:
    """The stock as the booking reads it at `at`, without a lock, with what the booking needs to know
    about the person and the ticketing hooks. An unknown stock: every conditional booker skipped (none
    sells it)."""
    conditions = tuple(hooks.venue_conditions())
    stock_id = Stock._meta.pk.get_prep_value(stock_id)
    found = None
    if 0 < stock_id <= MAX_ID:
        connection = connections[using]
        at_value = field_of(Deposit, "expires_at").get_db_prep_value(at, connection)
        found = _stock_reader(conditions).one(connection, [stock_id], user_id=user.pk, at=at_value)
    if found is None:
        return StockRead(None, frozenset(index for index, _ in conditions), at, None)
    return StockRead(
        found,
        frozenset(index for index, _ in conditions if not getattr(found, f"_booker_{index}")),
        at,
        credit_ends_at=found._credit_ends_at,
        credit_room_cents=int(found._credit_room_cents),
        already_booked=bool(found._already_booked),
        has_push_device=bool(found._has_push_device),
    )


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


def may_refuse_unlocked(read: StockRead, quantity: int) -> bool:
    """Whether what was read already refuses the booking: the showtime sold out, the offer booked
    already, or the usable credits short of its price. `refuse_unlocked` then says why."""
    stock = read.stock
    return stock is not None and (
        read.already_booked or is_sold_out(stock, quantity) or _is_short_of_credit(read, quantity)
    )


def _is_short_of_credit(read: StockRead, quantity: int) -> bool:
    assert read.stock is not None
    # A quantity the rules refuse is refused by them, in their order. A digital offer too: its room
    # under the shared digital cap is never more than what the credits have left.
    return isinstance(quantity, int) and read.stock.price_cents * quantity > read.credit_room_cents


def refuse_unlocked(user, read: StockRead, quantity: int) -> None:
    """Raises the refusal of a booking that `may_refuse_unlocked` said was refused, as of the read
    (`read.at`): the checks of `check_booking`, in their order, on what was read. Nothing more is read:
    the checks before the spending plan need of the credits only when the last one expires, and the plan
    fails with INSUFFICIENT_CREDIT whenever the usable credits have less left than the price, a digital
    offer's cap never allowing more (decision 0045)."""
    assert read.stock is not None
    check_booking_before_plan(
        user,
        read.stock,
        quantity,
        credit_ends_at=read.credit_ends_at,
        already_booked=lambda: read.already_booked,
        at=read.at,
    )
    if _is_short_of_credit(read, quantity):
        raise InsufficientCredit()
