"""Response shapes of /api/v2: the field names of the real pass Culture v2 "contremarque" contract, so
that ticketing software written for it works here by changing the base URL."""

from enum import StrEnum
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict
from pydantic.alias_generators import to_camel


class OfferType(StrEnum):
    EVENEMENT = "EVENEMENT"
    BIEN = "BIEN"


class Formula(StrEnum):
    PLACE = "PLACE"
    ABO = "ABO"


class ErrorOut(Schema):
    code: str = Field(description="Code stable, en MAJUSCULES_SOULIGNÉES, à tester par les programmes.")
    message: str = Field(description="Message en français, à montrer à la personne au guichet.")


class BookingOut(Schema):
    """The booking behind a countermark, as ticketing software needs it to issue a ticket."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    booking_id: str = Field(description="Identifiant de la réservation.")
    date_of_birth: str | None = Field(description="Date de naissance du bénéficiaire (AAAA-MM-JJ).")
    datetime: str = Field(
        description='Début de la séance, ISO 8601 en UTC ("2026-03-12T19:30:00Z") ; "" pour une carte '
        "ou un abonnement (pas de date)."
    )
    ean13: str | None = Field(description="Toujours null pour le cinéma (réservé aux livres).")
    email: str = Field(description="Adresse e-mail du bénéficiaire.")
    formula: Formula = Field(description="PLACE pour une séance, ABO pour une carte cinéma ou un abonnement.")
    is_used: bool = Field(description="La contremarque a déjà été validée.")
    offer_id: int
    public_offer_id: str
    offer_name: str
    offer_type: OfferType = Field(
        description="EVENEMENT pour une séance, BIEN pour une carte ou un abonnement."
    )
    phone_number: str | None = Field(description="Téléphone du bénéficiaire, s'il l'a donné.")
    price: float = Field(description="Prix unitaire en euros (7.5 = 7,50 €).")
    quantity: int = Field(description="Nombre de places : 1, ou 2 pour une offre duo.")
    theater: dict[str, Any] = Field(
        description="Pour une offre importée d'AlloCiné : allocine_movie_id et allocine_room_id ; {} sinon."
    )
    user_name: str = Field(description="Prénom et nom du bénéficiaire.")
    first_name: str | None
    last_name: str | None
    venue_address: str | None
    venue_department_code: str | None
    venue_name: str
