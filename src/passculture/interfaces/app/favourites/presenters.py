"""What a favourite shows: a film with its poster and its next showtimes near the person (the film
calendar of the core, the film page's own source), a cinema with its town."""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from passculture.core.common.time import to_local
from passculture.core.offers import search

from ..discovery import presenters as p

# The next showtimes are read for the newest favourite films only (three queries each): the others link
# to their film page. A person keeps a handful; the limit keeps a page of 500 favourites cheap.
FILMS_WITH_SHOWTIMES = 12
SHOWTIMES_PER_FILM = 3
DAYS_AHEAD = 7


@dataclass(frozen=True)
class ShowtimeChip:
    label: str
    url: str


@dataclass(frozen=True)
class FavouriteCard:
    kind: str  # "film" or "venue"
    target_id: int
    title: str
    url: str
    poster: object = None
    meta: str = ""
    showtimes: list[ShowtimeChip] = field(default_factory=list)
    showtimes_read: bool = False


def _next_showtimes(film, *, at: dt.datetime, position: search.Position | None) -> list[ShowtimeChip]:
    today = search.calendar_today(at)
    calendar = search.film_calendar(
        search.film_ref(film),
        at=at,
        first=today,
        last=today + dt.timedelta(days=DAYS_AHEAD - 1),
        position=position,
    )
    found = sorted(
        (
            (showtime.beginning, cinema, showtime)
            for day in calendar.days
            for cinema in day.cinemas
            for showtime in cinema.showtimes
            if not showtime.is_sold_out
        ),
        key=lambda item: (item[0], item[2].stock_id),
    )[:SHOWTIMES_PER_FILM]
    chips = []
    for _, cinema, showtime in found:
        local = to_local(showtime.beginning, cinema.venue.timezone)
        query = urlencode({"jour": local.date().isoformat(), "cinema": cinema.offer.pk})
        chips.append(
            ShowtimeChip(
                f"{p.day_label(local.date(), today)} {p.time_label(local)} · {cinema.venue.display_name}",
                f"{reverse('app:film', args=[film.pk])}?{query}",
            )
        )
    return chips


def favourite_cards(favourites, *, at: dt.datetime, position: search.Position | None) -> list[FavouriteCard]:
    cards = []
    films_read = 0
    for favourite in favourites:
        if favourite.film is not None:
            film = favourite.film
            read = films_read < FILMS_WITH_SHOWTIMES
            films_read += 1
            cards.append(
                FavouriteCard(
                    "film",
                    film.pk,
                    film.title,
                    reverse("app:film", args=[film.pk]),
                    poster=film.poster or None,
                    meta=str(film.year or ""),
                    showtimes=_next_showtimes(film, at=at, position=position) if read else [],
                    showtimes_read=read,
                )
            )
        else:
            venue = favourite.venue
            cards.append(
                FavouriteCard(
                    "venue",
                    venue.pk,
                    venue.display_name,
                    reverse("app:venue", args=[venue.pk]),
                    meta=venue.city,
                )
            )
    return cards
