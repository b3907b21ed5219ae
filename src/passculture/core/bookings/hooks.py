"""Extension points for the ticketing app, which imports bookings (never the reverse: no cycle).

- the external booker: books a stock sold through a cinema's ticketing system, or returns None when the
  stock is booked here (registered by providers.ticketing's AppConfig.ready);
- cancellation listeners: called inside the transaction that cancels a booking (to queue the call that
  cancels its tickets in the cinema's system, atomically with the cancellation).
"""

from collections.abc import Callable
from typing import Any

_external_bookers: list[Callable[..., Any]] = []
_cancellation_listeners: list[Callable[[Any], None]] = []


def register_external_booker(func: Callable[..., Any]) -> None:
    if func not in _external_bookers:
        _external_bookers.append(func)


def register_cancellation_listener(func: Callable[[Any], None]) -> None:
    if func not in _cancellation_listeners:
        _cancellation_listeners.append(func)


def book_externally(user, stock_id: int, quantity: int, *, at) -> Any:
    for func in _external_bookers:
        booking = func(user, stock_id, quantity, at=at)
        if booking is not None:
            return booking
    return None


def booking_cancelled(booking) -> None:
    for func in _cancellation_listeners:
        func(booking)
