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
"""

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
from .params import (
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
    check_pagination,
    check_position,
    check_radius,
    check_text,
    find_places,
    fold,
    locate,
    parse_date_filter,
    title_matches,
)

__all__ = [
    "DAY",
    "DEFAULT_LIMIT",
    "DEFAULT_RADIUS_KM",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_TEXT_LENGTH",
    "RADII_KM",
    "TODAY",
    "TOMORROW",
    "WEEK",
    "CardResult",
    "DateFilter",
    "FilmDetails",
    "FilmElsewhere",
    "Position",
    "SearchPage",
    "SearchParams",
    "SearchResult",
    "ShowtimeSummary",
    "bounding_box",
    "build_search_params",
    "cards_nearby",
    "check_pagination",
    "check_position",
    "check_radius",
    "check_text",
    "film_details",
    "find_places",
    "fold",
    "locate",
    "parse_date_filter",
    "same_film_nearby",
    "search_showtimes",
    "title_matches",
    "upcoming_showtimes_of",
    "wider_radius_with_results",
]
