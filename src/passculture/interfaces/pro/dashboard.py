"""The pro home page ("Accueil"): how the current structure is doing (bookings today, this week and this
month, the last 30 days, the most booked films, this year's revenue against the reimbursement scale, the
next transfer), what is left to set up, today's showtimes, and what needs attention.

Every figure covers `request.pro.current` only, through the core selectors.
"""

from dataclasses import dataclass

from django.urls import reverse

from passculture.core.bookings.statistics import (
    CHART_DAYS,
    booking_figures,
    bookings_per_day,
    top_films,
)
from passculture.core.common.time import now, to_local
from passculture.core.finance.constants import BankAccountStatus, TransferState
from passculture.core.finance.selectors import venues_with_bank_status
from passculture.core.finance.transfers import next_transfer_of_offerers, yearly_revenue_by_venue
from passculture.core.offerers.selectors import pending_memberships_of
from passculture.core.offers.selectors import has_published_offer, showtimes_of_offerers_from
from passculture.core.providers.allocine.selectors import (
    allocine_import_of_venues,
    vanished_showtime_alerts_of_offerers,
)

from .allocine import vanished_alerts_context
from .charts import Point, daily_bars, horizontal_bars, long_day

# Today's showtimes shown; the others are on the offers page.
TODAYS_SHOWTIMES = 20


_BANK_STATUS_LABELS = {
    None: "Aucune coordonnée bancaire",
    "DRAFT": "Coordonnées bancaires à compléter",
    "PENDING": "Coordonnées bancaires en attente de validation",
    "REJECTED": "Coordonnées bancaires refusées",
}


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    done: bool
    url: str | None
    action: str
    hint: str = ""


def _missing_bank_details(venues) -> list[dict]:
    return [
        {
            "venue": venue,
            "status_label": _BANK_STATUS_LABELS.get(
                venue.bank_account_status, "Coordonnées bancaires non validées"
            ),
            "url": reverse("pro:bank-account", args=[venue.pk]),
        }
        for venue in venues
        if venue.bank_account_status != BankAccountStatus.ACCEPTED
    ]


def onboarding_steps(offerer, venues, has_offer: bool, allocine: dict[int, bool]) -> list[Step]:
    """What a new structure sets up before its first bookings, in order. Bank details count as done
    once submitted: the rest is pass Culture's check. Allociné is a step only for a venue listed there."""
    bank_submitted = any(
        venue.bank_account_status in (BankAccountStatus.PENDING, BankAccountStatus.ACCEPTED)
        for venue in venues
    )
    steps = [
        Step(
            "offerer",
            "Structure validée par pass Culture",
            offerer.is_validated,
            None,
            "",
            "" if offerer.is_validated else "L'équipe pass Culture vérifie vos informations.",
        ),
        Step("venue", "Un lieu ajouté", bool(venues), reverse("pro:venue-create"), "Ajouter un lieu"),
        Step(
            "bank",
            "Coordonnées bancaires envoyées",
            bank_submitted,
            reverse("pro:bank-accounts"),
            "Renseigner les coordonnées bancaires",
        ),
        Step(
            "offer", "Une première offre publiée", has_offer, reverse("pro:offer-create"), "Créer une offre"
        ),
    ]
    if allocine:
        venue_id = next((pk for pk, importing in allocine.items() if not importing), next(iter(allocine)))
        steps.append(
            Step(
                "allocine",
                "Séances importées depuis AlloCiné",
                all(allocine.values()),
                reverse("pro:venue-allocine", args=[venue_id]),
                "Paramétrer l'importation AlloCiné",
            )
        )
    return steps


def _showtime_rows(showtimes) -> list[dict]:
    rows = []
    for stock in showtimes:
        tz_name = stock.offer.venue.timezone
        booked = stock.booked_quantity
        total = stock.quantity
        plural = "s" if booked > 1 else ""
        fill_label = f"{booked} place{plural} réservée{plural} " + (
            "(jauge illimitée)" if total is None else f"sur {total}"
        )
        rows.append(
            {
                "stock": stock,
                "time": to_local(stock.beginning_datetime, tz_name),
                "film": stock.offer.name,
                "venue": stock.offer.venue.display_name,
                "booked": booked,
                "total": total,
                "full": total is not None and booked >= total,
                "fill_label": fill_label,
                "url": reverse("pro:offer-detail", args=[stock.offer_id]),
            }
        )
    return rows


def _charts(offerer_ids, at) -> dict:
    days = bookings_per_day(offerer_ids, at)
    films = top_films(offerer_ids, at)
    per_day = [(item.day, item.count) for item in days]
    return {
        "chart_days": CHART_DAYS,
        "per_day": days,
        "per_day_total": sum(count for _, count in per_day),
        "per_day_chart": daily_bars(
            per_day, chart_id="chart-per-day", title=f"Réservations par jour, {CHART_DAYS} derniers jours"
        ),
        "per_day_first": long_day(days[0].day) if days else "",
        "top_films": films,
        "top_films_chart": horizontal_bars(
            [Point(item.title, item.count) for item in films],
            chart_id="chart-top-films",
            title=f"Films les plus réservés, {CHART_DAYS} derniers jours",
        )
        if films
        else None,
    }


def dashboard_context(request) -> dict:
    pro = request.pro
    context: dict = {"title": "Accueil", "pending_memberships": list(pending_memberships_of(request.user))}
    if pro.current is None:
        return context
    offerer = pro.current
    offerer_ids = [offerer.pk]
    at = now()
    venues = list(venues_with_bank_status(offerer_ids))
    # "Today" is the venue's day (0 days after it): at 21:00 UTC it is already tomorrow in La Réunion.
    todays = showtimes_of_offerers_from(offerer_ids, at, 0, limit=TODAYS_SHOWTIMES + 1)
    steps = onboarding_steps(
        offerer,
        venues,
        has_published_offer(offerer_ids),
        allocine_import_of_venues(venues),
    )
    revenues = yearly_revenue_by_venue(offerer_ids, at=at)
    # The Remboursements page's own computation: the two pages cannot disagree.
    upcoming = next_transfer_of_offerers(offerer_ids, at=at).next
    figures = booking_figures(offerer_ids, at)
    context.update(
        offerer=offerer,
        offerer_pending=not offerer.is_validated,
        steps=steps,
        steps_done=sum(step.done for step in steps),
        onboarding_done=all(step.done for step in steps),
        figures=figures,
        figure_rows=[
            ("Aujourd'hui", figures.today, "today"),
            ("Cette semaine", figures.week, "week"),
            ("Ce mois-ci", figures.month, "month"),
        ],
        todays_showtimes=todays[:TODAYS_SHOWTIMES],
        todays_rows=_showtime_rows(todays[:TODAYS_SHOWTIMES]),
        todays_truncated=len(todays) > TODAYS_SHOWTIMES,
        revenues=revenues,
        revenue_year=revenues[0].year if revenues else None,
        next_transfer=upcoming,
        next_transfer_state=TransferState(upcoming.state).label if upcoming else "",
        venues_missing_bank_details=_missing_bank_details(venues),
        bank_accounts_url=reverse("pro:bank-accounts"),
        **_charts(offerer_ids, at),
        # Every offerer of the user, not only the current one: a booked showtime about to be cancelled
        # by the cinema cannot wait for the pro to switch structure.
        **vanished_alerts_context(
            vanished_showtime_alerts_of_offerers(pro.offerer_ids, at=at), reverse("pro:dashboard")
        ),
    )
    return context
