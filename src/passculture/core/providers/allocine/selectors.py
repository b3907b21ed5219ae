"""Read queries on the Allociné theatre reference list."""

from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet

from .models import AllocineTheater


class AllocineEligibility(NamedTuple):
    eligible: bool
    theater: AllocineTheater | None
    message: str


def theater_for_siret(siret: str | None) -> AllocineTheater | None:
    """The active theatre of the list for this SIRET, if any."""
    if not siret:
        return None
    return AllocineTheater.objects.filter(siret=siret, is_active=True).first()


def venue_allocine_eligibility(venue) -> AllocineEligibility:
    """A venue may import its showtimes from Allociné only when its SIRET is on the active list."""
    support = settings.PASSCULTURE_SUPPORT_PRO_EMAIL
    if not venue.siret:
        return AllocineEligibility(
            False,
            None,
            "Ce lieu n'a pas de SIRET : l'importation AlloCiné est réservée aux cinémas dont le SIRET "
            "figure dans la liste des cinémas référencés sur AlloCiné. Renseignez le SIRET du lieu, puis "
            f"écrivez à l'équipe pass Culture ({support}) si le cinéma n'est pas encore référencé.",
        )
    theater = theater_for_siret(venue.siret)
    if theater is None:
        return AllocineEligibility(
            False,
            None,
            "Le SIRET de ce lieu ne figure pas dans la liste des cinémas référencés sur AlloCiné. "
            f"Vérifiez le SIRET du lieu, puis écrivez à l'équipe pass Culture ({support}) pour demander "
            "son ajout.",
        )
    return AllocineEligibility(
        True,
        theater,
        f"Ce cinéma est référencé sur AlloCiné (identifiant {theater.theater_id}) : l'importation de ses "
        "séances pourra être activée ici.",
    )


def search_theaters(search: str = "") -> QuerySet[AllocineTheater]:
    """The list for staff, filtered by the start of a SIRET (spaces ignored)."""
    theaters = AllocineTheater.objects.select_related("imported_by").order_by("siret")
    digits = "".join(character for character in search if character.isdigit())
    if digits:
        theaters = theaters.filter(siret__startswith=digits)
    return theaters


def active_theater_count() -> int:
    return AllocineTheater.objects.filter(is_active=True).count()
