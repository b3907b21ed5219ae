"""An unchanged programme: the memo that lets a second import of the same answer skip the compare
(used by sync.py).

Most days a theatre's answer differs from the day before (a new day of showtimes), but a second import
on the same day (a retry, an import the pro requested, a manual run) often reads the very same answer:
comparing it again reads and compares every future showtime, to write nothing. The memo of the last
clean import proves that in two statements, when all of this holds:
  - the answer's bytes, the settings (price, seats, duo) and the venue's timezone are those of that
    import (`digest`);
  - everything the import reads in the database (the venue's imported offers, their future showtimes,
    its open alerts) is exactly as that import left it (`state`, computed by PostgreSQL: a pro's edit,
    a deletion, a booking or an alert changes it);
  - the clock has not gone back (`from`) and no showtime of the feed has started since (`until`), so
    the same showtimes are future on both sides.
Applying a feed is idempotent and a clean import (no invalid film, no booked showtime kept out of the
feed) leaves nothing to resolve, so the compare would write nothing: it is skipped. Posters are still
refreshed when due; the run records the films seen and that the programme was unchanged.

Such an answer is not even read (fetched.py): its bytes give the digest, and the memo keeps the number
of films and the ids of the movies, which is all an unchanged programme needs of it when the run already
linked those movies to their films (another theatre showed them). Reading a feed was most of an unchanged
re-import's CPU.
Bump MEMO_VERSION whenever the mapping changes, so that no memo written by older code is trusted.
2: the default booking limit is the showtime's own start; 3: offers link to films; 4: price categories;
5: the films seen and the movie ids.
"""

import datetime as dt
import hashlib
import json
from typing import Any, NamedTuple

from django.conf import settings as django_settings
from django.db import connection

from passculture.core.common import rows
from passculture.core.offers.models import Offer, PriceCategory, Stock

from .models import AllocineImportRun, AllocineVanishedShowtime, AllocineVenueSettings

REF_PREFIX = "allocine:"
MEMO_VERSION = 5

_STATE_SQL = """
WITH offers AS (
    SELECT id, format(
        'o|%%s|%%L|%%L|%%L|%%L|%%L|%%L|%%L|%%L|%%L', id, provider_ref, name, description,
        duration_minutes, languages, is_duo, extra_data, film_id, image
    ) AS line
    FROM {offer} WHERE venue_id = %s AND left(provider_ref, %s) = %s
), stocks AS (
    SELECT id, format(
        's|%%s|%%s|%%L|%%s|%%L|%%L|%%s|%%L|%%L|%%L|%%s|%%L', id, offer_id, provider_ref, price_cents,
        price_category_id, quantity, booked_quantity, booking_limit_datetime, beginning_datetime, version,
        is_deleted, edited_fields
    ) AS line
    FROM {stock}
    WHERE offer_id IN (SELECT id FROM offers) AND provider_ref LIKE %s AND beginning_datetime > %s
), categories AS (
    SELECT id, format('c|%%s|%%s|%%s|%%s|%%L', id, offer_id, label_id, price_cents, origin) AS line
    FROM {category} WHERE offer_id IN (SELECT id FROM offers)
), alerts AS (
    SELECT id, format('a|%%s|%%s', id, stock_id) AS line
    FROM {alert} WHERE venue_id = %s AND resolved_at IS NULL
)
SELECT encode(sha256(convert_to(concat(
    (SELECT string_agg(line, E'\\n' ORDER BY id) FROM offers), E'\\n',
    (SELECT string_agg(line, E'\\n' ORDER BY id) FROM stocks), E'\\n',
    (SELECT string_agg(line, E'\\n' ORDER BY id) FROM categories), E'\\n',
    (SELECT string_agg(line, E'\\n' ORDER BY id) FROM alerts)
), 'UTF8')), 'hex')
"""


def memo_enabled() -> bool:
    # The state fingerprint needs PostgreSQL; elsewhere every import compares (and the setting turns the
    # shortcut off, e.g. to measure the compare itself).
    return connection.vendor == "postgresql" and getattr(django_settings, "ALLOCINE_SKIP_UNCHANGED", True)


def answer_digest(settings_obj: AllocineVenueSettings, content_sha256: str) -> str:
    """The memo's digest of an answer's bytes with the settings ("" without bytes). Reads no database:
    fetched.py calls it in the feed's thread, and drops it for an answer with an invalid film."""
    if not content_sha256:
        return ""
    parts = (
        MEMO_VERSION,
        content_sha256,
        settings_obj.price_cents,
        settings_obj.quantity,
        settings_obj.is_duo,
        settings_obj.venue.timezone,
    )
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _state_sql(venue_id: int, at: dt.datetime) -> tuple[str, list]:
    sql = _STATE_SQL.format(
        offer=Offer._meta.db_table,
        stock=Stock._meta.db_table,
        category=PriceCategory._meta.db_table,
        alert=AllocineVanishedShowtime._meta.db_table,
    )
    pattern = REF_PREFIX + "%"
    return sql, [venue_id, len(REF_PREFIX), REF_PREFIX, pattern, at, venue_id]


def state_fingerprint(venue_id: int, at: dt.datetime) -> str:
    """The state now. Prepared (`rows.hot_cursor`): an unchanged re-import is mostly this statement, and
    planning its four scans cost PostgreSQL about a quarter of running them."""
    sql, params = _state_sql(venue_id, at)
    with rows.hot_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def memo_after_apply(
    venue_id: int,
    digest: str,
    run: AllocineImportRun,
    outcome: Any,
    at: dt.datetime,
    movie_ids: list[str],
) -> tuple[str, list] | None:
    """The memo of a clean import (None otherwise) as an SQL expression and its parameters: PostgreSQL
    computes the state in the statement that stores the memo, inside the import's transaction, after
    its writes (one round trip less per venue than reading the state first). `movie_ids`: the feed's
    movies that FilmLinks.resolve links (not the special events), for `remembered_films`."""
    if not digest or run.showtimes_kept_booked or outcome.vanished_booked or outcome.out_of_window:
        return None
    state_sql, state_params = _state_sql(venue_id, at)
    sql = (
        "jsonb_build_object('version', %s::integer, 'digest', %s::text, "
        f"'state', ({state_sql}), 'from', %s::text, 'until', %s::text, "
        "'films_seen', %s::integer, 'movies', %s::jsonb)"
    )
    until = outcome.next_start.isoformat() if outcome.next_start else None
    return sql, [
        MEMO_VERSION,
        digest,
        *state_params,
        at.isoformat(),
        until,
        run.films_seen,
        json.dumps(movie_ids),
    ]


def programme_unchanged(memo: dict, digest: str, venue_id: int, at: dt.datetime) -> bool:
    return may_be_unchanged(memo, digest, at) and memo.get("state") == state_fingerprint(venue_id, at)


def may_be_unchanged(memo: dict, digest: str, at: dt.datetime) -> bool:
    """What `programme_unchanged` checks before reading the state: the same answer and settings, and the
    same showtimes still future. Reads no database."""
    if not digest or memo.get("version") != MEMO_VERSION or memo.get("digest") != digest:
        return False
    try:
        since = dt.datetime.fromisoformat(memo["from"])
        until = dt.datetime.fromisoformat(memo["until"]) if memo.get("until") else None
    except (KeyError, TypeError, ValueError):
        return False
    return not (at < since or (until is not None and at >= until))


class RememberedFilms(NamedTuple):
    films_seen: int
    movie_ids: list[str]


def remembered_films(memo: dict) -> RememberedFilms | None:
    """The films seen and the movie ids kept by a memo of this version; None when it holds no such list."""
    films_seen, movies = memo.get("films_seen"), memo.get("movies")
    if not isinstance(films_seen, int) or not isinstance(movies, list):
        return None
    if not all(isinstance(movie_id, str) for movie_id in movies):
        return None
    return RememberedFilms(films_seen, movies)
