import datetime as dt

from .constants import MAX_THING_PRICE_CENTS
from .exceptions import (
    BeginningRequired,
    BookingLimitAfterBeginning,
    BookingLimitPassed,
    EventStarted,
    InvalidPrice,
    InvalidQuantity,
    NotEnoughPlaces,
    OffererNotValidated,
    OfferInactive,
    StockDeleted,
    ThingPriceTooHigh,
    VenueNotValidated,
)
from .models import Offer, Stock


def check_stock_fields(
    offer: Offer,
    *,
    price_cents: int,
    quantity: int | None,
    beginning: dt.datetime | None,
    booking_limit: dt.datetime | None,
) -> None:
    if price_cents is None or price_cents < 0:
        raise InvalidPrice()
    if quantity is not None and quantity < 0:
        raise InvalidQuantity()
    if offer.is_event:
        if beginning is None:
            raise BeginningRequired()
        if booking_limit is not None and booking_limit > beginning:
            raise BookingLimitAfterBeginning()
    elif price_cents > MAX_THING_PRICE_CENTS:
        raise ThingPriceTooHigh()


def check_stock_is_bookable(stock: Stock, at: dt.datetime, quantity: int = 1) -> None:
    """A stock is bookable when: offer active, venue and offerer validated, stock not deleted,
    booking limit not passed, event not started, enough places."""
    offer = stock.offer
    if not offer.is_active:
        raise OfferInactive()
    if not offer.venue.is_validated:
        raise VenueNotValidated()
    if not offer.venue.offerer.is_validated:
        raise OffererNotValidated()
    if stock.is_deleted:
        raise StockDeleted()
    if stock.beginning_datetime is not None and stock.beginning_datetime <= at:
        raise EventStarted()
    if stock.booking_limit_datetime is not None and stock.booking_limit_datetime <= at:
        raise BookingLimitPassed()
    if stock.quantity is not None and stock.quantity - stock.booked_quantity < quantity:
        raise NotEnoughPlaces()


def is_bookable(stock: Stock, at: dt.datetime) -> bool:
    try:
        check_stock_is_bookable(stock, at)
    except Exception:
        return False
    return True
