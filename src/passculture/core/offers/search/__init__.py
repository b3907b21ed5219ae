"""Geolocated search of showtimes: the discovery page at / and GET /api/native/v1/offers.

"Films with a bookable showtime within R km of a point, on a day, whose title contains these words,
nearest cinema first, then soonest showtime". Why it stays fast at national scale (decision 12):

1. Venues: the visible venues inside the bounding box of the circle, read through the composite index
   on (latitude, longitude); the exact great-circle distance runs in Python on that small set. With
   title words, one more query reads these venues' film titles and the filter (case and accents
   aside) runs in Python too.
2. The venues are walked nearest first, in batches: one aggregate per batch over the bookable
   showtimes of their films inside the date window (index on stock (offer_id, beginning_datetime)),
   until the page is full. The cost follows the page size, not the density of cinemas around.
3. The page: its films with their venue, and the first few showtimes of each.

Without a position the search is nationwide, soonest showtime first: showtimes are read in start order
(index on beginning_datetime) until the page holds enough distinct films.

Bookable means what booking checks (selectors.public_offer_filter and bookable_stock_filter): the offer
active, its venue and offerer validated, the showtime not deleted, not started, its booking limit not
passed, a place left. Days are the venue's local days: "today" in La Réunion starts 4 hours before
"today" in Paris.

Grouped by film (`grouped.search_films`): one result per film across cinemas, the nearest cinema's
next showtimes as chips and the number of cinemas showing it; an offer not linked to a Film is its own
film. The film calendar (`calendar.film_calendar`): one film's showtimes by day then cinema.
"""

from .calendar import (
    DEFAULT_CALENDAR_RADIUS_KM,
    FEW_SEATS,
    MAX_CALENDAR_DAYS,
    PAGE_DAYS,
    CalendarCinema,
    CalendarDay,
    CalendarShowtime,
    FilmCalendar,
    FilmInfo,
    FilmRef,
    a_showing_of,
    calendar_today,
    check_period,
    film_calendar,
    film_info,
    film_ref,
    film_ref_of_offer,
    find_film_ref,
    with_a_showing,
)
from .engine import (
    SearchPage,
    SearchResult,
    ShowtimeSummary,
    bounding_box,
    search_showtimes,
    wider_radius_with_results,
)
from .film import (
    CardResult,
    FilmDetails,
    FilmElsewhere,
    cards_nearby,
    film_details,
    same_film_nearby,
    upcoming_showtimes_of,
)
from .grouped import FilmResult, FilmSearchPage, Widening, search_films, widening_suggestions
from .last_seats import LastSeats, last_seats
from .params import (
    ACCESSIBILITY_FIELDS,
    ANY_ACCESSIBILITY,
    DAY,
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_KM,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_TEXT_LENGTH,
    RADII_KM,
    TODAY,
    TOMORROW,
    WEEK,
    DateFilter,
    Position,
    SearchParams,
    build_search_params,
    check_accessibility,
    check_budget,
    check_flag,
    check_pagination,
    check_position,
    check_radius,
    check_text,
    check_version,
    find_places,
    fold,
    locate,
    parse_date_filter,
    title_matches,
)

__all__ = [
    "ACCESSIBILITY_FIELDS",
    "ANY_ACCESSIBILITY",
    "DAY",
    "DEFAULT_CALENDAR_RADIUS_KM",
    "DEFAULT_LIMIT",
    "DEFAULT_RADIUS_KM",
    "FEW_SEATS",
    "MAX_CALENDAR_DAYS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_TEXT_LENGTH",
    "PAGE_DAYS",
    "RADII_KM",
    "TODAY",
    "TOMORROW",
    "WEEK",
    "CalendarCinema",
    "CalendarDay",
    "CalendarShowtime",
    "CardResult",
    "DateFilter",
    "FilmCalendar",
    "FilmDetails",
    "FilmElsewhere",
    "FilmInfo",
    "FilmRef",
    "FilmResult",
    "FilmSearchPage",
    "LastSeats",
    "Position",
    "SearchPage",
    "SearchParams",
    "SearchResult",
    "ShowtimeSummary",
    "Widening",
    "a_showing_of",
    "bounding_box",
    "build_search_params",
    "calendar_today",
    "cards_nearby",
    "check_accessibility",
    "check_budget",
    "check_flag",
    "check_pagination",
    "check_period",
    "check_position",
    "check_radius",
    "check_text",
    "check_version",
    "film_calendar",
    "film_details",
    "film_info",
    "film_ref",
    "film_ref_of_offer",
    "find_film_ref",
    "find_places",
    "fold",
    "last_seats",
    "locate",
    "parse_date_filter",
    "same_film_nearby",
    "search_films",
    "search_showtimes",
    "title_matches",
    "upcoming_showtimes_of",
    "widening_suggestions",
    "wider_radius_with_results",
    "with_a_showing",
]
