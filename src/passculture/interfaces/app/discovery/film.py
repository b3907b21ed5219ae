"""The film page: `/films/<id>/`, one film across the cinemas around the person, by day.

`/offres/<id>/` keeps working for every link already out there (emails, bookings, bookmarks): a showing
linked to a film redirects to the film's page with that cinema first (`?cinema=<offer id>`); a showing
not linked yet is shown as its own film on the same page; a cinema card or a subscription keeps its
own page (views.thing_page).

Position: `lat`/`lon` of the query, else the profile's town (as the search does), else the chosen
cinema's place, else all of France. Each showtime button says, before the tap, why the person cannot
book it (core bookings.selectors.booking_obstacles: the checks of book_offer).
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from passculture.core.bookings.feedback import counts_for_showings
from passculture.core.bookings.obstacles import Facts, Obstacle, Reason, obstacle_for
from passculture.core.bookings.selectors import booking_obstacles, stocks_for_obstacles
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_WEEKDAYS, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.favourites.selectors import favourite_film_ids_of
from passculture.core.offers import search
from passculture.core.offers.selectors import get_public_offer
from passculture.core.offers.validation import sanitize_description

from ..position import profile_place
from . import presenters as p
from .views import thing_page

ALLOCINE_LINE = "Tous les détails du film sur AlloCiné"
# What to do next, per personal obstacle: (url name, link text).
NEXT_STEPS = {
    Reason.NOT_LOGGED_IN: ("app:login", "Me connecter"),
    Reason.IDENTITY_NOT_VERIFIED: ("app:identity", "Faire vérifier mon identité"),
    Reason.IDENTITY_PENDING: ("app:identity", "Voir où en est la vérification"),
    Reason.DEPOSIT_EXPIRED: ("app:credit", "Voir mon crédit"),
    Reason.INSUFFICIENT_CREDIT: ("app:credit", "Voir mon crédit"),
    Reason.ALREADY_BOOKED: ("app:bookings", "Voir mes réservations"),
}
VERSION_TITLES = {"VO": "Version originale sous-titrée", "VF": "Version française"}
KEPT_QUERY = ("lat", "lon", "rayon", "jour")


@dataclass(frozen=True)
class ShowtimeButton:
    stock_id: int
    time: str
    iso: str
    version: str
    version_title: str
    price: str
    seats: str  # "3 places" below 10 seats left, else ""
    obstacle: Obstacle | None
    reason_id: str  # the id of the sentence that says why (aria-describedby)


@dataclass
class CinemaBlock:
    offer_id: int
    name: str
    city: str
    address: str
    distance: str
    is_chosen: bool
    showtimes: list[ShowtimeButton] = field(default_factory=list)
    # (id, sentence) of each reason a showtime of this cinema cannot be booked, told once.
    notes: list[tuple[str, str, tuple[str, str] | None]] = field(default_factory=list)


@dataclass(frozen=True)
class DayChip:
    label: str
    full: str
    iso: str
    query: str
    is_current: bool


def chip_label(day: dt.date, today: dt.date) -> str:
    """ "Aujourd'hui", "Demain", then "Jeudi 3"."""
    if day == today:
        return "Aujourd'hui"
    if day == today + dt.timedelta(days=1):
        return "Demain"
    return f"{FRENCH_WEEKDAYS[day.weekday()].capitalize()} {day.day}"


def _same_showtime(showtimes: list[search.CalendarShowtime]) -> list[list[search.CalendarShowtime]]:
    """The showtimes grouped by start and version, in order, each group cheapest first."""
    groups: dict[tuple, list[search.CalendarShowtime]] = {}
    for showtime in showtimes:
        groups.setdefault((showtime.beginning, showtime.version), []).append(showtime)
    return [sorted(group, key=lambda s: (s.price_cents, s.stock_id)) for group in groups.values()]


def _first_open(
    prices: list[search.CalendarShowtime], obstacles: dict[int, Obstacle | None], sold_out: Obstacle | None
) -> tuple[search.CalendarShowtime, Obstacle | None]:
    """The cheapest price without obstacle, else the cheapest, with its obstacle."""

    def obstacle_of(showtime) -> Obstacle | None:
        if sold_out is not None and showtime.is_sold_out:
            return sold_out
        return obstacles.get(showtime.stock_id)

    for showtime in prices:
        if obstacle_of(showtime) is None:
            return showtime, None
    return prices[0], obstacle_of(prices[0])


def _price_label(prices: list[search.CalendarShowtime]) -> str:
    cheapest = prices[0].price_cents
    if any(showtime.price_cents != cheapest for showtime in prices):
        return f"dès {format_euros(cheapest)}"
    return format_euros(cheapest) if cheapest else "Gratuit"


def _next_step(reason: str) -> tuple[str, str] | None:
    step = NEXT_STEPS.get(reason)
    return (reverse(step[0]), step[1]) if step else None


def _position(request, chosen) -> tuple[search.Position | None, str]:
    get = request.GET
    if get.get("partout"):  # "Voir dans toute la France", asked from an empty page
        return None, ""
    try:
        position = search.check_position(get.get("lat", "")[:30], get.get("lon", "")[:30])
    except DomainError:
        position = None
    if position is not None:
        return position, "device"
    position = profile_place(request.user)
    if position is not None:
        return position, "profile"
    if chosen is not None and chosen.venue.latitude is not None and chosen.venue.longitude is not None:
        return search.Position(float(chosen.venue.latitude), float(chosen.venue.longitude)), "cinema"
    return None, ""


def _radius(value: str) -> int:
    try:
        return search.check_radius(value) if (value or "").strip() else search.DEFAULT_CALENDAR_RADIUS_KM
    except DomainError:
        return search.DEFAULT_CALENDAR_RADIUS_KM


def _description(text: str, allocine_url: str) -> str:
    text = sanitize_description(text)
    if allocine_url:
        # The import appends the AlloCiné link as a sentence; the page shows it as a real link instead.
        text = "\n".join(line for line in text.split("\n") if not line.startswith(ALLOCINE_LINE)).strip()
    return text


def film_page(request, film_id: int):
    try:
        ref = search.find_film_ref(film_id=film_id)
    except DomainError as error:
        raise Http404("Film introuvable") from error
    chosen = None
    cinema = request.GET.get("cinema", "")[:12]
    if cinema.isdigit():
        chosen = get_public_offer(int(cinema))
        if chosen is not None and (ref.film is None or chosen.film_id != ref.film.pk):
            chosen = None
    return _render(request, ref, chosen)


def offer_page(request, offer_id: int):
    offer = get_public_offer(offer_id)
    if offer is None:
        raise Http404("Offre introuvable")
    if not offer.is_event:
        return thing_page(request, offer)
    ref = search.film_ref_of_offer(offer)
    if ref.film is not None:
        query = {key: request.GET[key][:30] for key in KEPT_QUERY if request.GET.get(key)}
        url = reverse("app:film", args=[ref.film.pk]) + "?" + urlencode({**query, "cinema": offer.pk})
        return redirect(url)
    return _render(request, ref, offer)


def _render(request, ref: search.FilmRef, chosen):
    at = utcnow()
    today = search.calendar_today(at)
    position, source = _position(request, chosen)
    radius = _radius(request.GET.get("rayon", ""))
    ref = search.with_a_showing(ref)
    info = search.film_info(ref)
    first, last = today, today + dt.timedelta(days=search.PAGE_DAYS - 1)
    calendar = search.film_calendar(
        ref,
        at=at,
        first=first,
        last=last,
        position=position,
        radius_km=radius,
        always=chosen.pk if chosen is not None else None,
    )
    days = calendar.days_with_showtimes
    wanted = request.GET.get("jour", "")[:10]
    try:
        chosen_day = dt.date.fromisoformat(wanted) if wanted else None
    except ValueError:
        chosen_day = None
    if chosen_day not in days:
        chosen_day = days[0] if days else None

    base = {key: request.GET.get(key, "")[:30] for key in ("lat", "lon", "rayon", "cinema")}
    base = {key: value for key, value in base.items() if value}
    chips = [
        DayChip(
            label=chip_label(day, today),
            full=p.full_day(day),
            iso=day.isoformat(),
            query=urlencode({**base, "jour": day.isoformat()}),
            is_current=day == chosen_day,
        )
        for day in days
    ]
    day = calendar.on(chosen_day) if chosen_day else None
    cinemas = day.cinemas if day else []
    user = request.user
    logged_in = user.is_authenticated
    obstacles: dict[int, Obstacle | None] = {}
    if logged_in and cinemas:
        stocks = stocks_for_obstacles(s.stock_id for c in cinemas for s in c.showtimes)
        obstacles = booking_obstacles(user, stocks, at=at)
    # The person's own state is told once above the cinemas; the rest under the cinema it is about.
    personal = next((o for o in obstacles.values() if o is not None and o.is_personal), None)
    sold_out = obstacle_for("NOT_ENOUGH_PLACES", Facts())

    blocks = []
    for cinema_day in cinemas:
        venue = cinema_day.venue
        block = CinemaBlock(
            offer_id=cinema_day.offer.pk,
            name=venue.display_name,
            city=venue.city,
            address=venue.full_address,
            # Around the chosen cinema, a distance from it would read as a distance from the person.
            distance="" if source == "cinema" else p.distance_label(cinema_day.distance_km),
            is_chosen=chosen is not None and cinema_day.offer.pk == chosen.pk,
        )
        for prices in _same_showtime(cinema_day.showtimes):
            # A showtime sold at several prices (one stock per category) is one button: it opens the
            # cheapest price that can be booked, and the booking page offers the others.
            showtime, obstacle = _first_open(prices, obstacles, sold_out if not logged_in else None)
            reason_id = ""
            if obstacle is not None:
                if personal is not None and obstacle.reason == personal.reason:
                    reason_id = "raison-personnelle"
                else:
                    # One sentence per distinct message (two prices: two "not enough credit" sentences).
                    reason_id = next((n[0] for n in block.notes if n[1] == obstacle.message), "")
                    if not reason_id:
                        reason_id = f"raison-{block.offer_id}-{len(block.notes) + 1}"
                        block.notes.append((reason_id, obstacle.message, _next_step(obstacle.reason)))
            local = to_local(showtime.beginning, venue.timezone)
            block.showtimes.append(
                ShowtimeButton(
                    stock_id=showtime.stock_id,
                    time=p.time_label(local),
                    iso=local.isoformat(),
                    version=showtime.version,
                    version_title=VERSION_TITLES.get(showtime.version, ""),
                    price=_price_label(prices),
                    seats=p.seats_label(showtime.seats_told) if showtime.seats_told else "",
                    obstacle=obstacle,
                    reason_id=reason_id,
                )
            )
        blocks.append(block)

    # An empty day list says what to widen: the next radius, then all of France.
    wider = next((r for r in search.RADII_KM if r > radius), None) if position is not None else None
    wider_query = urlencode({**base, "rayon": wider}) if wider else ""
    nationwide_query = urlencode({"partout": 1}) if position is not None else ""
    position_query = ""
    if position is not None and source != "cinema":
        position_query = urlencode({"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}"})
    timezones = {c.venue.timezone for c in cinemas}
    # "Tu as aimé ?" over every cinema that showed the film (one query), shown from the threshold only.
    counts = counts_for_showings(ref.showings)
    context = {
        "feedback": counts if counts.is_shown else None,
        "info": info,
        "description": _description(info.synopsis, info.allocine_url),
        "duration": p.duration_label(info.duration_minutes),
        "chips": chips,
        "day_title": p.long_day_label(chosen_day, today) if chosen_day else "",
        "cinemas": blocks,
        "personal": personal,
        "personal_step": _next_step(personal.reason) if personal else None,
        "logged_in": logged_in,
        "login_url": reverse("app:login") + "?" + urlencode({"next": request.get_full_path()}),
        "position": position,
        "source": source,
        "radius": radius,
        "wider": wider,
        "wider_query": wider_query,
        "nationwide_query": nationwide_query,
        "chosen": chosen,
        "search_query": urlencode({"q": info.title[:100]}) + ("&" + position_query if position_query else ""),
        "local_time_note": any(tz != settings.TIME_ZONE for tz in timezones),
        "is_duo": any(c.offer.is_duo for c in cinemas),
        "film_id": ref.film.pk if ref.film is not None else None,
        "is_favourite": ref.film is not None and ref.film.pk in favourite_film_ids_of(user),
    }
    return render(request, "app/discovery/film.html", context)
