"""Read queries on the Allociné theatre reference list."""

from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, QuerySet, Value, When

from .models import AllocineImportRun, AllocineTheater, AllocineVenueSettings


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


def settings_of_venue(venue) -> AllocineVenueSettings | None:
    return AllocineVenueSettings.objects.select_related("theater").filter(venue=venue).first()


def runs_of_venue(venue, limit: int = 10) -> list[AllocineImportRun]:
    """The venue's latest import runs, newest first."""
    return list(AllocineImportRun.objects.filter(venue=venue).order_by("-started_at", "-id")[:limit])


def import_state(settings_obj: AllocineVenueSettings | None, runs: list[AllocineImportRun]) -> str:
    """What the pro reads: a requested import is pending until a worker takes it, then the last run."""
    if settings_obj is None:
        return "non paramétrée"
    if settings_obj.import_requested_at is not None:
        return "importation en attente"
    if not runs:
        return "aucune importation pour le moment"
    return runs[0].get_status_display()


FAILED_STATUSES = (AllocineImportRun.Status.ERROR, AllocineImportRun.Status.PARTIAL)


def latest_runs(status: str = "", limit: int = 200) -> list[AllocineImportRun]:
    """For staff: failures (error, partial) first, then the newest."""
    runs = AllocineImportRun.objects.select_related("venue", "venue__allocine_settings__theater")
    if status:
        runs = runs.filter(status=status)
    failed_first = Case(When(status__in=FAILED_STATUSES, then=Value(0)), default=Value(1))
    return list(runs.order_by(failed_first, "-started_at", "-id")[:limit])


def failed_run_count() -> int:
    return AllocineImportRun.objects.filter(status__in=FAILED_STATUSES).count()
