"""Extension points for the ticketing app, which imports bookings (never the reverse: no cycle).

- the external booker: books a stock sold through a cinema's ticketing system, or returns None when the
  stock is booked here (registered by providers.ticketing's AppConfig.ready). It may give `venue_sql`:
  a function of (connection, the SQL column holding the stock's venue id) returning (SQL condition, params) true for
  every venue it might sell for; the booking reads it in the same statement as the stock and calls the
  booker only when it holds (decision 0040);
- cancellation listeners: called inside the transaction that cancels a booking (to queue the call that
  cancels its tickets in the cinema's system, atomically with the cancellation).
"""

from collections.abc import Callable
from typing import Any

VenueSql = Callable[[Any, str], tuple[str, list]]

_external_bookers: list[tuple[Callable[..., Any], VenueSql | None]] = []
_cancellation_listeners: list[Callable[[Any], None]] = []


def register_external_booker(func: Callable[..., Any], *, venue_sql: VenueSql | None = None) -> None:
    if all(func is not known for known, _ in _external_bookers):
        _external_bookers.append((func, venue_sql))


def venue_conditions() -> list[tuple[int, VenueSql]]:
    """(index of the booker, its venue condition) for the bookers that gave one."""
    return [(index, sql) for index, (_, sql) in enumerate(_external_bookers) if sql is not None]


def register_cancellation_listener(func: Callable[[Any], None]) -> None:
    if func not in _cancellation_listeners:
        _cancellation_listeners.append(func)


def book_externally(user, stock_id: int, quantity: int, *, at, skip: frozenset[int] = frozenset()) -> Any:
    """`skip`: the bookers whose venue condition the stock's read found false."""
    for index, (func, _) in enumerate(_external_bookers):
        if index in skip:
            continue
        booking = func(user, stock_id, quantity, at=at)
        if booking is not None:
            return booking
    return None


def booking_cancelled(booking) -> None:
    for func in _cancellation_listeners:
        func(booking)
