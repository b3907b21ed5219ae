"""The daily Allociné import: a venue's programme becomes offers (one per film) and stocks (showtimes).

`sync_venue` fetches the feed first (network, outside any transaction; fetched.py), links each movie to
its Film (films.py: shared by every cinema, resolved once per run), applies the feed in one transaction
per venue (apply.py), then fetches the films' posters after the commit (posters.py). `sync_all` runs
every active venue, each isolated from the others, and fetches the next venue's feed in a thread while
it writes the current one.

The pro keeps control: an offer they deactivated is never re-activated, a showtime they deleted never
comes back (its `provider_ref` is kept on the deleted stock), and the fields they edited by hand on a
showtime (`Stock.edited_fields`) are never overwritten.

Speed (benchmarks/scenarios/allocine_national.py, 2,000 theatres): a venue costs a fixed number of
statements whatever its number of showtimes, existing showtimes are compared as rows and new ones
written with COPY (stocks.py), HTTP clients, prepared posters and what offers take from each movie
(film_values.py) are shared by the whole run, commits do not wait for the disk (decision 0037), a
venue's writes, memo and run end go to the database as one query and the runs of 25 venues start
together (decision 0041), an unchanged programme is not compared again, nor its answer read when the
run already linked its movies (memo.py, fetched.py, decision 0044), and the venue's reads and INSERTs
are statements written once, not querysets compiled per theatre (imported.py, stocks.py).
"""

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
from django.conf import settings as django_settings
from django.db import connection, transaction

from passculture.core.common import metrics
from passculture.core.common.bulk import Statements
from passculture.core.common.renditions import delete_renditions
from passculture.core.common.time import now as utcnow
from passculture.core.offers.models import Offer

from . import memo, parallel
from .alerts import ALERT_KIND as ALERT_KIND  # re-exported: tests and callers name it here
from .alerts import alert_booked_vanished as alert_booked_vanished
from .apply import Outcome, apply_feed
from .client import AllocineClient
from .commits import asynchronous_commits
from .exceptions import AllocineError
from .fetched import FetchedFeed, fetch_feed
from .models import AllocineImportRun, AllocineVenueSettings
from .posters import Connections, fetch_posters
from .schemas import FeedParseResult, Film
from .selectors import importable_venues

logger = logging.getLogger(__name__)

REF_PREFIX = memo.REF_PREFIX
UNEXPECTED_ERROR_MESSAGE = "Erreur inattendue pendant l'import : l'équipe technique a été prévenue."
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
    fetched: "Future[FetchedFeed] | None" = None,
    run: AllocineImportRun | None = None,
) -> AllocineImportRun:
    """`fetched`: the feed, asked for by `sync_all` while the venue before was written; `run`: the run,
    created by `sync_all` with those of the next venues."""
    venue = settings_obj.venue
    if run is None:
        run = AllocineImportRun.objects.create(venue=venue, started_at=at, errors=[])
    try:
        if fetched is not None:
            answer = fetched.result()
        else:
            answer = fetch_feed(
                connections.allocine,
                settings_obj,
                settings_obj.theater.theater_id,
                at,
                memo_on=memo.memo_enabled(),
            )
    except AllocineError as error:
        run.errors.append(error.message)
        return _finish(run, AllocineImportRun.Status.ERROR)

    last_memo = settings_obj.last_import_memo or {}
    # An answer the memo may prove unchanged is read only if the run has not linked its movies yet.
    remembered = memo.remembered_films(last_memo) if answer.may_be_unchanged else None
    # The venue's writes after the compare, its settings, its memo and, when nothing remains to do after
    # the commit, the run's end go out together: one round trip (`Statements`).
    statements = Statements()
    ended = False
    try:
        film_ids = connections.films.known(remembered.movie_ids) if remembered is not None else None
        if film_ids is None:
            # Before the venue's transaction (films.py says why); each film is written in its own.
            film_ids = connections.films.resolve(answer.read().films, at)
        with transaction.atomic():
            memo_sql = None
            if remembered is not None and memo.programme_unchanged(last_memo, answer.digest, venue.pk, at):
                outcome = Outcome()
                run.films_seen = remembered.films_seen
                run.programme_unchanged = True
            else:
                feed = answer.read()
                outcome = apply_feed(
                    settings_obj,
                    feed.films,
                    _feed_errors(run, feed),
                    run,
                    at,
                    film_ids,
                    connections.known_films,
                    statements,
                )
                last_memo = {}
                memo_sql = memo.memo_after_apply(
                    venue.pk, answer.digest, run, outcome, at, _movie_ids(feed.films)
                )
            # Posters and image files wait for the commit; without them the run ends with it.
            ended = not outcome.legacy_images and not connections.films.posters_due(film_ids)
            if ended:
                _end_run(run, _status(run), statements)
            _store_settings(statements, settings_obj, at, last_memo, memo_sql)  # last: returns the memo
            rows = statements.execute()
            if memo_sql is not None:
                # jsonb comes as its text (Django's loader: JSONField decodes it).
                last_memo = json.loads(rows[0][0]) if isinstance(rows[0][0], str) else rows[0][0]
    except AllocineError as error:  # an answer read late (`FetchedFeed.read`) that is not a feed
        run.errors.append(error.message)
        return _finish(run, AllocineImportRun.Status.ERROR)
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


def _feed_errors(run: AllocineImportRun, feed: FeedParseResult) -> set[str] | None:
    """Records the films dropped as invalid; answers the refs of their offers, whose showtimes must not be
    taken for vanished ones (None: a film without a readable id was dropped, so no deletion at all)."""
    run.errors.extend(f"Film {ident} ignoré : {message}" for ident, message in feed.errors)
    if any(ident.startswith("#") for ident, _ in feed.errors):
        return None
    return {f"{REF_PREFIX}{ident}" for ident, _ in feed.errors}


def _movie_ids(films: list[Film]) -> list[str]:
    # The movies FilmLinks.resolve links, once each, in the feed's order.
    return list(dict.fromkeys(film.movie.id for film in films if not film.movie.is_special_event))


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
        memo_on = memo.memo_enabled()  # here: the feeds' thread never touches the database

        def ask(settings_obj: AllocineVenueSettings | None) -> "Future[FetchedFeed] | None":
            if settings_obj is None:
                return None
            # In the run's context (its log fields, e.g. a request id), as if asked for here.
            return feeds.submit(
                contextvars.copy_context().run,
                fetch_feed,
                connections.allocine,
                settings_obj,
                settings_obj.theater.theater_id,
                at or utcnow(),
                memo_on=memo_on,
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
