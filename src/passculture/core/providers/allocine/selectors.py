"""Read queries on the Allociné theatre reference list."""

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, QuerySet, Value, When

from passculture.core.common.counting import capped_count
from passculture.core.common.time import now as utcnow

from .models import AllocineImportRun, AllocineTheater, AllocineVanishedShowtime, AllocineVenueSettings


class AllocineEligibility(NamedTuple):
    eligible: bool
    theater: AllocineTheater | None
    message: str


def theater_for_siret(siret: str | None) -> AllocineTheater | None:
    """The active theatre of the list for this SIRET, if any."""
    if not siret:
        return None
    return AllocineTheater.objects.filter(siret=siret, is_active=True).first()


def active_theater_sirets() -> set[str]:
    """The SIRETs of the active list: `venue_allocine_eligibility`'s rule for many venues in one query
    (a venue is eligible when its SIRET is in this set)."""
    return set(AllocineTheater.objects.filter(is_active=True).values_list("siret", flat=True))


def importable_venues() -> tuple[list[AllocineVenueSettings], int]:
    """The settings the daily import runs (active, the venue's SIRET on the active list as it is when the
    job starts: venue_allocine_eligibility's rule, in one query), in order, and how many are skipped."""
    listed = active_theater_sirets()
    venues, skipped = [], 0
    for settings_obj in (
        AllocineVenueSettings.objects.filter(is_active=True).select_related("venue", "theater").order_by("pk")
    ):
        if settings_obj.venue.siret in listed:
            venues.append(settings_obj)
        else:
            skipped += 1
    return venues, skipped


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
        f"Ce cinéma est référencé sur AlloCiné (identifiant {theater.theater_id}).",
    )


def allocine_import_of_venues(venues) -> dict[int, bool]:
    """For the venues listed on Allociné (their SIRET on the active list): whether their import is set
    up and active, by venue id. Venues not listed are left out. Two queries whatever the venues."""
    venues = list(venues)
    sirets = {venue.siret for venue in venues if venue.siret}
    if not sirets:
        return {}
    listed = set(
        AllocineTheater.objects.filter(is_active=True, siret__in=sirets).values_list("siret", flat=True)
    )
    listed_ids = [venue.pk for venue in venues if venue.siret in listed]
    if not listed_ids:
        return {}
    importing = set(
        AllocineVenueSettings.objects.filter(venue_id__in=listed_ids, is_active=True).values_list(
            "venue_id", flat=True
        )
    )
    return {venue_id: venue_id in importing for venue_id in listed_ids}


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


# A run still "running" after this long was cut short (a worker killed mid-import, a deploy): the page
# says so and stops waiting for it. A venue's import takes seconds; a national one, minutes.
RUN_STALE_AFTER = dt.timedelta(hours=1)
STATE_PENDING = "importation en attente"
STATE_RUNNING = "importation en cours"
STATE_INTERRUPTED = "importation interrompue"


def is_run_in_progress(run: AllocineImportRun | None, at: dt.datetime | None = None) -> bool:
    return (
        run is not None
        and run.status == AllocineImportRun.Status.RUNNING
        and run.started_at > (at or utcnow()) - RUN_STALE_AFTER
    )


def is_import_pending(settings_obj: AllocineVenueSettings | None, at: dt.datetime | None = None) -> bool:
    """Requested by the pro and not yet taken by a worker (nor forgotten for an hour: no runner)."""
    requested = settings_obj.import_requested_at if settings_obj is not None else None
    return requested is not None and requested > (at or utcnow()) - RUN_STALE_AFTER


def import_state(
    settings_obj: AllocineVenueSettings | None, runs: list[AllocineImportRun], at: dt.datetime | None = None
) -> str:
    """What the pro reads: the run in progress, else a requested import waiting for a worker, else the
    last run's outcome."""
    if settings_obj is None:
        return "non paramétrée"
    latest = runs[0] if runs else None
    if is_run_in_progress(latest, at):
        return STATE_RUNNING
    if settings_obj.import_requested_at is not None:
        return STATE_PENDING
    if latest is None:
        return "aucune importation pour le moment"
    if latest.status == AllocineImportRun.Status.RUNNING:
        return STATE_INTERRUPTED
    return latest.get_status_display()


FAILED_STATUSES = (AllocineImportRun.Status.ERROR, AllocineImportRun.Status.PARTIAL)


def latest_runs(status: str = "", limit: int = 200) -> list[AllocineImportRun]:
    """For staff: failures (error, partial) first, then the newest."""
    runs = AllocineImportRun.objects.select_related("venue", "venue__allocine_settings__theater")
    if status:
        runs = runs.filter(status=status)
    failed_first = Case(When(status__in=FAILED_STATUSES, then=Value(0)), default=Value(1))
    return list(runs.order_by(failed_first, "-started_at", "-id")[:limit])


# Failed runs older than this are history: a later run has been tried since (imports run daily).
RECENT_FAILURES = dt.timedelta(days=7)


def failed_run_count(at: dt.datetime | None = None) -> int:
    """Runs that failed or partly failed over the last week (capped: core.common.counting)."""
    since = (at or utcnow()) - RECENT_FAILURES
    return capped_count(AllocineImportRun.objects.filter(status__in=FAILED_STATUSES, started_at__gte=since))


# --- Booked showtimes that vanished from the feed ---------------------------------------------------

MAX_VANISHED_ALERTS = 100


def _pending_vanished_alerts(at: dt.datetime | None) -> QuerySet[AllocineVanishedShowtime]:
    """Alerts the pro still has to act on: open, not kept, on a future showtime that is still live and
    booked (a showtime deleted or emptied since the import needs nothing more from them)."""
    return (
        AllocineVanishedShowtime.objects.filter(
            resolved_at__isnull=True,
            acknowledged_at__isnull=True,
            stock__is_deleted=False,
            stock__booked_quantity__gt=0,
            stock__beginning_datetime__gt=at or utcnow(),
        )
        .select_related("stock__offer", "venue")
        .order_by("stock__beginning_datetime", "pk")
    )


def vanished_showtime_alerts_of_offerers(
    offerer_ids: Iterable[int], *, at: dt.datetime | None = None, limit: int = MAX_VANISHED_ALERTS
) -> list[AllocineVanishedShowtime]:
    return list(_pending_vanished_alerts(at).filter(venue__offerer_id__in=list(offerer_ids))[:limit])


def vanished_showtime_alerts_of_venue(
    venue, *, at: dt.datetime | None = None, limit: int = MAX_VANISHED_ALERTS
) -> list[AllocineVanishedShowtime]:
    return list(_pending_vanished_alerts(at).filter(venue=venue)[:limit])


def vanished_showtime_alert_of_offerers(
    alert_id: int, offerer_ids: Iterable[int]
) -> AllocineVanishedShowtime | None:
    """An open alert of one of these offerers (None for another offerer's: the caller answers 404)."""
    return (
        AllocineVanishedShowtime.objects.filter(
            pk=alert_id, resolved_at__isnull=True, venue__offerer_id__in=list(offerer_ids)
        )
        .select_related("venue")
        .first()
    )


def vanished_showtimes_waiting(at: dt.datetime | None = None) -> QuerySet[AllocineVanishedShowtime]:
    """Every venue's alerts still waiting for their pro (the back office follows them)."""
    return _pending_vanished_alerts(at)


def count_vanished_showtimes_waiting(at: dt.datetime | None = None) -> int:
    return capped_count(_pending_vanished_alerts(at))
