"""How a venue's feed is written (used by sync.py): its films become offers and its showtimes stocks, in
bulk, in the caller's transaction. What sync.py's docstring says of speed and of the pro's control holds
here: existing showtimes are compared as rows, new ones written with COPY (stocks.py), an offer the pro
deactivated stays so, a showtime they deleted never comes back, and the fields they edited are kept.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from passculture.core.common.audit import audit_entry
from passculture.core.common.bulk import Statements
from passculture.core.common.rows import insert as insert_instances
from passculture.core.common.time import format_day, to_local
from passculture.core.offers.constants import Category
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.validation import showtime_days

from . import memo
from .alerts import alert_booked_vanished
from .film_values import FilmValues, film_values, languages
from .imported import imported_offers
from .models import AllocineImportRun, AllocineVanishedShowtime, AllocineVenueSettings
from .moves import apply_moves, find_moves
from .prices import import_categories
from .schemas import Film
from .stocks import (
    feed_start,
    future_stock_rows,
    insert_stocks,
    new_stock_rows,
    refreshed_values,
    update_stocks,
)

REF_PREFIX = memo.REF_PREFIX
OFFER_SYNCED_FIELDS = ("name", "description", "duration_minutes", "languages", "is_duo", "extra_data", "film")
# Keys an import set in extra_data when each offer carried its own copy of the poster (before films).
LEGACY_POSTER_KEYS = ("poster_fetched_at", "poster_fetched_url")


def offer_ref(film: Film) -> str:
    return f"{REF_PREFIX}{film.movie.id}"


def stock_ref(film: Film, local_start: dt.datetime, version: str) -> str:
    return f"{REF_PREFIX}{film.movie.id}:{local_start.isoformat()}:{version}"


@dataclass
class Outcome:
    # Image files of offers that held an imported poster's copy, removed after the commit.
    legacy_images: list[str] = field(default_factory=list)
    vanished_booked: list[Stock] = field(default_factory=list)
    # The earliest future showtime of the feed: until it starts, the feed means the same thing.
    next_start: dt.datetime | None = None
    # Showtimes of the feed skipped as too far ahead: the run is not clean, so no memo of it is kept.
    out_of_window: int = 0


def apply_feed(
    settings_obj: AllocineVenueSettings,
    films: list[Film],
    protected_offer_refs: set[str] | None,
    run: AllocineImportRun,
    at: dt.datetime,
    film_ids: dict[str, int],
    known_films: dict[str, tuple[dict, FilmValues]] | None = None,
    statements: Statements | None = None,
) -> Outcome:
    """Writes the feed in bulk. `statements`: writes are added there, for the caller to send with its
    own (`core.common.bulk.Statements`: one round trip); without it, they are sent before returning.
    `protected_offer_refs`: films dropped as invalid, whose showtimes must not be taken for vanished ones
    (None: a film without a readable id was dropped, so no deletion at all).
    `known_films`: what offers take from each movie, kept by the run (`film_values.film_values`)."""
    venue = settings_obj.venue
    outcome = Outcome()
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
