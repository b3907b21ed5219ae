"""The ticketing system's memory: showtimes with a seat map, issued tickets, received notifications.

Everything is behind one lock, so two bookings of the last seats never both succeed. Sizes are
bounded (showtimes, tickets, seat maps, notifications kept) so a misbehaving caller cannot grow it
without end.
"""

import random
import secrets
import string
import threading
from collections import deque
from dataclasses import dataclass, field

ROW_LETTERS = string.ascii_uppercase
MAX_ROWS = len(ROW_LETTERS)
MAX_SEATS_PER_ROW = 60
MAX_SHOWTIMES = 10_000
MAX_TICKETS = 200_000
MAX_EVENTS = 1_000
DEFAULT_ROWS = 10  # rows A to J
DEFAULT_SEATS_PER_ROW = 12
# The contract books one ticket, or two for a "duo" offer.
MAX_QUANTITY = 2
# Barcodes are EAN-13 in the "20" prefix, kept for in-store numbering.
BARCODE_PREFIX = "20"


class TicketingError(Exception):
    """A refusal the HTTP layer turns into an answer: `status`, `error` code and extra fields."""

    def __init__(self, status: int, error: str, message: str, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra


def ean13_check_digit(first_twelve: str) -> str:
    """The EAN-13 check digit: weights 1 and 3 alternating from the left, then complement to 10."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


def seat_label(row: int, number: int) -> str:
    return f"{ROW_LETTERS[row]}{number + 1}"


@dataclass
class Showtime:
    stock_id: str
    rows: int
    seats_per_row: int
    capacity: int
    # seat label -> barcode of the valid ticket holding it
    sold: dict[str, str] = field(default_factory=dict)

    def sellable_seats(self) -> list[tuple[int, int]]:
        """The first `capacity` seats of the map, row by row (the rest is closed to sale)."""
        seats = [(row, number) for row in range(self.rows) for number in range(self.seats_per_row)]
        return seats[: self.capacity]

    @property
    def remaining(self) -> int:
        return max(self.capacity - len(self.sold), 0)

    def allocate(self, quantity: int) -> list[str]:
        """`quantity` seats side by side in one row if there are some, else the first free ones."""
        free_by_row: dict[int, list[int]] = {}
        for row, number in self.sellable_seats():
            if seat_label(row, number) not in self.sold:
                free_by_row.setdefault(row, []).append(number)
        for row, numbers in free_by_row.items():
            for start in range(len(numbers) - quantity + 1):
                block = numbers[start : start + quantity]
                if block[-1] - block[0] == quantity - 1:
                    return [seat_label(row, number) for number in block]
        free = [seat_label(row, number) for row, numbers in free_by_row.items() for number in numbers]
        return free[:quantity]

    def describe(self) -> dict:
        return {
            "stock_id_at_provider": self.stock_id,
            "rows": self.rows,
            "seats_per_row": self.seats_per_row,
            "capacity": self.capacity,
            "remainingQuantity": self.remaining,
            "sold_seats": sorted(self.sold),
        }


@dataclass
class Ticket:
    barcode: str
    stock_id: str
    seat: str
    user_email: str
    price_category_id_at_provider: str | None
    cancelled: bool = False


@dataclass
class Faults:
    """Test-only misbehaviour of the three contract URLs, consumed call by call."""

    delay_seconds: float = 0.0
    fail_next: int = 0
    drop_next: int = 0


class TicketingState:
    def __init__(self, *, auto_create_showtimes: bool = False, seed: int | None = None) -> None:
        self.lock = threading.Lock()
        self.auto_create_showtimes = auto_create_showtimes
        self.showtimes: dict[str, Showtime] = {}
        self.tickets: dict[str, Ticket] = {}
        self.events: deque[dict] = deque(maxlen=MAX_EVENTS)
        self.faults = Faults()
        # A seed makes barcodes reproducible (the documented examples rely on it).
        self._random: random.Random | None = random.Random(seed) if seed is not None else None

    # -- showtimes -------------------------------------------------------------------------------

    def add_showtime(
        self,
        stock_id: str,
        *,
        rows: int = DEFAULT_ROWS,
        seats_per_row: int = DEFAULT_SEATS_PER_ROW,
        capacity: int | None = None,
    ) -> Showtime:
        """Creates or replaces the showtime's seat map (tickets already sold stay sold)."""
        if not 1 <= rows <= MAX_ROWS or not 1 <= seats_per_row <= MAX_SEATS_PER_ROW:
            raise TicketingError(
                400, "invalid_payload", f"rows 1-{MAX_ROWS}, seats_per_row 1-{MAX_SEATS_PER_ROW}"
            )
        size = rows * seats_per_row
        capacity = size if capacity is None else capacity
        if not 0 <= capacity <= size:
            raise TicketingError(400, "invalid_payload", f"capacity must be between 0 and {size}")
        with self.lock:
            existing = self.showtimes.get(stock_id)
            if existing is None and len(self.showtimes) >= MAX_SHOWTIMES:
                raise TicketingError(507, "too_many_showtimes", "showtime limit reached")
            showtime = Showtime(stock_id, rows, seats_per_row, capacity, existing.sold if existing else {})
            self.showtimes[stock_id] = showtime
            return showtime

    def set_capacity(self, stock_id: str, capacity: int) -> Showtime:
        with self.lock:
            showtime = self._showtime(stock_id, create=False)
            if not 0 <= capacity <= showtime.rows * showtime.seats_per_row:
                raise TicketingError(400, "invalid_payload", "capacity out of the seat map")
            showtime.capacity = capacity
            return showtime

    def _showtime(self, stock_id: str, *, create: bool) -> Showtime:
        showtime = self.showtimes.get(stock_id)
        if showtime is None and create and self.auto_create_showtimes and len(self.showtimes) < MAX_SHOWTIMES:
            size = DEFAULT_ROWS * DEFAULT_SEATS_PER_ROW
            showtime = Showtime(stock_id, DEFAULT_ROWS, DEFAULT_SEATS_PER_ROW, size)
            self.showtimes[stock_id] = showtime
        if showtime is None:
            raise TicketingError(404, "unknown_stock", f"unknown stock_id_at_provider {stock_id!r}")
        return showtime

    # -- bookings --------------------------------------------------------------------------------

    def book(self, stock_id: str, quantity: int, *, user_email: str, price_category: str | None) -> dict:
        """Issues `quantity` tickets or refuses with the contract's 409 (`sold_out`/`not_enough_seats`)."""
        with self.lock:
            showtime = self._showtime(stock_id, create=True)
            remaining = showtime.remaining
            if remaining == 0:
                raise TicketingError(409, "sold_out", "the showtime is sold out", remainingQuantity=0)
            if remaining < quantity:
                raise TicketingError(
                    409, "not_enough_seats", "not enough seats left", remainingQuantity=remaining
                )
            if len(self.tickets) + quantity > MAX_TICKETS:
                raise TicketingError(507, "too_many_tickets", "ticket limit reached")
            tickets = []
            for seat in showtime.allocate(quantity):
                barcode = self._new_barcode()
                self.tickets[barcode] = Ticket(barcode, stock_id, seat, user_email, price_category)
                showtime.sold[seat] = barcode
                tickets.append({"barcode": barcode, "seat": seat})
            return {"tickets": tickets, "remainingQuantity": showtime.remaining}

    def _new_barcode(self) -> str:
        while True:
            if self._random is not None:
                body = "".join(self._random.choice(string.digits) for _ in range(10))
            else:
                body = "".join(secrets.choice(string.digits) for _ in range(10))
            first_twelve = BARCODE_PREFIX + body
            barcode = first_twelve + ean13_check_digit(first_twelve)
            if barcode not in self.tickets:
                return barcode

    def cancel(self, barcodes: list[str]) -> dict:
        """Frees the seats of the barcodes, all or none; cancelling twice is a success (idempotent)."""
        with self.lock:
            unknown = [barcode for barcode in barcodes if barcode not in self.tickets]
            if unknown:
                raise TicketingError(
                    404, "unknown_barcode", "unknown barcode", barcodes=unknown, remainingQuantity=None
                )
            for barcode in barcodes:
                ticket = self.tickets[barcode]
                if ticket.cancelled:
                    continue
                ticket.cancelled = True
                showtime = self.showtimes.get(ticket.stock_id)
                if showtime is not None and showtime.sold.get(ticket.seat) == barcode:
                    del showtime.sold[ticket.seat]
            showtime = self.showtimes.get(self.tickets[barcodes[0]].stock_id)
            return {"remainingQuantity": showtime.remaining if showtime else None}

    # -- notifications ---------------------------------------------------------------------------

    def record_event(self, event: dict) -> None:
        with self.lock:
            self.events.append(event)

    # -- faults (test-only) ----------------------------------------------------------------------

    def set_faults(
        self,
        *,
        delay_seconds: float | None = None,
        fail_next: int | None = None,
        drop_next: int | None = None,
    ) -> Faults:
        with self.lock:
            if delay_seconds is not None:
                self.faults.delay_seconds = delay_seconds
            if fail_next is not None:
                self.faults.fail_next = fail_next
            if drop_next is not None:
                self.faults.drop_next = drop_next
            return Faults(self.faults.delay_seconds, self.faults.fail_next, self.faults.drop_next)

    def take_fault(self) -> tuple[str | None, float]:
        """The fault for this call ("drop", "fail" or None) and the delay to wait first."""
        with self.lock:
            delay = self.faults.delay_seconds
            if self.faults.drop_next > 0:
                self.faults.drop_next -= 1
                return "drop", delay
            if self.faults.fail_next > 0:
                self.faults.fail_next -= 1
                return "fail", delay
            return None, delay

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "showtimes": [showtime.describe() for showtime in self.showtimes.values()],
                "tickets": [
                    {
                        "barcode": t.barcode,
                        "stock_id_at_provider": t.stock_id,
                        "seat": t.seat,
                        "cancelled": t.cancelled,
                    }
                    for t in self.tickets.values()
                ],
                "events": list(self.events),
                "faults": {
                    "delay_seconds": self.faults.delay_seconds,
                    "fail_next": self.faults.fail_next,
                    "drop_next": self.faults.drop_next,
                },
            }
