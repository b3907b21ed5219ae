"""The pro's Allociné settings: one price and capacity for every imported showtime.

Saving never calls Allociné: it marks an import as requested, and after the commit either a Celery
worker (when a broker is configured) or the every-minute runjobs job takes it. New settings apply to
the next import; showtimes already imported keep theirs until that import refreshes them.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction

from passculture.core.common.audit import log_action
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.exceptions import OffererAccessDenied
from passculture.core.offerers.validation import check_can_act_for_offerer
from passculture.core.offers.constants import MAX_PRICE_CENTS, MAX_STOCK_QUANTITY

from .client import AllocineClient
from .exceptions import (
    AllocineAlertNotFound,
    AllocineNotEligible,
    AllocinePriceInvalid,
    AllocineQuantityInvalid,
)
from .models import AllocineVanishedShowtime, AllocineVenueSettings
from .selectors import venue_allocine_eligibility
from .sync import record_crashed_run, sync_venue

logger = logging.getLogger(__name__)


def save_allocine_settings(
    actor, venue, *, price_cents: int | None, quantity: int | None, is_duo: bool, is_active: bool
) -> AllocineVenueSettings:
    check_can_act_for_offerer(actor, venue.offerer_id)
    eligibility = venue_allocine_eligibility(venue)
    if not eligibility.eligible:
        raise AllocineNotEligible(eligibility.message)
    # The bounds of a stock typed by hand (core.offers.constants): every imported showtime gets them.
    if price_cents is None or not 0 <= price_cents <= MAX_PRICE_CENTS:
        raise AllocinePriceInvalid()
    if quantity is not None and not 1 <= quantity <= MAX_STOCK_QUANTITY:
        raise AllocineQuantityInvalid()
    at = utcnow()
    with transaction.atomic():
        settings_obj, created = AllocineVenueSettings.objects.select_for_update().update_or_create(
            venue=venue,
            defaults={
                "theater": eligibility.theater,
                "price_cents": price_cents,
                "quantity": quantity,
                "is_duo": is_duo,
                "is_active": is_active,
                # A paused import is not requested; reactivating requests one.
                "import_requested_at": at if is_active else None,
            },
        )
        log_action(
            "allocine.settings_saved",
            actor=actor,
            target=settings_obj,
            data={
                "venue_id": venue.pk,
                "theater_id": settings_obj.theater.theater_id,
                "price_cents": price_cents,
                "quantity": quantity,
                "is_duo": is_duo,
                "is_active": is_active,
                "created": created,
            },
        )
        if is_active:
            settings_id = settings_obj.pk
            transaction.on_commit(lambda: _enqueue_import(settings_id))
    return settings_obj


def _enqueue_import(settings_id: int) -> None:
    """Never raises: without a broker, or with a dead one, runjobs takes the request within a minute."""
    if not settings.CELERY_BROKER_URL:
        return
    try:
        from .tasks import sync_venue_task

        sync_venue_task.delay(settings_id)
    except Exception:
        logger.warning(
            "allocine: settings %s: broker unreachable, left for runjobs", settings_id, exc_info=True
        )


def claim_requested_import(settings_id: int) -> AllocineVenueSettings | None:
    """Takes one requested import (clearing the request) so a worker and runjobs never both run it."""
    taken = AllocineVenueSettings.objects.filter(
        pk=settings_id, import_requested_at__isnull=False, is_active=True
    ).update(import_requested_at=None)
    if not taken:
        return None
    return AllocineVenueSettings.objects.select_related("venue", "theater").get(pk=settings_id)


def run_requested_import(
    settings_id: int, *, client: AllocineClient | None = None, at: dt.datetime | None = None
) -> str:
    """Runs one requested import; returns the run's status, or "skipped" when there is nothing to do."""
    settings_obj = claim_requested_import(settings_id)
    if settings_obj is None:
        return "skipped"
    if not venue_allocine_eligibility(settings_obj.venue).eligible:
        return "skipped"
    try:
        return sync_venue(settings_obj, client=client, at=at).status
    except Exception:
        logger.exception("allocine: venue %s: requested import crashed", settings_obj.venue_id)
        return record_crashed_run(settings_obj.venue, at).status


def sync_requested_imports(at: dt.datetime | None = None, *, client: AllocineClient | None = None) -> dict:
    """The every-minute job: imports the venues whose pro just saved their settings."""
    results: dict[str, int] = {"requested": 0}
    pending = AllocineVenueSettings.objects.filter(import_requested_at__isnull=False, is_active=True)
    for settings_id in pending.order_by("import_requested_at", "pk").values_list("pk", flat=True):
        results["requested"] += 1
        status = run_requested_import(settings_id, client=client, at=at)
        results[status] = results.get(status, 0) + 1
    return results


def keep_vanished_showtime(
    actor, alert_id: int, *, at: dt.datetime | None = None
) -> AllocineVanishedShowtime:
    """ "Garder la séance": the pro knows the booked showtime vanished from Allociné and keeps it. The
    alert leaves their dashboard; it stays open so that the next imports do not alert again, until
    Allociné lists the showtime again."""
    with transaction.atomic():
        alert = (
            AllocineVanishedShowtime.objects.select_for_update()
            .select_related("venue")
            .filter(pk=alert_id, resolved_at__isnull=True)
            .first()
        )
        if alert is None:
            raise AllocineAlertNotFound()
        try:
            check_can_act_for_offerer(actor, alert.venue.offerer_id)
        except OffererAccessDenied:
            raise AllocineAlertNotFound() from None
        if alert.acknowledged_at is not None:
            return alert  # a second click changes nothing
        alert.acknowledged_at = at or utcnow()
        alert.acknowledged_by = actor if getattr(actor, "pk", None) else None
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        log_action(
            "allocine.vanished_showtime_kept",
            actor=actor,
            target=alert.stock,
            data={"alert_id": alert.pk, "venue_id": alert.venue_id},
        )
    return alert
