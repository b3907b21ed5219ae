"""Taking a stock's places for a booking with the stock row locked as late as possible (decision 0039).

The stock is read without a lock, then one conditional UPDATE takes the places; it matches, and locks
the row, only if enough places remain and nothing the booking read from the row changed. PostgreSQL
re-evaluates the WHERE of an UPDATE that waited for the row on its latest version, so a match is as good
as reading the row under its lock. Anything unusual goes the old way: SELECT ... FOR UPDATE, then every
check (services._book_offer).
"""

import datetime as dt

from django.db.models import F, Q

from passculture.core.credit import selectors as credit_selectors
from passculture.core.offers.models import Stock

from .constants import BookingStatus
from .models import Booking
from .validation import check_booking, is_valid_quantity

STOCK_FOR_BOOKING = ("offer__venue__offerer", "price_category__label")


def take_places(stock_id: int, quantity: int) -> tuple[Stock | None, bool]:
    """Reads the stock without a lock, then takes its places with one conditional UPDATE, which locks the
    row only if nothing the booking reads from it changed and enough places remain (decision 0039).
    Returns (stock, True) when the places are taken and the stock row locked; (stock, False) when the
    read says it cannot be booked or the UPDATE matched nothing: the caller then locks the row with
    SELECT ... FOR UPDATE, checks everything again and says why (the way every booking went before)."""
    stock = Stock.objects.select_related(*STOCK_FOR_BOOKING).filter(pk=stock_id).first()
    if stock is None or stock.is_deleted or not is_valid_quantity(quantity, is_duo=stock.offer.is_duo):
        return stock, False
    if is_sold_out(stock, quantity):
        return stock, False
    guard = Q(
        pk=stock.pk,
        is_deleted=False,
        quantity=stock.quantity,
        price_cents=stock.price_cents,
        price_category_id=stock.price_category_id,
        beginning_datetime=stock.beginning_datetime,
        booking_limit_datetime=stock.booking_limit_datetime,
    )
    if stock.quantity is not None:
        # Evaluated on the row's latest version once its lock is granted (PostgreSQL re-checks the WHERE
        # of an UPDATE that waited): a booking that waited sees the places sold meanwhile.
        guard &= Q(booked_quantity__lte=stock.quantity - quantity)
    taken = Stock.objects.filter(guard).update(booked_quantity=F("booked_quantity") + quantity)
    return stock, taken == 1


def is_sold_out(stock: Stock, quantity: int) -> bool:
    return (
        isinstance(quantity, int)
        and stock.quantity is not None
        and stock.quantity - stock.booked_quantity < quantity
    )


def refuse_unlocked(user, stock: Stock, quantity: int, *, at: dt.datetime) -> None:
    """Raises the refusal of a booking of a stock read sold out (or an earlier check's refusal)."""
    check_booking(
        user,
        stock,
        quantity,
        deposits=credit_selectors.deposits_of(user),
        already_booked=Booking.objects.filter(user=user, offer=stock.offer)
        .exclude(status=BookingStatus.CANCELLED)
        .exists,
        at=at,
    )
