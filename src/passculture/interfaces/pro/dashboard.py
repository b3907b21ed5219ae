"""The pro home page: what needs attention today for the current offerer."""

from django.urls import reverse

from passculture.core.bookings.selectors import latest_bookings_for_offerers
from passculture.core.common.time import now, to_local
from passculture.core.finance.selectors import venues_missing_bank_details
from passculture.core.offerers.selectors import pending_memberships_of
from passculture.core.offers.selectors import showtimes_of_offerers_from
from passculture.core.providers.allocine.selectors import vanished_showtime_alerts_of_offerers

from .allocine import vanished_alerts_context

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
    return [
        {
            "venue": venue,
            "status_label": _BANK_STATUS_LABELS.get(
                venue.bank_account_status, "Coordonnées bancaires non validées"
            ),
            "url": reverse("pro:bank-account", args=[venue.pk]),
        }
        for venue in venues_missing_bank_details(offerer_ids)
    ]


def dashboard_context(request) -> dict:
    pro = request.pro
    context: dict = {"title": "Accueil", "pending_memberships": list(pending_memberships_of(request.user))}
    if pro.current is None:
        return context
    offerer_ids = [pro.current_id]
    at = now()
    showtimes = showtimes_of_offerers_from(offerer_ids, at, UPCOMING_DAYS, limit=MAX_SHOWTIMES + 1)
    # "Today" is the venue's day: at 21:00 UTC it is already tomorrow in La Réunion.
    todays, upcoming = [], []
    for stock in showtimes[:MAX_SHOWTIMES]:
        tz_name = stock.offer.venue.timezone
        is_today = to_local(stock.beginning_datetime, tz_name).date() == to_local(at, tz_name).date()
        (todays if is_today else upcoming).append(stock)
    context.update(
        offerer=pro.current,
        offerer_pending=not pro.current.is_validated,
        todays_showtimes=todays,
        upcoming_showtimes=upcoming,
        showtimes_truncated=len(showtimes) > MAX_SHOWTIMES,
        latest_bookings=latest_bookings_for_offerers(offerer_ids, limit=LATEST_BOOKINGS),
        venues_missing_bank_details=_venues_missing_bank_details(offerer_ids),
        upcoming_days=UPCOMING_DAYS,
        bank_accounts_url=reverse("pro:bank-accounts"),
        # Every offerer of the user, not only the current one: a booked showtime about to be cancelled
        # by the cinema cannot wait for the pro to switch structure.
        **vanished_alerts_context(
            vanished_showtime_alerts_of_offerers(pro.offerer_ids, at=at), reverse("pro:dashboard")
        ),
    )
    return context
