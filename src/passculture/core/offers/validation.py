import datetime as dt

import nh3

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import add_years, check_input_date, format_day, to_local

from .constants import (
    DESCRIPTION_MAX_LENGTH,
    LANGUAGE_CODES,
    MAX_DURATION_MINUTES,
    MAX_PRICE_CENTS,
    MAX_SHOWTIME_YEARS_AHEAD,
    MAX_STOCK_QUANTITY,
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
    PriceAboveMaximum,
    QuantityTooHigh,
    StockDateOutOfRange,
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
    if not offer.is_event and price_cents is not None and price_cents > MAX_THING_PRICE_CENTS:
        raise ThingPriceTooHigh()
    check_price(price_cents)
    check_quantity(quantity)
    if offer.is_event:
        if beginning is None:
            raise BeginningRequired()
        if booking_limit is not None and booking_limit > beginning:
            raise BookingLimitAfterBeginning()


def check_price(price_cents: int | None) -> None:
    """A price in cents, 0 (free) to MAX_PRICE_CENTS."""
    if price_cents is None or price_cents < 0:
        raise InvalidPrice()
    if price_cents > MAX_PRICE_CENTS:
        raise PriceAboveMaximum()


def check_quantity(quantity: int | None, *, minimum: int = 0) -> None:
    """A number of places, `minimum` to MAX_STOCK_QUANTITY; None is unlimited."""
    if quantity is None:
        return
    if quantity < minimum:
        raise InvalidQuantity()
    if quantity > MAX_STOCK_QUANTITY:
        raise QuantityTooHigh()


def showtime_days(tz_name: str, at: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last days (in the venue's calendar) on which a showtime may be created or moved."""
    today = to_local(at, tz_name).date()
    return today, add_years(today, MAX_SHOWTIME_YEARS_AHEAD)


def check_showtime_days(first: dt.date, last: dt.date, tz_name: str, *, at: dt.datetime) -> None:
    """Every day from `first` to `last` (venue's calendar) lies in the showtime window."""
    earliest, latest = showtime_days(tz_name, at)
    if first < earliest or last > latest:
        raise StockDateOutOfRange(
            f"La date de la séance doit être comprise entre aujourd'hui ({format_day(earliest)}) et le "
            f"{format_day(latest)} : deux ans au plus à l'avance."
        )


def check_showtime_start(
    beginning: dt.datetime, tz_name: str, *, at: dt.datetime, booking_limit: dt.datetime | None = None
) -> None:
    """A new or moved showtime starts in the window; its booking limit, when one is sent, is a date."""
    day = to_local(beginning, tz_name).date()
    check_showtime_days(day, day, tz_name, at=at)
    if booking_limit is not None:
        check_input_date(booking_limit)


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
