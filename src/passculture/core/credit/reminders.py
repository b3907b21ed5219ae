"""Reminders before a credit expires: 90, 30 and 7 days before (issue 16 point 4, decision 0033).

Rule (`due_threshold`): the days left are counted on the person's calendar (their timezone, from the
postal code of their profile); the reminder due is the most urgent threshold reached, so a job that did
not run on the exact day catches up, and one that finds 20 days left sends the 30-day reminder, never
the 90-day one. Nothing is sent when nothing is left to spend, when the credit has expired, when the
person turned CREDIT_REMINDERS off, nor during their quiet hours (22:00 to 08:00): the hourly job sends it
at its first run after 08:00 there.

Once per deposit and threshold: the job inserts a CreditReminder row (unique on deposit and threshold)
in the transaction that queues the outbox email. A second run, or a concurrent one, fails on that
constraint and sends nothing (PostgreSQL makes the second insert wait for the first to commit).

Two credits of one person ending at the same instant (the 2025 policy: the 17-year-old's and the
18-year-old's both end on the 21st birthday) get one email with their total, claimed for both.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from passculture.core.common.geography import timezone_for_postal_code
from passculture.core.common.quiet_hours import is_quiet
from passculture.core.common.text import fold
from passculture.core.common.time import now as utcnow
from passculture.core.geo.services import search_places
from passculture.core.notifications.credit_emails import NearbyFilm, credit_expiry_reminder
from passculture.core.notifications.push import push_credit_expiry
from passculture.core.notifications.services import queue_built

from .models import CreditReminder, Deposit
from .selectors import balance_of_deposit

logger = logging.getLogger(__name__)

THRESHOLDS_DAYS = (90, 30, 7)
# Up to this many films with a showtime in the coming week, within this distance of the person's town.
FILMS_IN_REMINDER = 3
FILMS_RADIUS_KM = 20
BATCH_SIZE = 500


def days_left(expires_at: dt.datetime, at: dt.datetime, tz_name: str) -> int:
    """Calendar days from today to the expiry day, on the person's clock."""
    zone = ZoneInfo(tz_name)
    return (expires_at.astimezone(zone).date() - at.astimezone(zone).date()).days


def due_threshold(left: int) -> int | None:
    """The most urgent threshold reached with `left` days to go; None before 90 days or once expired."""
    if left < 0:
        return None
    reached = [days for days in THRESHOLDS_DAYS if left <= days]
    return min(reached) if reached else None


@dataclass(frozen=True)
class Town:
    latitude: float
    longitude: float
    label: str


def place_of(postal_code: str, city: str) -> Town | None:
    """The town of a profile (its centre, from the packaged gazetteer: no network call in a job)."""
    places = search_places(postal_code, limit=10) if postal_code else []
    wanted = fold(city or "")
    named = [place for place in places if wanted and fold(place.name).startswith(wanted)]
    found = named[0] if named else (places[0] if places else None)
    if found is None:
        return None
    return Town(found.latitude, found.longitude, f"{found.name} ({postal_code})")


def films_near(place: Town | None, at: dt.datetime) -> list[NearbyFilm]:
    """Up to FILMS_IN_REMINDER films with a bookable showtime this week near the place, nearest first
    (the app's own search, so the links lead to what the app shows)."""
    if place is None:
        return []
    # Imported here: the search pulls in offers and films, which only this job needs.
    from passculture.core.offers.search import WEEK, DateFilter, Position, SearchParams, search_films

    params = SearchParams(
        position=Position(place.latitude, place.longitude, place.label),
        radius_km=FILMS_RADIUS_KM,
        date=DateFilter(WEEK),
        limit=FILMS_IN_REMINDER,
    )
    try:
        page = search_films(params, at=at)
    except Exception:  # a reminder without films is better than no reminder
        logger.exception("credit reminder: the search for films near a place failed")
        return []
    return [
        NearbyFilm(
            title=result.title,
            venue_name=result.venue.display_name,
            distance_km=result.distance_km,
            next_start=result.next_start,
            venue_timezone=result.venue.timezone,
            path=reverse("app:offer", kwargs={"offer_id": result.offer.pk}),
        )
        for result in page.results
    ]


def candidates(at: dt.datetime):
    """Credits still usable that end within the longest threshold (a day more: the person's calendar may
    be behind UTC), with something left, of active people who want these reminders."""
    horizon = at + dt.timedelta(days=max(THRESHOLDS_DAYS) + 1)
    return (
        Deposit.objects.filter(
            expires_at__gt=at,
            expires_at__lte=horizon,
            spent_cents__lt=F("amount_cents"),
            user__is_active=True,
            user__wants_credit_reminders=True,
        )
        .select_related("user")
        .order_by("user_id", "expires_at", "pk")
    )


def _groups(deposits: Iterable[Deposit]) -> Iterable[list[Deposit]]:
    """The person's credits ending at the same instant, together."""
    group: list[Deposit] = []
    for deposit in deposits:
        if group and (group[0].user_id, group[0].expires_at) != (deposit.user_id, deposit.expires_at):
            yield group
            group = []
        group.append(deposit)
    if group:
        yield group


def _claimed(deposit_ids: list[int]) -> set[tuple[int, int]]:
    rows = CreditReminder.objects.filter(deposit_id__in=deposit_ids).values_list("deposit_id", "days_before")
    return set(rows)


def _chunks(groups: Iterable[list[Deposit]], size: int) -> Iterable[list[list[Deposit]]]:
    chunk: list[list[Deposit]] = []
    for group in groups:
        chunk.append(group)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def send_credit_reminders(at: dt.datetime | None = None) -> dict:
    """The runjobs job (hourly): queues each due reminder once."""
    at = at or utcnow()
    sent = 0
    films_by_place: dict[tuple[str, str], tuple[Town | None, list[NearbyFilm]]] = {}
    for chunk in _chunks(_groups(candidates(at).iterator(chunk_size=BATCH_SIZE)), BATCH_SIZE):
        claimed = _claimed([deposit.pk for group in chunk for deposit in group])
        for group in chunk:
            user = group[0].user
            tz_name = timezone_for_postal_code(user.postal_code)
            left = days_left(group[0].expires_at, at, tz_name)
            threshold = due_threshold(left)
            if threshold is None or is_quiet(at, tz_name):
                continue
            if any((deposit.pk, threshold) in claimed for deposit in group):
                continue
            remaining = sum(balance_of_deposit(deposit, at).remaining_cents for deposit in group)
            if remaining <= 0:
                continue
            key = (user.postal_code, fold(user.city or ""))
            if key not in films_by_place:
                place = place_of(user.postal_code, user.city)
                films_by_place[key] = (place, films_near(place, at))
            place, films = films_by_place[key]
            content = credit_expiry_reminder(
                user,
                remaining_cents=remaining,
                expires_at=group[0].expires_at,
                days_left=left,
                timezone=tz_name,
                films=films,
                place_label=place.label if place is not None else "",
            )
            if _claim_and_queue(group, threshold, remaining, at, content, tz_name, left):
                sent += 1
    return {"sent": sent}


def _claim_and_queue(
    group: list[Deposit], threshold: int, remaining: int, at: dt.datetime, content, tz_name: str, left: int
) -> bool:
    try:
        with transaction.atomic():
            for deposit in group:
                CreditReminder.objects.create(
                    deposit=deposit, days_before=threshold, sent_at=at, remaining_cents=remaining
                )
            queue_built(content, related=group[0], quiet_in=tz_name)
            push_credit_expiry(
                group[0].user,
                remaining_cents=remaining,
                expires_at=group[0].expires_at,
                days_left=left,
                tz_name=tz_name,
                related=group[0],
            )
    except IntegrityError:
        return False  # another run claimed it first
    return True
