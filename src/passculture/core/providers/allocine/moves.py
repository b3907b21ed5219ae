"""A booked showtime that Allociné moved within its day (issue 16 point 2, decision 0030).

Allociné gives a showtime no identity of its own: the import knows it by film, local start and version
(`apply.stock_ref`). So a showtime the cinema moved from 20:00 to 20:30 reads as one that vanished and one
that appeared. When it was booked, that used to keep the old one (and alert the cinema) and create the
new one empty, and the people who booked were not told.

Here, a booked showtime that vanished is taken as moved when the feed lists exactly one new showtime of
the same film and version on the same local day, and no other booked showtime of that film, version and
day vanished: the ambiguous cases (two candidates, or two vanished) stay as before, alerted for the
cinema to sort out by hand. The moved showtime keeps its stock, so its bookings follow it, and
`bookings.changes.showtime_moved` tells each person the old and new times and gives back a free
cancellation (B-MOVE).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from passculture.core.bookings import changes as booking_changes
from passculture.core.common.time import to_local
from passculture.core.offers.models import Offer, Stock

from .stocks import StockRow

# (offer id, version, local day)
_Key = tuple[int, str, dt.date]


@dataclass(frozen=True)
class Move:
    stock_id: int
    old_ref: str
    new_ref: str
    old_start: dt.datetime
    new_start: dt.datetime
    # The booking limit follows the start, unless the pro set it by hand.
    limit_follows: bool


def find_moves(
    stocks: dict[str, StockRow],
    seen_refs: set[str],
    planned: list[tuple[Offer, list[tuple[dt.datetime, str, str]]]],
    is_protected,
    tz: str,
) -> list[Move]:
    """The moves found, and `planned` without the new showtimes they take (changed in place).
    `is_protected(ref)`: the showtime's film was dropped from the feed as invalid (never taken as gone)."""
    vanished: dict[_Key, list[tuple[str, StockRow]]] = defaultdict(list)
    for ref, row in stocks.items():
        if row.is_deleted or row.booked_quantity == 0 or ref in seen_refs or is_protected(ref):
            continue
        # A showtime the pro moved by hand keeps its feed reference: never moved again by the import.
        if "beginning_datetime" in row.edited_fields:
            continue
        vanished[(row.offer_id, row.version, to_local(row.beginning_datetime, tz).date())].append((ref, row))
    if not vanished:
        return []
    appeared: dict[_Key, list[tuple[int, int]]] = defaultdict(list)
    for index, (offer, new_stocks) in enumerate(planned):
        if offer.pk is None:
            continue
        for position, (start, version, _ref) in enumerate(new_stocks):
            appeared[(offer.pk, version, to_local(start, tz).date())].append((index, position))
    moves: list[Move] = []
    taken: set[tuple[int, int]] = set()
    for key, rows in vanished.items():
        candidates = appeared.get(key, [])
        if len(rows) != 1 or len(candidates) != 1:
            continue
        (old_ref, row), (index, position) = rows[0], candidates[0]
        start, _version, new_ref = planned[index][1][position]
        moves.append(
            Move(
                stock_id=row.pk,
                old_ref=old_ref,
                new_ref=new_ref,
                old_start=row.beginning_datetime,
                new_start=start,
                limit_follows="booking_limit_datetime" not in row.edited_fields,
            )
        )
        taken.add((index, position))
    for index, (offer, new_stocks) in enumerate(planned):
        planned[index] = (offer, [s for p, s in enumerate(new_stocks) if (index, p) not in taken])
    return moves


def apply_moves(moves: list[Move], at: dt.datetime) -> int:
    """Moves each stock to its new start (and reference) and tells its bookings; returns the bookings
    told. In the import's transaction, after its other writes."""
    told = 0
    for move in moves:
        values: dict = {"beginning_datetime": move.new_start, "provider_ref": move.new_ref}
        if move.limit_follows:
            values["booking_limit_datetime"] = move.new_start
        Stock.objects.filter(pk=move.stock_id).update(**values)
        stock = Stock.objects.get(pk=move.stock_id)
        told += booking_changes.showtime_moved(stock, old_start=move.old_start, at=at)
    return told
