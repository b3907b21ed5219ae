import datetime as dt

import nh3

from passculture.core.common.exceptions import DomainError

from .constants import (
    DESCRIPTION_MAX_LENGTH,
    LANGUAGE_CODES,
    MAX_DURATION_MINUTES,
    MAX_THING_PRICE_CENTS,
    Category,
)
from .exceptions import (
    BeginningRequired,
    BookingLimitAfterBeginning,
    BookingLimitPassed,
    DescriptionTooLong,
    EventStarted,
    InvalidCategory,
    InvalidDuration,
    InvalidLanguage,
    InvalidPrice,
    InvalidQuantity,
    NotEnoughPlaces,
    OffererNotValidated,
    OfferInactive,
    OfferNameRequired,
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
    except DomainError:
        return False
    return True


# Descriptions are shown as HTML in the pro portal and sent as such to the apps: only light formatting
# and plain links survive; scripts, styles, images, event handlers and unknown tags are removed.
DESCRIPTION_TAGS = {"p", "br", "b", "strong", "i", "em", "a"}
DESCRIPTION_ATTRIBUTES = {"a": {"href"}}
DESCRIPTION_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_description(html: str) -> str:
    return nh3.clean(
        (html or "").strip(),
        tags=DESCRIPTION_TAGS,
        clean_content_tags={"script", "style"},
        attributes=DESCRIPTION_ATTRIBUTES,
        url_schemes=DESCRIPTION_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


def check_offer_fields(
    *,
    name: str | None = None,
    category: str | None = None,
    description: str | None = None,
    duration_minutes: int | None = None,
    languages: list[str] | None = None,
) -> None:
    """Checks the fields given (None = not given). `description` is the sanitised text."""
    if name is not None and not name.strip():
        raise OfferNameRequired()
    if category is not None and category not in Category.values:
        raise InvalidCategory()
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        raise DescriptionTooLong()
    if duration_minutes is not None and not 0 < duration_minutes <= MAX_DURATION_MINUTES:
        raise InvalidDuration()
    if languages is not None and not set(languages) <= LANGUAGE_CODES:
        raise InvalidLanguage()
