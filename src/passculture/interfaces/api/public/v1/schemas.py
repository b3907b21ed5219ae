"""Shapes of the public API for cinema software: the real pass Culture public API's field names
(camelCase), amounts in integer euro cents, datetimes ISO 8601 with their offset. Every input is bounded;
limits that carry their own code (250 offers, 850 showtimes, 10 prices per push; 2,500 showtimes per offer)
are checked by core, with a higher hard bound here so that the code, not a generic 422, answers."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field
from pydantic import AwareDatetime, StrictBool, StrictInt

from passculture.core.bookings.constants import BookingStatus
from passculture.core.films.validation import TITLE_MAX_LENGTH
from passculture.core.offers.constants import (
    DESCRIPTION_MAX_LENGTH,
    ID_AT_PROVIDER_MAX_LENGTH,
    MAX_DURATION_MINUTES,
    MAX_PRICE_CENTS,
    MAX_SHOWTIMES_PER_REQUEST,
    MAX_STOCK_QUANTITY,
    PRICE_CATEGORY_LABEL_MAX_LENGTH,
)
from passculture.core.providers.ticketing import sessions
from passculture.interfaces.api.inputs import MAX_ID
from passculture.interfaces.api.native.v1.schemas import CamelInSchema, CamelSchema, ErrorOut, InvalidInputOut

__all__ = ["ErrorOut", "InvalidInputOut"]

CENTS = "Prix en centimes d'euro (750 = 7,50 €), de 0 à 100000."
ID_AT_PROVIDER = "Votre identifiant (1 à 70 caractères)."
FILM_ID = 'Le film : "allocine_id:<identifiant AlloCiné>" ou "visa:<numéro de visa>".'
FILM_ID_MAX_LENGTH = 40
FEATURE_MAX_LENGTH = 16
EMAIL_MAX_LENGTH = 254
Quantity = StrictInt | None
Feature = Annotated[str, Field(min_length=1, max_length=FEATURE_MAX_LENGTH)]

# --- Price categories ---------------------------------------------------------------------------------


class PriceCategoryIn(CamelInSchema):
    label: str = Field(
        min_length=1, max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH, description="« Tarif réduit »"
    )
    price: StrictInt = Field(ge=0, le=MAX_PRICE_CENTS, description=CENTS)
    id_at_provider: str = Field("", max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)


class PriceCategoriesIn(CamelInSchema):
    price_categories: list[PriceCategoryIn] = Field(min_length=1, max_length=sessions.MAX_PRICE_CATEGORIES)


class PriceCategoryPatch(CamelInSchema):
    label: str | None = Field(None, min_length=1, max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH)
    price: StrictInt | None = Field(None, ge=0, le=MAX_PRICE_CENTS, description=CENTS)
    id_at_provider: str | None = Field(None, max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)


class PriceCategoryOut(CamelSchema):
    id: int
    label: str
    price: int = Field(description=CENTS)
    id_at_provider: str | None


class PriceCategoriesOut(CamelSchema):
    price_categories: list[PriceCategoryOut]


# --- Events -------------------------------------------------------------------------------------------


class LocationIn(CamelInSchema):
    type: Literal["physical"] = "physical"
    venue_id: StrictInt = Field(ge=1, le=MAX_ID, description="Le lieu, relié à votre logiciel.")


class CategoryFields(CamelInSchema):
    category: Literal["SEANCE_CINE"] = "SEANCE_CINE"


class EventIn(CamelInSchema):
    location: LocationIn
    category_related_fields: CategoryFields = Field(default_factory=CategoryFields)
    name: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    description: str = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    duration_minutes: StrictInt | None = Field(None, ge=1, le=MAX_DURATION_MINUTES)
    enable_double_bookings: StrictBool = Field(False, description="Offre duo : 2 places par réservation.")
    booking_email: str = Field("", max_length=EMAIL_MAX_LENGTH)
    id_at_provider: str = Field("", max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)
    film_id: str | None = Field(None, max_length=FILM_ID_MAX_LENGTH, description=FILM_ID)


class EventPatch(CamelInSchema):
    name: str | None = Field(None, min_length=1, max_length=TITLE_MAX_LENGTH)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX_LENGTH)
    duration_minutes: StrictInt | None = Field(None, ge=1, le=MAX_DURATION_MINUTES)
    enable_double_bookings: StrictBool | None = None
    booking_email: str | None = Field(None, max_length=EMAIL_MAX_LENGTH)
    is_active: StrictBool | None = None
    id_at_provider: str | None = Field(None, max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)


class LocationOut(CamelSchema):
    type: str = "physical"
    venue_id: int


class CategoryOut(CamelSchema):
    category: str


class EventOut(CamelSchema):
    id: int
    name: str
    description: str
    duration_minutes: int | None
    enable_double_bookings: bool
    booking_email: str | None
    id_at_provider: str | None
    is_active: bool
    location: LocationOut
    category_related_fields: CategoryOut
    film_id: str | None = Field(description=FILM_ID)


class EventsOut(CamelSchema):
    events: list[EventOut]


# --- Dates (showtimes) --------------------------------------------------------------------------------


class DateIn(CamelInSchema):
    beginning_datetime: AwareDatetime = Field(description="Début, ISO 8601 avec le décalage horaire.")
    booking_limit_datetime: AwareDatetime | None = Field(None, description="Par défaut : le début.")
    price_category_id: StrictInt = Field(ge=1, le=MAX_ID)
    quantity: Quantity = Field(None, ge=0, le=MAX_STOCK_QUANTITY, description="Places ; null = illimité.")
    id_at_provider: str = Field("", max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)
    features: list[Feature] = Field(default_factory=list, max_length=sessions.MAX_FEATURES)


class DatesIn(CamelInSchema):
    dates: list[DateIn] = Field(min_length=1, max_length=MAX_SHOWTIMES_PER_REQUEST)


class DatePatch(CamelInSchema):
    beginning_datetime: AwareDatetime | None = None
    booking_limit_datetime: AwareDatetime | None = None
    price_category_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    quantity: Quantity = Field(None, ge=0, le=MAX_STOCK_QUANTITY, description="Places ; null = illimité.")
    id_at_provider: str | None = Field(None, max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER)
    features: list[Feature] | None = Field(None, max_length=sessions.MAX_FEATURES)


class DateOut(CamelSchema):
    id: int
    beginning_datetime: dt.datetime
    booking_limit_datetime: dt.datetime | None
    price_category: PriceCategoryOut | None
    quantity: int | None
    booked_quantity: int
    id_at_provider: str | None
    features: list[str]


class DatesOut(CamelSchema):
    dates: list[DateOut]


# --- A cinema's programme -----------------------------------------------------------------------------


class SessionPriceCategoryIn(CamelInSchema):
    price: StrictInt = Field(ge=0, le=MAX_PRICE_CENTS, description=CENTS)
    label: str = Field(min_length=1, max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH)
    id_at_provider: str = Field(
        min_length=1, max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER
    )


class SessionStockIn(CamelInSchema):
    beginning_datetime: AwareDatetime
    price_category_id_at_provider: str = Field(min_length=1, max_length=ID_AT_PROVIDER_MAX_LENGTH)
    quantity: Quantity = Field(None, ge=0, le=MAX_STOCK_QUANTITY, description="Places ; null = illimité.")
    id_at_provider: str = Field(
        min_length=1, max_length=ID_AT_PROVIDER_MAX_LENGTH, description=ID_AT_PROVIDER
    )
    features: list[Feature] = Field(
        default_factory=list,
        max_length=sessions.MAX_FEATURES,
        description='"VF" ou "VO" (la version), et "3D", "ICE", "IMAX", "4DX", "DOLBY", "SCREENX".',
    )


class SessionOfferIn(CamelInSchema):
    film_id: str = Field(min_length=1, max_length=FILM_ID_MAX_LENGTH, description=FILM_ID)
    # Hard bounds: the limits with their own codes (10 prices, 850 showtimes) are checked by core.
    price_categories: list[SessionPriceCategoryIn] = Field(max_length=5 * sessions.MAX_PRICE_CATEGORIES)
    stocks: list[SessionStockIn] = Field(max_length=2 * sessions.MAX_STOCKS)


class CinemaSessionsIn(CamelInSchema):
    venue_id: StrictInt = Field(ge=1, le=MAX_ID)
    offers: list[SessionOfferIn] = Field(max_length=2 * sessions.MAX_OFFERS)


# --- Bookings -----------------------------------------------------------------------------------------


class BookingOut(CamelSchema):
    id: int
    token: str = Field(description="La contremarque.")
    status: BookingStatus
    creation_date: dt.datetime
    date_used: dt.datetime | None
    cancellation_date: dt.datetime | None
    offer_id: int
    offer_name: str
    offer_id_at_provider: str | None
    stock_id: int
    stock_id_at_provider: str | None
    beginning_datetime: dt.datetime | None
    price_category_id: int | None
    price_category_label: str
    price: int = Field(description="Prix unitaire payé, en centimes d'euro.")
    quantity: int
    venue_id: int
    venue_name: str
    user_email: str
    user_first_name: str
    user_last_name: str
    user_phone_number: str | None
    user_birth_date: dt.date | None


class BookingsOut(CamelSchema):
    bookings: list[BookingOut]
