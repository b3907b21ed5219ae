"""Request and response shapes of /api/native/v1: camelCase on the wire, amounts in integer cents."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt
from pydantic.alias_generators import to_camel

CENTS = "Montant en centimes d'euro (1250 = 12,50 €)."


class CamelSchema(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorOut(CamelSchema):
    code: str = Field(description="Code stable, en MAJUSCULES_SOULIGNÉES, à tester par les programmes.")
    message: str = Field(description="Message en français, à montrer à la personne.")


class FieldErrorOut(CamelSchema):
    loc: list[str | int]
    type: str
    message: str


class InvalidInputOut(ErrorOut):
    errors: list[FieldErrorOut]


# --- Authentication -----------------------------------------------------------------------------


class SigninIn(CamelSchema):
    identifier: str = Field(description="Adresse email du compte.")
    password: str


class SigninOut(CamelSchema):
    access_token: str = Field(
        description="Jeton d'accès de courte durée, à envoyer en `Authorization: Bearer`."
    )
    refresh_token: str = Field(description="Jeton de renouvellement, pour `POST /refresh_access_token`.")


class AccessTokenOut(CamelSchema):
    access_token: str


# --- Account ------------------------------------------------------------------------------------


class CreditOut(CamelSchema):
    initial: int = Field(description=CENTS)
    remaining: int = Field(description=f"Solde disponible, 0 une fois le crédit expiré. {CENTS}")
    digital_cap_remaining: int | None = Field(
        description=f"Reste du plafond des offres numériques (null : pas de plafond). {CENTS}"
    )
    expiration_date: dt.datetime
    is_expired: bool


class MeOut(CamelSchema):
    id: int
    email: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    is_beneficiary: bool
    credit: CreditOut | None = Field(description="null tant que le crédit n'a pas été attribué.")


# --- Offers -------------------------------------------------------------------------------------


class VenueOut(CamelSchema):
    id: int
    name: str
    address: str
    postal_code: str
    city: str
    latitude: float | None
    longitude: float | None
    timezone: str = Field(description="Fuseau horaire du lieu, pour afficher les horaires (UTC dans l'API).")


class StockOut(CamelSchema):
    id: int
    beginning_datetime: dt.datetime | None = Field(description="Début de la séance (UTC) ; null hors séance.")
    booking_limit_datetime: dt.datetime | None
    price: int = Field(description=CENTS)
    remaining_quantity: int | None = Field(description="Places restantes ; null : illimité.")
    version: str = Field(description="VF, VO, ou vide.")
    is_bookable: bool


class OfferOut(CamelSchema):
    id: int
    name: str
    description: str
    category: str
    duration_minutes: int | None
    languages: list[str]
    is_duo: bool
    is_digital: bool
    is_event: bool
    image_url: str | None
    venue: VenueOut
    stocks: list[StockOut]


# --- Bookings -----------------------------------------------------------------------------------


class BookingIn(CamelSchema):
    stock_id: StrictInt
    quantity: StrictInt = Field(description="1, ou 2 pour une offre duo.")


class BookingCreatedOut(CamelSchema):
    booking_id: int


class BookingVenueOut(CamelSchema):
    id: int
    name: str
    address: str
    postal_code: str
    city: str
    timezone: str


class BookingOfferOut(CamelSchema):
    id: int
    name: str
    is_digital: bool
    image_url: str | None
    venue: BookingVenueOut


class BookingStockOut(CamelSchema):
    id: int
    beginning_datetime: dt.datetime | None
    price: int = Field(description=f"Prix actuel du stock. {CENTS}")
    version: str


class BookingOut(CamelSchema):
    id: int
    status: str = Field(description="CONFIRMED, USED, CANCELLED ou REIMBURSED.")
    quantity: int
    amount: int = Field(description=f"Prix unitaire au moment de la réservation. {CENTS}")
    total_amount: int = Field(description=f"amount × quantity. {CENTS}")
    token: str = Field(description="Contremarque (6 caractères).")
    qr_code_payload: str | None = Field(
        description="Contenu du QR code, tant que la réservation est confirmée et la séance pas terminée."
    )
    cancellation_limit_datetime: dt.datetime | None = Field(
        description="Annulable jusqu'à cette date ; null : sans limite tant que non utilisée."
    )
    cancellation_reason: str | None
    booked_at: dt.datetime
    used_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    stock: BookingStockOut
    offer: BookingOfferOut


class BookingsOut(CamelSchema):
    ongoing_bookings: list[BookingOut] = Field(description="Confirmées et pas encore passées.")
    ended_bookings: list[BookingOut] = Field(description="Utilisées, annulées ou passées.")
