"""The reminders before a credit expires (issue 16 point 4, decision 0033): non-transactional, so each
carries a one-click unsubscribe link and the List-Unsubscribe headers of the CREDIT_REMINDERS topic.

The builder takes what the job found (the amount left, the films near the person) and writes the
message; it reads nothing itself, so it is tested and previewed on its own.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local
from passculture.core.users.notification_preferences import Topic

from .builders import EmailContent, _build
from .unsubscribe import unsubscribe_headers, unsubscribe_url

KIND = "credit_expiry_reminder"


@dataclass(frozen=True)
class NearbyFilm:
    title: str
    venue_name: str
    distance_km: float | None
    next_start: dt.datetime
    venue_timezone: str
    path: str  # the showing's page in the app, e.g. /offres/12/

    def as_context(self) -> dict:
        distance = ""
        if self.distance_km is not None:
            distance = f"{self.distance_km:.1f}".replace(".", ",") + " km"
        return {
            "title": self.title,
            "venue_name": self.venue_name,
            "distance": distance,
            "next_start": format_local(self.next_start, self.venue_timezone, with_weekday=True),
            "url": f"{settings.PUBLIC_BASE_URL}{self.path}",
        }


def _days_label(days: int) -> str:
    return "demain" if days == 1 else f"dans {days} jours"


def credit_expiry_reminder(
    user,
    *,
    remaining_cents: int,
    expires_at: dt.datetime,
    days_left: int,
    timezone: str,
    films: list[NearbyFilm],
    place_label: str = "",
) -> EmailContent:
    """`timezone`: the person's (from their postal code), in which the expiry is told."""
    url = unsubscribe_url(user, Topic.CREDIT_REMINDERS)
    amount = format_euros(remaining_cents)
    context = {
        "first_name": user.first_name,
        "amount": amount,
        "expires_on": format_local(expires_at, timezone, with_weekday=True),
        "days_label": _days_label(days_left),
        "films": [film.as_context() for film in films],
        "place_label": place_label,
        "app_url": f"{settings.PUBLIC_BASE_URL}{reverse('app:home')}",
        "preferences_url": f"{settings.PUBLIC_BASE_URL}{reverse('app:notification_preferences')}",
        "unsubscribe_url": url,
    }
    subject = f"Il vous reste {amount} sur votre pass Culture, à utiliser {_days_label(days_left)}"
    return _build(KIND, subject, context, [user.email], headers=unsubscribe_headers(url))
