"""The daily Allociné import: a venue's programme becomes offers (one per film) and stocks (showtimes).

`sync_venue` fetches the feed first (network, outside any transaction), links each movie to its Film
(films.py: shared by every cinema, resolved once per run), applies the feed in one transaction per venue,
then fetches the films' posters after the commit (posters.py). `sync_all` runs every active venue, each
isolated from the others, and fetches the next venue's feed in a thread while it writes the current one.

The pro keeps control: an offer they deactivated is never re-activated, a showtime they deleted never
comes back (its `provider_ref` is kept on the deleted stock), and the fields they edited by hand on a
showtime (`Stock.edited_fields`) are never overwritten.

Speed (benchmarks/scenarios/allocine_national.py, 2,000 theatres): a venue costs a fixed number of
statements whatever its number of showtimes, existing showtimes are compared as rows and new ones
written with COPY (stocks.py), HTTP clients, prepared posters and what offers take from each movie
(film_values.py) are shared by the whole run, commits do not wait for the disk (decision 0037), a
venue's writes, memo and run end go to the database as one query and the runs of 25 venues start
together (decision 0041), an unchanged programme is not compared again (memo.py), and the venue's
reads and INSERTs are statements written once, not querysets compiled per theatre (imported.py, stocks.py).
"""

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from passculture.core.common import metrics
from passculture.core.common.audit import audit_entry
from passculture.core.common.bulk import Statements
from passculture.core.common.renditions import delete_renditions
from passculture.core.common.rows import insert as insert_instances
from passculture.core.common.time import format_day, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offers.constants import Category
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.validation import showtime_days

from . import memo, parallel
from .alerts import ALERT_KIND as ALERT_KIND  # re-exported: tests and callers name it here
from .alerts import alert_booked_vanished as alert_booked_vanished
from .client import AllocineClient
from .commits import asynchronous_commits
from .exceptions import AllocineError
from .film_values import FilmValues, film_values, languages
from .imported import imported_offers
from .models import AllocineImportRun, AllocineVanishedShowtime, AllocineVenueSettings
from .moves import apply_moves, find_moves
from .posters import Connections, fetch_posters
from .prices import import_categories
from .schemas import FeedParseResult, Film
from .selectors import importable_venues
from .stocks import (
    feed_start,
    future_stock_rows,
    insert_stocks,
    new_stock_rows,
    refreshed_values,
    update_stocks,
)

logger = logging.getLogger(__name__)

REF_PREFIX = memo.REF_PREFIX
UNEXPECTED_ERROR_MESSAGE = "Erreur inattendue pendant l'import : l'équipe technique a été prévenue."
OFFER_SYNCED_FIELDS = ("name", "description", "duration_minutes", "languages", "is_duo", "extra_data", "film")
# Keys an import set in extra_data when each offer carried its own copy of the poster (before films).
LEGACY_POSTER_KEYS = ("poster_fetched_at", "poster_fetched_url")


def offer_ref(film: Film) -> str:
    return f"{REF_PREFIX}{film.movie.id}"


def stock_ref(film: Film, local_start: dt.datetime, version: str) -> str:
    return f"{REF_PREFIX}{film.movie.id}:{local_start.isoformat()}:{version}"


@dataclass
class _Outcome:
    # Image files of offers that held an imported poster's copy, removed after the commit.
    legacy_images: list[str] = field(default_factory=list)
    vanished_booked: list[Stock] = field(default_factory=list)
    # The earliest future showtime of the feed: until it starts, the feed means the same thing.
    next_start: dt.datetime | None = None
    # Showtimes of the feed skipped as too far ahead: the run is not clean, so no memo of it is kept.
    out_of_window: int = 0


def _apply_feed(
    settings_obj: AllocineVenueSettings,
    films: list[Film],
    protected_offer_refs: set[str] | None,
    run: AllocineImportRun,
    at: dt.datetime,
    film_ids: dict[str, int],
    known_films: dict[str, tuple[dict, FilmValues]] | None = None,
    statements: Statements | None = None,
) -> _Outcome:
    """Writes the feed in bulk. `statements`: writes are added there, for the caller to send with its
    own (`core.common.bulk.Statements`: one round trip); without it, they are sent before returning. `protected_offer_refs`: films dropped as invalid, whose showtimes must not
    be taken for vanished ones (None: a film without a readable id was dropped, so no deletion at all).
    `known_films`: what offers take from each movie, kept by the run (`film_values.film_values`)."""
    venue = settings_obj.venue
    outcome = _Outcome()
    offers = {offer.provider_ref: offer for offer in imported_offers(venue.pk)}
    # Imported showtimes only exist under the venue's imported offers.
    stocks = future_stock_rows([offer.pk for offer in offers.values()], at)

    # The import's price category of each imported offer (prices.py); those of new offers come after
    # their creation.
    categories = import_categories(venue, offers.values(), settings_obj.price_cents)
    new_offers: list[Offer] = []
    changed_offers: dict[int, Offer] = {}
    updated_offer_pks: set[int] = set()
    planned: list[tuple[Offer, list[tuple[dt.datetime, str, str]]]] = []
    changed_stocks: list[tuple] = []
    seen_stock_refs: set[str] = set()
    tz = venue.timezone
    price, quantity = settings_obj.price_cents, settings_obj.quantity
    # A showtime out of the window a pro may schedule (a typo in the feed, year 9999) is skipped and
    # counted as an error of its film, never stored.
    _today, latest_day = showtime_days(tz, at)
    known = {} if known_films is None else known_films
    for film in films:
        if film.movie.is_special_event:
            continue
        ref = offer_ref(film)
        movie_values = film_values(film, known)
        values: dict[str, object] = {
            "name": movie_values.name,
            "description": movie_values.description,
            "duration_minutes": movie_values.duration_minutes,
            "languages": languages(film),
            "is_duo": settings_obj.is_duo,
            "film_id": film_ids.get(film.movie.id),
        }
        offer = offers.get(ref)
        if offer is None:
            offer = Offer(
                venue=venue,
                category=Category.SHOWTIME,
                provider_ref=ref,
                # A copy: the run's entry serves other theatres.
                extra_data=dict(movie_values.extra_data),
                **values,
            )
            new_offers.append(offer)
            offers[ref] = offer
        else:
            # Never touch is_active: an offer the pro deactivated stays deactivated.
            if offer.image and offer.extra_data.get("poster_fetched_url"):
                # The offer's copy of the poster, fetched by an import before films carried it: the
                # film's poster replaces it. An image the pro uploaded has no such key (update_offer).
                outcome.legacy_images.append(offer.image.name)
                offer.image = ""
                changed_offers[offer.pk] = offer
                updated_offer_pks.add(offer.pk)
            merged = {**offer.extra_data, **movie_values.extra_data}
            values["extra_data"] = {
                key: value for key, value in merged.items() if key not in LEGACY_POSTER_KEYS
            }
            if any(getattr(offer, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(offer, name, value)
                changed_offers[offer.pk] = offer
                updated_offer_pks.add(offer.pk)

        new_stocks: list[tuple[dt.datetime, str, str]] = []
        out_of_window = 0
        for showtime in film.showtimes:
            if not showtime.is_classic:
                continue
            version = showtime.version or ""
            local_start = showtime.starts_at.replace(tzinfo=None)
            start, local_iso = feed_start(local_start, tz)
            if start <= at:
                continue
            # The local date of the start is the feed's, but for a time skipped by a daylight-saving
            # change (moved by an hour or two, never past a second midnight).
            if local_start.date() >= latest_day and to_local(start, tz).date() > latest_day:
                out_of_window += 1
                continue
            if outcome.next_start is None or start < outcome.next_start:
                outcome.next_start = start
            sref = f"{ref}:{local_iso}:{version}"  # stock_ref(film, local_start, version)
            if sref in seen_stock_refs:
                continue
            seen_stock_refs.add(sref)
            existing = stocks.get(sref)
            if existing is None:
                new_stocks.append((start, version, sref))
            elif not existing.is_deleted:
                refreshed = refreshed_values(
                    existing, price, quantity, version, categories.get(existing.offer_id)
                )
                if refreshed is not None:
                    changed_stocks.append(refreshed)
        planned.append((offer, new_stocks))
        if out_of_window:
            run.errors.append(
                f"Film {film.movie.id} : {out_of_window} séance(s) ignorée(s), datée(s) au-delà du "
                f"{format_day(latest_day)} (deux ans au plus à l'avance)."
            )
            outcome.out_of_window += out_of_window

    # A booked showtime moved within its day reads as one gone and one new: its stock moves instead.
    moves = find_moves(
        stocks,
        seen_stock_refs,
        planned,
        lambda ref: protected_offer_refs is None or _offer_ref_of(ref) in protected_offer_refs,
        tz,
    )
    seen_stock_refs.update(move.old_ref for move in moves)

    if new_offers:
        # One INSERT ... RETURNING built once per number of rows (core.common.rows): bulk_create compiled
        # its statement and dumped the columns one by one, 10 ms per theatre.
        insert_instances(connection, new_offers)
        categories.update(import_categories(venue, new_offers, settings_obj.price_cents, new_offers=True))
    # After the offers' INSERT, which gave the new offers their primary keys.
    created = insert_stocks(
        new_stock_rows(
            [(offer.pk, categories.get(offer.pk), new_stocks) for offer, new_stocks in planned],
            price,
            quantity,
            timezone.now(),
        )
    )

    # Writes nobody reads back go out together with the caller's (`Statements`): one round trip.
    writes = Statements() if statements is None else statements
    # A showtime listed again (or gone) closes its open alert (read with the showtimes), a booked one that
    # vanished without an open alert opens one (and gets the single email).
    resolved_alerts: list[int] = []
    vanished_free: list[int] = []
    to_alert: list[int] = []
    offers_by_pk = {offer.pk: offer for offer in offers.values()}
    for sref, row in stocks.items():
        if row.is_deleted or sref in seen_stock_refs:
            if row.open_alert_id is not None:
                resolved_alerts.append(row.open_alert_id)
            continue
        if protected_offer_refs is None or _offer_ref_of(sref) in protected_offer_refs:
            continue
        if row.booked_quantity == 0:
            vanished_free.append(row.pk)
            if row.open_alert_id is not None:
                resolved_alerts.append(row.open_alert_id)
            continue
        offer = offers_by_pk.get(row.offer_id)
        if offer is None:
            continue
        run.showtimes_kept_booked += 1
        if row.open_alert_id is None:
            to_alert.append(row.pk)
    if to_alert:
        # Instances for the alert rows and the email; the offers are the ones this import just refreshed.
        for booked in Stock.objects.filter(pk__in=to_alert).order_by("pk"):
            booked.offer = offers_by_pk[booked.offer_id]
            outcome.vanished_booked.append(booked)
    if vanished_free:
        # A soft delete without bookings to cancel; the ref is cleared so that the showtime may come back
        # if Allociné lists it again (only a deletion by the pro is final).
        writes.add(
            *_where_ids(Stock, "is_deleted = TRUE, provider_ref = ''", vanished_free, "booked_quantity = 0")
        )
        writes.insert(
            audit_entry(
                "allocine.showtimes_vanished",
                actor_label="import AlloCiné",
                target=venue,
                data={"stock_ids": vanished_free},
            ),
        )
    if resolved_alerts:
        writes.add(*_where_ids(AllocineVanishedShowtime, "resolved_at = %s", resolved_alerts, params=[at]))
    if outcome.vanished_booked:
        AllocineVanishedShowtime.objects.bulk_create(
            AllocineVanishedShowtime(venue=venue, stock=stock, detected_at=at)
            for stock in outcome.vanished_booked
        )

    if changed_offers:
        fields = (*OFFER_SYNCED_FIELDS, "image") if outcome.legacy_images else OFFER_SYNCED_FIELDS
        # One UPDATE ... FROM VALUES: bulk_update's CASE per column cost tens of milliseconds per theatre.
        attnames = ["film_id" if name == "film" else name for name in fields]  # not the Film: a query
        writes.update_rows(
            Offer,
            fields,
            [(offer.pk, *(getattr(offer, name) for name in attnames)) for offer in changed_offers.values()],
        )
    update_stocks(changed_stocks, writes)
    if moves or statements is None:
        # A move reads its stock after the other writes.
        writes.execute()
    apply_moves(moves, at)
    if outcome.vanished_booked:
        alert_booked_vanished(venue, outcome.vanished_booked)
        run.errors.append(
            f"{len(outcome.vanished_booked)} séance(s) réservée(s) ont disparu du programme AlloCiné : "
            "elles sont conservées et le cinéma a été prévenu par email."
        )

    run.films_seen = len(films)
    run.offers_created = len(new_offers)
    run.offers_updated = len(updated_offer_pks)
    run.showtimes_created = created
    run.showtimes_updated = len(changed_stocks) + len(moves)
    run.showtimes_deleted = len(vanished_free)
    return outcome


def _where_ids(
    model, sets: str, ids: list[int], condition: str = "", params: list | None = None
) -> tuple[str, list]:
    """`UPDATE table SET <sets> WHERE id IN (ids) [AND condition]` for `Statements.add`."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(ids))
    where = f"{quote(model._meta.pk.column)} IN ({placeholders})" + (f" AND {condition}" if condition else "")
    # Names come from the model, quoted; the values are parameters.
    return f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {where}", [*(params or []), *ids]  # noqa: S608


def _offer_ref_of(sref: str) -> str:
    # "allocine:<movie id>:<local ISO start>:<version>": the movie id holds no colon.
    return ":".join(sref.split(":", 2)[:2])


# What the end of a run writes (every field but its venue and start).
RUN_RESULT_FIELDS = tuple(
    field.name
    for field in AllocineImportRun._meta.concrete_fields
    if field.name not in ("id", "venue", "started_at")
)


def _end_run(run: AllocineImportRun, status: str, statements: Statements) -> None:
    """Adds the run's end (its status, time and counts) to `statements`."""
    run.status = status
    run.finished_at = utcnow()
    statements.update(AllocineImportRun, run.pk, {name: getattr(run, name) for name in RUN_RESULT_FIELDS})


def _finish(run: AllocineImportRun, status: str) -> AllocineImportRun:
    statements = Statements()
    _end_run(run, status, statements)
    statements.execute()
    _observe(run)
    return run


def _observe(run: AllocineImportRun) -> None:
    # The log line carries the id of the request, task or job that started the import (decision 0036).
    logger.info("allocine: venue %s: run %s %s", run.venue_id, run.pk, run.status)
    metrics.allocine_run(run.status)


def record_crashed_run(
    venue, at: dt.datetime | None, run: AllocineImportRun | None = None
) -> AllocineImportRun:
    """The run of an import that crashed outside its own error handling (`run`: the one it had started,
    if any): the pro and staff still see it."""
    if run is None:
        run = AllocineImportRun.objects.create(venue=venue, started_at=at or utcnow(), errors=[])
    run.errors = [UNEXPECTED_ERROR_MESSAGE]
    return _finish(run, AllocineImportRun.Status.ERROR)


def sync_venue(
    settings_obj: AllocineVenueSettings,
    *,
    client: AllocineClient | None = None,
    at: dt.datetime | None = None,
    poster_transport: httpx.BaseTransport | None = None,
) -> AllocineImportRun:
    """Imports one venue's programme; never raises for a failure of Allociné (the run records it)."""
    with Connections(client, poster_transport) as connections, asynchronous_commits():
        return _sync_venue(settings_obj, connections, at or utcnow())


def _sync_venue(
    settings_obj: AllocineVenueSettings,
    connections: Connections,
    at: dt.datetime,
    fetched: "Future[FeedParseResult] | None" = None,
    run: AllocineImportRun | None = None,
) -> AllocineImportRun:
    """`fetched`: the feed, asked for by `sync_all` while the venue before was written; `run`: the run,
    created by `sync_all` with those of the next venues."""
    venue = settings_obj.venue
    if run is None:
        run = AllocineImportRun.objects.create(venue=venue, started_at=at, errors=[])
    try:
        if fetched is not None:
            feed = fetched.result()
        else:
            feed = connections.allocine.get_movie_showtimes(settings_obj.theater.theater_id)
    except AllocineError as error:
        run.errors.append(error.message)
        return _finish(run, AllocineImportRun.Status.ERROR)

    run.errors.extend(f"Film {ident} ignoré : {message}" for ident, message in feed.errors)
    protected: set[str] | None = {f"{REF_PREFIX}{ident}" for ident, _ in feed.errors}
    if any(ident.startswith("#") for ident, _ in feed.errors):
        protected = None
    digest = memo.memo_digest(settings_obj, feed)
    # The venue's writes after the compare, its settings, its memo and, when nothing remains to do after
    # the commit, the run's end go out together: one round trip (`Statements`).
    statements = Statements()
    ended = False
    try:
        # Before the venue's transaction (films.py says why); each film is written in its own.
        film_ids = connections.films.resolve(feed.films, at)
        with transaction.atomic():
            last_memo = settings_obj.last_import_memo or {}
            memo_sql = None
            if memo.programme_unchanged(last_memo, digest, venue.pk, at):
                outcome = _Outcome()
                run.films_seen = len(feed.films)
                run.programme_unchanged = True
            else:
                outcome = _apply_feed(
                    settings_obj,
                    feed.films,
                    protected,
                    run,
                    at,
                    film_ids,
                    connections.known_films,
                    statements,
                )
                last_memo = {}
                memo_sql = memo.memo_after_apply(venue.pk, digest, run, outcome, at)
            # Posters and image files wait for the commit; without them the run ends with it.
            ended = not outcome.legacy_images and not connections.films.posters_due(film_ids)
            if ended:
                _end_run(run, _status(run), statements)
            _store_settings(statements, settings_obj, at, last_memo, memo_sql)  # last: returns the memo
            rows = statements.execute()
            if memo_sql is not None:
                # jsonb comes as its text (Django's loader: JSONField decodes it).
                last_memo = json.loads(rows[0][0]) if isinstance(rows[0][0], str) else rows[0][0]
    except Exception:
        logger.exception("allocine: venue %s: import failed", venue.pk)
        run.errors.append(UNEXPECTED_ERROR_MESSAGE)
        return _finish(run, AllocineImportRun.Status.ERROR)
    settings_obj.last_synced_at = at
    settings_obj.last_import_memo = last_memo
    if ended:
        _observe(run)
        return run
    if outcome.legacy_images:
        storage = Offer._meta.get_field("image").storage
        for name in outcome.legacy_images:
            storage.delete(name)
            delete_renditions(storage, name)
    fetch_posters(connections.films.take_due_posters(film_ids), run, at, connections)
    return _finish(run, _status(run))


def _status(run: AllocineImportRun) -> str:
    return AllocineImportRun.Status.PARTIAL if run.errors else AllocineImportRun.Status.OK


def _store_settings(
    statements: Statements,
    settings_obj: AllocineVenueSettings,
    at: dt.datetime,
    last_memo: dict,
    memo_sql: tuple[str, list] | None,
) -> None:
    """The venue's last import time and memo; a new memo is computed by PostgreSQL in this statement
    (memo.memo_after_apply), after the import's writes, and returned."""
    if memo_sql is None:
        statements.update(
            AllocineVenueSettings, settings_obj.pk, {"last_synced_at": at, "last_import_memo": last_memo}
        )
        return
    quote = connection.ops.quote_name
    meta = AllocineVenueSettings._meta
    expression, params = memo_sql
    synced = meta.get_field("last_synced_at")
    # Names come from the model, quoted; the values are parameters.
    statements.add(
        f"UPDATE {quote(meta.db_table)} SET {quote(synced.column)} = %s, "  # noqa: S608
        f"{quote(meta.get_field('last_import_memo').column)} = {expression} "
        f"WHERE {quote(meta.pk.column)} = %s RETURNING {quote(meta.get_field('last_import_memo').column)}",
        [synced.get_db_prep_save(at, connection), *params, settings_obj.pk],
    )


def sync_all(
    at: dt.datetime | None = None,
    *,
    client: AllocineClient | None = None,
    poster_transport: httpx.BaseTransport | None = None,
) -> dict:
    """Every active venue whose SIRET is still on the list; one failing theatre never stops the others.
    On PostgreSQL, in several processes (parallel.py) unless `client`/`poster_transport` are given (objects
    of this process)."""
    results = {"venues": 0, "ok": 0, "partial": 0, "error": 0, "skipped": 0}
    if client is None and not django_settings.ALLOCINE_API_KEY:
        # No key (the embedded default, the demo): the daily job would only record an error run per
        # venue every day. Say it once in the job result and the log instead.
        logger.warning("allocine: ALLOCINE_API_KEY is not set, daily import skipped")
        return {**results, "configured": False}
    venues, results["skipped"] = importable_venues()
    results["venues"] = len(venues)
    processes = 1 if client or poster_transport else parallel.process_count(len(venues))
    if processes > 1:
        counts = parallel.sync_in_processes(
            venues,
            at,
            processes,
            chunk_size=RUNS_STARTED_TOGETHER,
            start_runs=lambda chunk: _start_runs(chunk, at),
            crashed=lambda settings_obj, run: record_crashed_run(settings_obj.venue, at, run).status,
            in_process=lambda pairs: sync_venues(pairs, at),
        )
    else:
        counts = sync_venues(_with_runs(venues, at), at, client=client, poster_transport=poster_transport)
    for status, count in counts.items():
        results[status] = results.get(status, 0) + count
    return results


def sync_venues(
    pairs: Iterable[tuple[AllocineVenueSettings | None, AllocineImportRun]],
    at: dt.datetime | None,
    *,
    client: AllocineClient | None = None,
    poster_transport: httpx.BaseTransport | None = None,
    on_done: Callable[[AllocineImportRun, str], object] | None = None,
) -> dict[str, int]:
    """Imports each venue with its started run, in this process, one after the other; {status: venues}.
    `pairs` may be read as the venues are imported (a worker's chunks, worker.py): it is read one venue
    ahead. A venue whose settings are gone (None) gets an error run."""
    counts: dict[str, int] = {}
    with (
        Connections(client, poster_transport) as connections,
        asynchronous_commits(),
        # One thread asks Allociné for the next venue's feed (and reads it) while this venue is written:
        # the wait for Allociné and the database's work overlap. One request at a time, in order, as
        # before; the thread never touches the database.
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="allocine-feed") as feeds,
    ):

        def ask(settings_obj: AllocineVenueSettings | None) -> "Future[FeedParseResult] | None":
            if settings_obj is None:
                return None
            # In the run's context (its log fields, e.g. a request id), as if asked for here.
            return feeds.submit(
                contextvars.copy_context().run,
                connections.allocine.get_movie_showtimes,
                settings_obj.theater.theater_id,
            )

        items = iter(pairs)
        current = next(items, None)
        upcoming = ask(current[0]) if current is not None else None
        while current is not None:
            following = next(items, None)
            fetched, upcoming = upcoming, ask(following[0]) if following is not None else None
            settings_obj, run = current
            try:
                if settings_obj is None:
                    raise AllocineVenueSettings.DoesNotExist(f"run {run.pk}: venue settings gone")
                status = _sync_venue(settings_obj, connections, at or utcnow(), fetched, run).status
            except Exception:
                logger.exception("allocine: venue %s: sync crashed", run.venue_id)
                status = record_crashed_run(None, at, run).status
            counts[status] = counts.get(status, 0) + 1
            if on_done is not None:
                on_done(run, status)
            current = following
    return counts


def _with_runs(
    venues: list[AllocineVenueSettings], at: dt.datetime | None
) -> Iterator[tuple[AllocineVenueSettings, AllocineImportRun]]:
    for start in range(0, len(venues), RUNS_STARTED_TOGETHER):
        chunk = venues[start : start + RUNS_STARTED_TOGETHER]
        yield from zip(chunk, _start_runs(chunk, at), strict=True)


# The runs of the next venues are created together (one INSERT, one commit): the pro sees "importation
# en cours" a fraction of a second early, and a national run saves a round trip per venue.
RUNS_STARTED_TOGETHER = 25


def _start_runs(venues: list[AllocineVenueSettings], at: dt.datetime | None) -> list[AllocineImportRun]:
    started_at = at or utcnow()
    return AllocineImportRun.objects.bulk_create(
        AllocineImportRun(venue=settings_obj.venue, started_at=started_at, errors=[])
        for settings_obj in venues
    )
