"""The pro home page: what needs attention today for the current offerer."""

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from passculture.core.bookings.selectors import latest_bookings_for_offerers
from passculture.core.common.time import to_local
from passculture.core.offerers.selectors import pending_memberships_of
from passculture.core.offers.selectors import showtimes_of_offerers_between

UPCOMING_DAYS = 7
LATEST_BOOKINGS = 10
MAX_SHOWTIMES = 200


_BANK_STATUS_LABELS = {
    None: "Aucune coordonnée bancaire",
    "DRAFT": "Coordonnées bancaires à compléter",
    "PENDING": "Coordonnées bancaires en attente de validation",
    "REJECTED": "Coordonnées bancaires refusées",
}


def _venues_missing_bank_details(offerer_ids) -> list[dict]:
    # Bank details belong to the finance app, shipped separately: without it the panel is simply left out.
    try:
        from passculture.core.finance.selectors import venues_missing_bank_details
    except ImportError:
        return []
    return [
        {
            "venue": venue,
            "status_label": _BANK_STATUS_LABELS.get(
                getattr(venue, "bank_account_status", None), "Coordonnées bancaires non validées"
            ),
            "url": _url_or_none("pro:bank-account", venue.pk),
        }
        for venue in venues_missing_bank_details(offerer_ids)
    ]


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def dashboard_context(request) -> dict:
    pro = request.pro
    context: dict = {"title": "Accueil", "pending_memberships": list(pending_memberships_of(request.user))}
    if pro.current is None:
        return context
    offerer_ids = [pro.current_id]
    today = timezone.localdate()
    showtimes = showtimes_of_offerers_between(
        offerer_ids, today, today + dt.timedelta(days=UPCOMING_DAYS), limit=MAX_SHOWTIMES + 1
    )
    # "Today" is the venue's day: a showtime in Réunion at 1:00 local belongs to its own date.
    todays, upcoming = [], []
    for stock in showtimes[:MAX_SHOWTIMES]:
        local_day = to_local(stock.beginning_datetime, stock.offer.venue.timezone).date()
        (todays if local_day <= today else upcoming).append(stock)
    context.update(
        offerer=pro.current,
        offerer_pending=not pro.current.is_validated,
        todays_showtimes=todays,
        upcoming_showtimes=upcoming,
        showtimes_truncated=len(showtimes) > MAX_SHOWTIMES,
        latest_bookings=latest_bookings_for_offerers(offerer_ids, limit=LATEST_BOOKINGS),
        venues_missing_bank_details=_venues_missing_bank_details(offerer_ids),
        upcoming_days=UPCOMING_DAYS,
        bank_accounts_url=_url_or_none("pro:bank-accounts") or _url_or_none("pro:venues"),
    )
    return context
