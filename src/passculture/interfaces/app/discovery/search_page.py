"""The search page at `/recherche/`: a title and a place, filter chips, one card per film.

Everything is in the query string (q, lieu, lat, lon, rayon, jour, version, budget, duo, accessible,
page), so that a search can be shared, reloaded and used without JavaScript: every chip is a link that
keeps the other parameters. Bad values say why in French and fall back to the default, never a 5xx.
`quand` is the old name of the day (links shared before this page existed: `/?quand=today`).
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_WEEKDAYS
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import balance_of_deposits, deposits_of
from passculture.core.offers import search
from passculture.core.offers.search.params import MAX_BUDGET_CENTS
from passculture.interfaces.security import allow_browser_features

from ..position import DEVICE, locate
from . import presenters as p
from .home import film_url

PAGE_SIZE = 10
MAX_PAGE = search.MAX_OFFSET // PAGE_SIZE + 1
DAY_CHIPS = 7  # today, tomorrow and the 5 next days by name
EAGER_POSTERS = 2
FLAG_ON = "1"
# The core's messages say "vous"; the page says "tu" and what it shows instead.
MESSAGES = {
    "INVALID_RADIUS": "Cette distance n'est pas proposée : voici les films à 20 km. Tu peux choisir 5, 10, 20, 50 "
    "ou 100 km.",
    "INVALID_DATE": "Ce jour n'est pas valable : voici les films de tous les jours. Choisis un jour parmi les "
    "boutons.",
    "SEARCH_TEXT_TOO_LONG": "Ce titre est trop long (100 caractères au maximum) : voici tous les films.",
    "INVALID_VERSION": "Cette version n'existe pas : choisis VO (version originale) ou VF (version française).",
    "INVALID_FLAG": "Ce filtre n'est pas compris : il n'est pas appliqué.",
}


@dataclass(frozen=True)
class Chip:
    label: str
    query: str
    current: bool


@dataclass
class ChipRow:
    label: str  # the row's name, for screen readers (aria-label of the list)
    chips: list[Chip] = field(default_factory=list)


@dataclass(frozen=True)
class ShowtimeChip:
    url: str
    label: str
    iso: str
    seats: str


@dataclass(frozen=True)
class FilmCard:
    title: str
    url: str
    poster: object
    eager: bool
    details: str  # "1 h 52 · Drame, Comédie"
    venue: str
    distance: str
    other_cinemas: int
    showtimes: list[ShowtimeChip]
    more_showtimes: int


def remaining_budget(user, at: dt.datetime) -> int | None:
    """What a beneficiary can still spend (cents), None without a usable credit: no budget chip then."""
    if not user.is_authenticated or not user.is_beneficiary:
        return None
    deposits = deposits_of(user)
    if not deposits:
        return None
    balance = balance_of_deposits(deposits, at)
    if balance.is_expired or balance.remaining_cents <= 0:
        return None
    return min(balance.remaining_cents, MAX_BUDGET_CENTS)


def _query(base: dict, **changes) -> str:
    merged = {**base, **changes}
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


def _day_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "Aujourd'hui"
    if day == today + dt.timedelta(days=1):
        return "Demain"
    return f"{FRENCH_WEEKDAYS[day.weekday()].capitalize()} {day.day}"


def _showtime_chip(summary: search.ShowtimeSummary, today: dt.date, one_day: bool) -> ShowtimeChip:
    local = summary.local_beginning
    label = p.time_label(local)
    if not one_day and local.date() != today:
        label = f"{p.day_label(local.date(), today)} {label}"
    if summary.version:
        label += f" · {summary.version}"
    remaining = summary.remaining
    return ShowtimeChip(
        url=reverse("app:book", args=[summary.stock_id]),
        label=label,
        iso=local.isoformat(),
        seats=p.seats_label(remaining) if remaining is not None and remaining < search.FEW_SEATS else "",
    )


def _card(result: search.FilmResult, position, today: dt.date, one_day: bool, eager: bool) -> FilmCard:
    details = " · ".join(
        part for part in (p.duration_label(result.duration_minutes), ", ".join(result.genres[:3])) if part
    )
    return FilmCard(
        title=result.title,
        url=film_url(result.film, result.offer, position),
        poster=result.poster or None,
        eager=eager,
        details=details,
        venue=result.venue.display_name,
        distance=p.distance_label(result.distance_km),
        other_cinemas=max(result.cinema_count - 1, 0),
        showtimes=[_showtime_chip(s, today, one_day) for s in result.showtimes],
        more_showtimes=max(result.showtime_count - len(result.showtimes), 0),
    )


@allow_browser_features("geolocation")  # "Autour de moi": the device's position, asked on a click
def search_page(request):
    at = utcnow()
    get = request.GET
    errors: list[str] = []
    located = locate(get, request.user, errors)
    position = located.position
    today = search.calendar_today(at)

    def checked(check, value, default):
        try:
            return check(value)
        except DomainError as error:
            message = MESSAGES.get(error.code, error.message)
            if message not in errors:
                errors.append(message)
            return default

    radius = checked(search.check_radius, get.get("rayon", "")[:10], search.DEFAULT_RADIUS_KM)
    day_value = get.get("jour", "").strip()[:10]
    if not day_value and get.get("quand", "").strip()[:10] in (search.TODAY, search.TOMORROW, search.WEEK):
        day_value = get["quand"].strip()
    date = checked(lambda value: search.parse_date_filter(value, at), day_value, None)
    text = checked(search.check_text, get.get("q", "")[:500], "")
    version = checked(search.check_version, get.get("version", "")[:10], "")
    duo = checked(search.check_flag, get.get("duo", "")[:10], False)
    accessible = checked(search.check_flag, get.get("accessible", "")[:10], False)
    wants_budget = checked(search.check_flag, get.get("budget", "")[:10], False)
    budget = remaining_budget(request.user, at)
    if wants_budget and budget is None:
        errors.append(
            "« Dans mon budget » compare les prix à ton crédit restant : il faut un crédit en cours."
        )
    try:
        page_number = min(max(int(get.get("page", "1")[:6]), 1), MAX_PAGE)
    except ValueError:
        errors.append("Ce numéro de page n'existe pas : voici la première page.")
        page_number = 1

    params = search.SearchParams(
        position=position,
        radius_km=radius,
        date=date,
        text=text,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        version=version,
        max_price_cents=budget if wants_budget and budget is not None else None,
        duo_only=duo,
        accessibility=search.ANY_ACCESSIBILITY if accessible else "",
    )
    page = search.search_films(params, at=at)

    # The query string of this search: every link (chips, pages, suggestions) changes one part of it.
    base = {
        "q": text,
        "lieu": located.place_text if located.source == "place" else "",
        "lat": get.get("lat", "").strip()[:30] if located.source == DEVICE else "",
        "lon": get.get("lon", "").strip()[:30] if located.source == DEVICE else "",
        "rayon": radius if position is not None and radius != search.DEFAULT_RADIUS_KM else "",
        "jour": date.value if date is not None else "",
        "version": version,
        "budget": FLAG_ON if params.max_price_cents is not None else "",
        "duo": FLAG_ON if duo else "",
        "accessible": FLAG_ON if accessible else "",
    }
    days = [today + dt.timedelta(days=n) for n in range(DAY_CHIPS)]
    day_values = [search.TODAY, search.TOMORROW, *(day.isoformat() for day in days[2:])]
    current_day = date.value if date is not None else ""
    if date is not None and date.kind == search.DAY and date.day in days[:2]:
        current_day = day_values[days.index(date.day)]
    rows = [
        ChipRow(
            "Jour",
            [Chip("Tous les jours", _query(base, jour=""), current_day == "")]
            + [
                Chip(_day_label(day, today), _query(base, jour=value), current_day == value)
                for day, value in zip(days, day_values, strict=True)
            ],
        ),
        ChipRow(
            "Filtres",
            [
                Chip(label, _query(base, version="" if version == value else value), version == value)
                for value, label in (("VO", "VO"), ("VF", "VF"))
            ]
            + (
                [
                    Chip(
                        "Dans mon budget",
                        _query(base, budget="" if base["budget"] else FLAG_ON),
                        bool(base["budget"]),
                    )
                ]
                if budget is not None
                else []
            )
            + [
                Chip("Duo", _query(base, duo="" if duo else FLAG_ON), duo),
                Chip("Accessible", _query(base, accessible="" if accessible else FLAG_ON), accessible),
            ],
        ),
    ]
    if position is not None:
        rows.append(
            ChipRow(
                "Distance",
                [
                    Chip(
                        f"{r} km", _query(base, rayon=r if r != search.DEFAULT_RADIUS_KM else ""), r == radius
                    )
                    for r in search.RADII_KM
                ],
            )
        )
    one_day = date is not None and date.kind != search.WEEK
    results = [
        _card(result, position, today, one_day, page_number == 1 and i < EAGER_POSTERS)
        for i, result in enumerate(page.results)
    ]
    suggestions = []
    if not results and page_number == 1:
        kept = {"radius": "rayon", "version": "version", "budget": "budget", "date": "jour", "duo": "duo"}
        for widening in search.widening_suggestions(params, at=at):
            if widening.kind == "radius":
                query = _query(base, rayon=widening.radius_km)
            elif widening.kind == "accessibility":
                query = _query(base, accessible="")
            elif widening.kind == "text":
                query = _query(base, q="")
            else:
                query = _query(base, **{kept[widening.kind]: ""})
            suggestions.append((widening.label, query))
    cards = []
    if page_number == 1 and not text:
        cards = [
            {
                "title": card.offer.name,
                "url": reverse("app:offer", args=[card.offer.pk]),
                "meta": " · ".join(
                    part
                    for part in (
                        card.offer.venue.display_name,
                        p.distance_label(card.distance_km),
                        format_euros(card.price_cents),
                    )
                    if part
                ),
            }
            for card in search.cards_nearby(at=at, position=position, radius_km=radius, limit=4)
        ]
    context = {
        "cards": cards,
        "errors": errors,
        "located": located,
        "text": text,
        "place_text": located.place_text,
        "lat": base["lat"],
        "lon": base["lon"],
        "hidden": {
            key: value for key, value in base.items() if key not in ("q", "lieu", "lat", "lon") and value
        },
        "rows": rows,
        "results": results,
        "page_number": page_number,
        "next_page_query": _query(base, page=page_number + 1) if page.has_more else "",
        "first_page_query": _query(base) if page_number > 1 else "",
        "suggestions": suggestions,
        "radius": radius,
        "has_filters": any(base[key] for key in ("jour", "version", "budget", "duo", "accessible", "q")),
        "clear_query": _query(base, jour="", version="", budget="", duo="", accessible="", q=""),
    }
    return render(request, "app/discovery/search.html", context)
