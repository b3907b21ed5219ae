"""The checks of a booking, in the order book_offer runs them: one set for the booking itself (under
its row locks) and for the pages that say beforehand why a showtime cannot be booked
(`selectors.booking_refusal`, `selectors.booking_obstacles`). A check added here is told before the
tap and enforced at the tap alike."""

import datetime as dt
from collections.abc import Callable

from passculture.core.credit.models import Deposit
from passculture.core.credit.validation import check_has_credit_for, last_expiry, plan_spending
from passculture.core.offers.models import Stock
from passculture.core.offers.validation import check_stock_is_bookable
from passculture.core.users.exceptions import NotABeneficiary

from .constants import MAX_DUO_QUANTITY
from .exceptions import AlreadyBooked, InvalidBookingQuantity


def check_is_beneficiary(user) -> None:
    if not getattr(user, "is_beneficiary", False):
        raise NotABeneficiary()


def is_valid_quantity(quantity: int, *, is_duo: bool) -> bool:
    allowed = MAX_DUO_QUANTITY if is_duo else 1
    return isinstance(quantity, int) and not isinstance(quantity, bool) and 1 <= quantity <= allowed


def check_quantity(quantity: int, *, is_duo: bool) -> None:
    if not is_valid_quantity(quantity, is_duo=is_duo):
        raise InvalidBookingQuantity()


def check_booking(
    user,
    stock: Stock,
    quantity: int,
    *,
    deposits: list[Deposit],
    already_booked: Callable[[], bool],
    at: dt.datetime,
    places_taken: bool = False,
) -> list[tuple[Deposit, int]]:
    """Every rule of a booking, in book_offer's order; returns which deposits pay it (the plan).

    `deposits`: the beneficiary's credits in spending order (locked by book_offer, read as they are by
    the pages); `already_booked`: whether a non-cancelled booking of this offer exists, asked only once
    the cheaper checks passed; `places_taken`: book_offer's conditional UPDATE already took the places
    (it matches only when enough remain), so the count read before it is not checked again."""
    check_booking_before_plan(
        user,
        stock,
        quantity,
        credit_ends_at=last_expiry(deposits),
        already_booked=already_booked,
        at=at,
        places_taken=places_taken,
    )
    total = stock.price_cents * quantity
    return plan_spending(deposits, total, is_digital=stock.offer.is_digital, at=at)


def check_booking_before_plan(
    user,
    stock: Stock,
    quantity: int,
    *,
    credit_ends_at: dt.datetime | None,
    already_booked: Callable[[], bool],
    at: dt.datetime,
    places_taken: bool = False,
) -> None:
    """The rules of `check_booking` that come before the credits are planned: they need of the credits
    only when the last one expires (None: none was granted). A booking refused by the places or by an
    earlier booking of the offer is refused here, whatever the amounts left (decision 0045)."""
    check_is_beneficiary(user)
    check_quantity(quantity, is_duo=stock.offer.is_duo)
    check_has_credit_for(credit_ends_at, stock.price_cents * quantity, at=at)
    check_stock_is_bookable(stock, at, 0 if places_taken else quantity)
    if already_booked():
        raise AlreadyBooked()
