"""The daily Allociné import: a venue's programme becomes offers (one per film) and stocks (showtimes).

`sync_venue` fetches the feed first (network, outside any transaction), links each movie to its Film
(films.py: shared by every cinema, resolved once per run), applies the feed in one transaction per venue,
then fetches the films' posters after the commit (posters.py). `sync_all` runs every active venue, each
isolated from the others.

The pro keeps control: an offer they deactivated is never re-activated, a showtime they deleted never
comes back (its `provider_ref` is kept on the deleted stock), and the fields they edited by hand on a
showtime (`Stock.edited_fields`) are never overwritten.

Speed (benchmarks/scenarios/allocine_national.py, 2,000 theatres): a venue costs a fixed number of
statements whatever its number of showtimes, existing showtimes are compared as rows, HTTP clients and
prepared posters are shared by the whole run, and an unchanged programme is not compared again
(memo.py).
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import NamedTuple

import httpx
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast, Left

from passculture.core.common.audit import log_action
from passculture.core.common.renditions import delete_renditions
from passculture.core.common.text import strip_forbidden_characters
from passculture.core.common.time import format_day, format_local, local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.notifications.services import queue_email
from passculture.core.offerers.selectors import admin_emails_of_offerer
from passculture.core.offers.constants import DESCRIPTION_MAX_LENGTH, MAX_DURATION_MINUTES, Category
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.validation import showtime_days

from . import memo
from .client import AllocineClient
from .exceptions import AllocineError
from .models import AllocineImportRun, AllocineVanishedShowtime, AllocineVenueSettings
from .posters import Connections, fetch_posters
from .prices import import_categories, with_import_category
from .schemas import DESCRIPTION_LINK_PREFIX, Film, clean_text
from .selectors import active_theater_sirets

logger = logging.getLogger(__name__)

REF_PREFIX = memo.REF_PREFIX
OFFER_NAME_MAX_LENGTH = 140
# Allociné's language names -> the ISO 639-1 codes an offer carries (core.offers.constants.LANGUAGES).
LANGUAGE_CODES = {
    "FRENCH": "fr",
    "ENGLISH": "en",
    "SPANISH": "es",
    "GERMAN": "de",
    "ITALIAN": "it",
    "PORTUGUESE": "pt",
    "ARABIC": "ar",
    "CHINESE": "zh",
    "MANDARIN": "zh",
    "JAPANESE": "ja",
    "KOREAN": "ko",
    "HINDI": "hi",
    "RUSSIAN": "ru",
    "NO_DIALOGUE": "xx",
}
UNEXPECTED_ERROR_MESSAGE = "Erreur inattendue pendant l'import : l'équipe technique a été prévenue."
ALERT_KIND = "allocine_booked_showtime_vanished"
OFFER_SYNCED_FIELDS = ("name", "description", "duration_minutes", "languages", "is_duo", "extra_data", "film")
# Keys an import set in extra_data when each offer carried its own copy of the poster (before films).
LEGACY_POSTER_KEYS = ("poster_fetched_at", "poster_fetched_url")
STOCK_SYNCED_FIELDS = ("price_cents", "price_category", "quantity", "booking_limit_datetime", "version")
# The same, as the model's attributes (a foreign key's id).
STOCK_SYNCED_ATTNAMES = tuple(
    f"{name}_id" if name == "price_category" else name for name in STOCK_SYNCED_FIELDS
)
# A showtime whose price the pro chose (its category, or before categories its price) keeps both.
PRICE_FIELDS = frozenset({"price_cents", "price_category"})


def offer_ref(film: Film) -> str:
    return f"{REF_PREFIX}{film.movie.id}"


def stock_ref(film: Film, local_start: dt.datetime, version: str) -> str:
    return f"{REF_PREFIX}{film.movie.id}:{local_start.isoformat()}:{version}"


def build_description(film: Film) -> str:
    """RULES.md: the synopsis, a new line, then the link; the synopsis is cut to keep the link."""
    url = film.movie.allocine_url
    link = f"{DESCRIPTION_LINK_PREFIX}{url}" if url else ""
    synopsis = clean_text(film.movie.synopsis)
    room = DESCRIPTION_MAX_LENGTH - (len(link) + 1 if link else 0)
    if len(synopsis) > room:
        synopsis = synopsis[: max(room - 1, 0)].rstrip() + "…"
    return "\n".join(part for part in (synopsis, link) if part)


def _duration(film: Film) -> int | None:
    minutes = film.movie.duration_minutes
    # A runtime the offer would refuse from a pro ("P10D", "PT0S") is dropped rather than stored.
    return minutes if minutes and minutes <= MAX_DURATION_MINUTES else None


def _languages(film: Film) -> list[str]:
    codes: list[str] = []
    for showtime in film.showtimes:
        for language in showtime.languages:
            code = LANGUAGE_CODES.get(language.upper())
            if code and code not in codes:
                codes.append(code)
    return codes


def _without_forbidden_characters(value):
    """A feed's text loses the characters no input may hold (core.common.text): one NUL in a cast list
    would otherwise fail the whole theatre's import on PostgreSQL."""
    if isinstance(value, str):
        return strip_forbidden_characters(value)
    if isinstance(value, list):
        return [_without_forbidden_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_forbidden_characters(item) for key, item in value.items()}
    return value


def _film_extra_data(film: Film) -> dict:
    return _without_forbidden_characters(_film_details(film))


def _film_details(film: Film) -> dict:
    movie = film.movie
    release_date = movie.release_date
    return {
        "allocine_id": movie.id,
        "allocine_internal_id": movie.internal_id,
        "allocine_url": movie.allocine_url or "",
        "original_title": movie.original_title or "",
        "visa": movie.visa or "",
        "directors": movie.directors,
        "cast": movie.cast_names,
        "genres": list(movie.genres),
        "countries": movie.country_names,
        "release_date": release_date.isoformat() if release_date else "",
        "poster_url": movie.poster_url or "",
    }


@dataclass
class _Outcome:
    # Image files of offers that held an imported poster's copy, removed after the commit.
    legacy_images: list[str] = field(default_factory=list)
    vanished_booked: list[Stock] = field(default_factory=list)
    # The earliest future showtime of the feed: until it starts, the feed means the same thing.
    next_start: dt.datetime | None = None
    # Showtimes of the feed skipped as too far ahead: the run is not clean, so no memo of it is kept.
    out_of_window: int = 0


class _StockRow(NamedTuple):
    """The columns of an imported future showtime that the import compares. Rows, not model instances:
    an unchanged re-import reads every future showtime of the venue and writes none of them, and building
    a Stock per row (with its JSON and date conversions) was most of that re-import's cost."""

    pk: int
    offer_id: int
    price_cents: int
    price_category_id: int | None
    quantity: int | None
    booked_quantity: int
    booking_limit_datetime: dt.datetime | None
    # The pro may have moved the showtime (the feed's start then stays in `provider_ref` only).
    beginning_datetime: dt.datetime
    version: str
    is_deleted: bool
    edited_fields: tuple[str, ...] | list[str]


def _apply_feed(
    settings_obj: AllocineVenueSettings,
    films: list[Film],
    protected_offer_refs: set[str] | None,
    run: AllocineImportRun,
    at: dt.datetime,
    film_ids: dict[str, int],
) -> _Outcome:
    """Writes the feed in bulk. `protected_offer_refs`: films dropped as invalid, whose showtimes must not
    be taken for vanished ones (None: a film without a readable id was dropped, so no deletion at all)."""
    venue = settings_obj.venue
    outcome = _Outcome()
    offers = {offer.provider_ref: offer for offer in with_import_category(_imported_offers(venue.pk))}
    # Past showtimes are history: only the future ones can be updated, deleted or recreated. Imported
    # showtimes only exist under the venue's imported offers: asking by offer ids (rather than joining on
    # the venue) keeps the plan on the offer index even when the statistics are stale, e.g. right after
    # the first national import, where the join was planned as a scan of every future showtime.
    future_stocks = (
        Stock.objects.filter(
            offer_id__in=[offer.pk for offer in offers.values()],
            provider_ref__startswith=REF_PREFIX,
            beginning_datetime__gt=at,
        )
        if offers
        else Stock.objects.none()
    )
    stocks = {
        provider_ref: _StockRow._make((*columns, _edited_fields(edited)))
        for provider_ref, *columns, edited in future_stocks.order_by()
        # The JSON list as text: almost always "[]", decoded only when the pro edited something.
        .annotate(edited_text=Cast("edited_fields", TextField()))
        .values_list("provider_ref", *_StockRow._fields[:-1], "edited_text")
    }

    # The import's price category of each imported offer (prices.py); those of new offers come after
    # their creation.
    categories = import_categories(venue, offers.values(), settings_obj.price_cents)
    new_offers: list[Offer] = []
    changed_offers: dict[int, Offer] = {}
    updated_offer_pks: set[int] = set()
    planned: list[tuple[Offer, list[Stock]]] = []
    changed_stocks: list[Stock] = []
    seen_stock_refs: set[str] = set()
    tz = venue.timezone
    # A showtime out of the window a pro may schedule (a typo in the feed, year 9999) is skipped and
    # counted as an error of its film, never stored.
    _today, latest_day = showtime_days(tz, at)
    for film in films:
        if film.movie.is_special_event:
            continue
        ref = offer_ref(film)
        values: dict[str, object] = {
            "name": strip_forbidden_characters(film.movie.title, multiline=False)[:OFFER_NAME_MAX_LENGTH],
            "description": strip_forbidden_characters(build_description(film)),
            "duration_minutes": _duration(film),
            "languages": _languages(film),
            "is_duo": settings_obj.is_duo,
            "film_id": film_ids.get(film.movie.id),
        }
        offer = offers.get(ref)
        if offer is None:
            offer = Offer(
                venue=venue,
                category=Category.SHOWTIME,
                provider_ref=ref,
                extra_data=_film_extra_data(film),
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
            merged = {**offer.extra_data, **_film_extra_data(film)}
            values["extra_data"] = {
                key: value for key, value in merged.items() if key not in LEGACY_POSTER_KEYS
            }
            if any(getattr(offer, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(offer, name, value)
                changed_offers[offer.pk] = offer
                updated_offer_pks.add(offer.pk)

        new_stocks: list[Stock] = []
        out_of_window = 0
        for showtime in film.showtimes:
            if not showtime.is_classic:
                continue
            version = showtime.version or ""
            local_start = showtime.starts_at.replace(tzinfo=None)
            start = local_to_utc(local_start, tz)
            if start <= at:
                continue
            if to_local(start, tz).date() > latest_day:
                out_of_window += 1
                continue
            if outcome.next_start is None or start < outcome.next_start:
                outcome.next_start = start
            sref = stock_ref(film, local_start, version)
            if sref in seen_stock_refs:
                continue
            seen_stock_refs.add(sref)
            existing = stocks.get(sref)
            if existing is None:
                new_stocks.append(
                    Stock(
                        price_category_id=categories.get(offer.pk) if offer.pk else None,
                        price_cents=settings_obj.price_cents,
                        quantity=settings_obj.quantity,
                        beginning_datetime=start,
                        booking_limit_datetime=start,
                        version=version,
                        provider_ref=sref,
                    )
                )
            elif not existing.is_deleted:
                refreshed = _refresh_stock(existing, settings_obj, version, categories.get(existing.offer_id))
                if refreshed is not None:
                    changed_stocks.append(refreshed)
        planned.append((offer, new_stocks))
        if out_of_window:
            run.errors.append(
                f"Film {film.movie.id} : {out_of_window} séance(s) ignorée(s), datée(s) au-delà du "
                f"{format_day(latest_day)} (deux ans au plus à l'avance)."
            )
            outcome.out_of_window += out_of_window

    if new_offers:
        Offer.objects.bulk_create(new_offers)
        categories.update(import_categories(venue, new_offers, settings_obj.price_cents, new_offers=True))
    stock_rows: list[Stock] = []
    for offer, new_stocks in planned:
        # Set after bulk_create, which gave the new offers their primary keys.
        for stock in new_stocks:
            stock.offer = offer
            if stock.price_category_id is None:
                stock.price_category_id = categories.get(offer.pk)
        stock_rows.extend(new_stocks)
    if stock_rows:
        Stock.objects.bulk_create(stock_rows)

    # Open alerts of this venue, one query: a showtime listed again (or gone) closes its alert, a booked
    # one that vanished without an open alert opens one (and gets the single email).
    open_alerts = dict(
        AllocineVanishedShowtime.objects.filter(venue=venue, resolved_at__isnull=True).values_list(
            "stock_id", "pk"
        )
    )
    resolved_alerts: list[int] = []
    vanished_free: list[int] = []
    to_alert: list[int] = []
    offers_by_pk = {offer.pk: offer for offer in offers.values()}
    for sref, row in stocks.items():
        if row.is_deleted or sref in seen_stock_refs:
            if row.pk in open_alerts:
                resolved_alerts.append(open_alerts[row.pk])
            continue
        if protected_offer_refs is None or _offer_ref_of(sref) in protected_offer_refs:
            continue
        if row.booked_quantity == 0:
            vanished_free.append(row.pk)
            if row.pk in open_alerts:
                resolved_alerts.append(open_alerts[row.pk])
            continue
        offer = offers_by_pk.get(row.offer_id)
        if offer is None:
            continue
        run.showtimes_kept_booked += 1
        if row.pk not in open_alerts:
            to_alert.append(row.pk)
    if to_alert:
        # Instances for the alert rows and the email; the offers are the ones this import just refreshed.
        for booked in Stock.objects.filter(pk__in=to_alert).order_by("pk"):
            booked.offer = offers_by_pk[booked.offer_id]
            outcome.vanished_booked.append(booked)
    if vanished_free:
        # A soft delete without bookings to cancel; the ref is cleared so that the showtime may come back
        # if Allociné lists it again (only a deletion by the pro is final).
        Stock.objects.filter(pk__in=vanished_free, booked_quantity=0).update(is_deleted=True, provider_ref="")
        log_action(
            "allocine.showtimes_vanished",
            actor_label="import AlloCiné",
            target=venue,
            data={"stock_ids": vanished_free},
        )
    if resolved_alerts:
        AllocineVanishedShowtime.objects.filter(pk__in=resolved_alerts).update(resolved_at=at)
    if outcome.vanished_booked:
        AllocineVanishedShowtime.objects.bulk_create(
            AllocineVanishedShowtime(venue=venue, stock=stock, detected_at=at)
            for stock in outcome.vanished_booked
        )

    if changed_offers:
        fields = [*OFFER_SYNCED_FIELDS, "image"] if outcome.legacy_images else OFFER_SYNCED_FIELDS
        Offer.objects.bulk_update(list(changed_offers.values()), fields)
    if changed_stocks:
        Stock.objects.bulk_update(changed_stocks, STOCK_SYNCED_FIELDS)
    if outcome.vanished_booked:
        alert_booked_vanished(venue, outcome.vanished_booked)
        run.errors.append(
            f"{len(outcome.vanished_booked)} séance(s) réservée(s) ont disparu du programme AlloCiné : "
            "elles sont conservées et le cinéma a été prévenu par email."
        )

    run.films_seen = len(films)
    run.offers_created = len(new_offers)
    run.offers_updated = len(updated_offer_pks)
    run.showtimes_created = len(stock_rows)
    run.showtimes_updated = len(changed_stocks)
    run.showtimes_deleted = len(vanished_free)
    return outcome


def _imported_offers(venue_id: int) -> QuerySet[Offer]:
    # Not `provider_ref LIKE 'allocine:%'`: with the statistics of a table that just grew (after the first
    # national import) PostgreSQL intersects the venue index with the provider_ref index, that is reads the
    # ref of every imported offer of the country for each venue. Comparing the first characters leaves it
    # the venue index only.
    return (
        Offer.objects.alias(ref_prefix=Left("provider_ref", len(REF_PREFIX)))
        .filter(venue_id=venue_id, ref_prefix=REF_PREFIX)
        .order_by()
    )


def _edited_fields(text: str | None) -> tuple[str, ...] | list[str]:
    return json.loads(text) if text and text != "[]" else ()


def _offer_ref_of(sref: str) -> str:
    # "allocine:<movie id>:<local ISO start>:<version>": the movie id holds no colon.
    return ":".join(sref.split(":", 2)[:2])


def _refresh_stock(
    stock: _StockRow, settings_obj: AllocineVenueSettings, version: str, category_id: int | None
) -> Stock | None:
    """The stock to write (every synced field set) when the feed or the settings changed one of its
    fields that the pro did not edit; None when nothing changes (the common case, kept cheap).

    The default booking limit is the showtime's own start, not the feed's: a showtime the pro moved
    keeps its `provider_ref` (the feed's time, so that it is recognised), and a limit that followed the
    move would otherwise be pulled back to the old time, closing bookings before the show.

    `category_id`: the offer's import category (None: it has none, the stock keeps its own)."""
    quantity = settings_obj.quantity
    if quantity is not None and quantity < stock.booked_quantity:
        # Never fewer seats than already booked (the database refuses it anyway).
        quantity = stock.booked_quantity
    # In STOCK_SYNCED_FIELDS order.
    current: tuple[object, ...] = (
        stock.price_cents,
        stock.price_category_id,
        stock.quantity,
        stock.booking_limit_datetime,
        stock.version,
    )
    wanted: tuple[object, ...] = (
        settings_obj.price_cents,
        stock.price_category_id if category_id is None else category_id,
        quantity,
        stock.beginning_datetime,
        version,
    )
    if stock.edited_fields:
        edited = set(stock.edited_fields)
        if edited & PRICE_FIELDS:
            edited |= PRICE_FIELDS
        wanted = tuple(
            now if name in edited else value
            for name, now, value in zip(STOCK_SYNCED_FIELDS, current, wanted, strict=True)
        )
    if wanted == current:
        return None
    return Stock(
        pk=stock.pk, offer_id=stock.offer_id, **dict(zip(STOCK_SYNCED_ATTNAMES, wanted, strict=True))
    )


def _alert_recipients(venue) -> list[str]:
    if venue.booking_email:
        return [venue.booking_email]
    return admin_emails_of_offerer(venue.offerer_id)


def alert_booked_vanished(
    venue, stocks: list[Stock], *, source: str = "AlloCiné", kind: str = ALERT_KIND
) -> None:
    """The one email telling a venue that booked showtimes vanished from its programme at `source`
    (AlloCiné, or a ticketing software's push: core.providers.ticketing.sessions)."""
    recipients = _alert_recipients(venue)
    if not recipients:
        logger.warning("%s: venue %s: booked showtimes vanished, nobody to alert", kind, venue.pk)
        return
    lines = [
        f"- {stock.offer.name}, {format_local(stock.beginning_datetime, venue.timezone, with_weekday=True)}"
        f" ({stock.version or 'version non précisée'}) : {stock.booked_quantity} place(s) réservée(s)"
        for stock in sorted(stocks, key=lambda s: (s.beginning_datetime, s.pk))
        if stock.beginning_datetime is not None
    ]
    text = (
        "Bonjour,\n\n"
        f"Ces séances de {venue.display_name} ne figurent plus dans votre programme {source}, mais des "
        "bénéficiaires les ont réservées :\n\n"
        + "\n".join(lines)
        + "\n\nElles n'ont pas été supprimées et restent signalées sur l'accueil de votre espace pass "
        "Culture pro. Si elles sont annulées, supprimez-les depuis cet espace : les réservations seront "
        "annulées et les bénéficiaires prévenus. Sinon, choisissez « Garder la séance ». Si "
        f"{source} les affiche de nouveau, l'alerte disparaîtra d'elle-même.\n\nL'équipe pass Culture"
    )
    queue_email(
        kind=kind,
        to=recipients,
        subject=f"Séances réservées absentes du programme {source} – {venue.display_name}",
        text_body=text,
        related=venue,
        quiet_in=venue.timezone,  # found by an import job, not by the pro
    )


def _finish(run: AllocineImportRun, status: str) -> AllocineImportRun:
    run.status = status
    run.finished_at = utcnow()
    run.save()
    return run


def record_crashed_run(venue, at: dt.datetime | None) -> AllocineImportRun:
    """The run of an import that crashed outside its own error handling: the pro and staff still see it."""
    return AllocineImportRun.objects.create(
        venue=venue,
        started_at=at or utcnow(),
        finished_at=utcnow(),
        status=AllocineImportRun.Status.ERROR,
        errors=[UNEXPECTED_ERROR_MESSAGE],
    )


def sync_venue(
    settings_obj: AllocineVenueSettings,
    *,
    client: AllocineClient | None = None,
    at: dt.datetime | None = None,
    poster_transport: httpx.BaseTransport | None = None,
) -> AllocineImportRun:
    """Imports one venue's programme; never raises for a failure of Allociné (the run records it)."""
    with Connections(client, poster_transport) as connections:
        return _sync_venue(settings_obj, connections, at or utcnow())


def _sync_venue(
    settings_obj: AllocineVenueSettings, connections: Connections, at: dt.datetime
) -> AllocineImportRun:
    venue = settings_obj.venue
    run = AllocineImportRun.objects.create(venue=venue, started_at=at, errors=[])
    try:
        feed = connections.allocine.get_movie_showtimes(settings_obj.theater.theater_id)
    except AllocineError as error:
        run.errors.append(error.message)
        return _finish(run, AllocineImportRun.Status.ERROR)

    run.errors.extend(f"Film {ident} ignoré : {message}" for ident, message in feed.errors)
    protected: set[str] | None = {f"{REF_PREFIX}{ident}" for ident, _ in feed.errors}
    if any(ident.startswith("#") for ident, _ in feed.errors):
        protected = None
    digest = memo.memo_digest(settings_obj, feed)
    try:
        # Before the venue's transaction (films.py says why); each film is written in its own.
        film_ids = connections.films.resolve(feed.films, at)
        with transaction.atomic():
            last_memo = settings_obj.last_import_memo or {}
            if memo.programme_unchanged(last_memo, digest, venue.pk, at):
                outcome = _Outcome()
                run.films_seen = len(feed.films)
                run.programme_unchanged = True
            else:
                outcome = _apply_feed(settings_obj, feed.films, protected, run, at, film_ids)
                last_memo = memo.memo_after_apply(venue.pk, digest, run, outcome, at)
            AllocineVenueSettings.objects.filter(pk=settings_obj.pk).update(
                last_synced_at=at, last_import_memo=last_memo
            )
    except Exception:
        logger.exception("allocine: venue %s: import failed", venue.pk)
        run.errors.append(UNEXPECTED_ERROR_MESSAGE)
        return _finish(run, AllocineImportRun.Status.ERROR)
    settings_obj.last_synced_at = at
    settings_obj.last_import_memo = last_memo
    if outcome.legacy_images:
        storage = Offer._meta.get_field("image").storage
        for name in outcome.legacy_images:
            storage.delete(name)
            delete_renditions(storage, name)
    fetch_posters(connections.films.take_due_posters(film_ids), run, at, connections)
    return _finish(run, AllocineImportRun.Status.PARTIAL if run.errors else AllocineImportRun.Status.OK)


def sync_all(
    at: dt.datetime | None = None,
    *,
    client: AllocineClient | None = None,
    poster_transport: httpx.BaseTransport | None = None,
) -> dict:
    """Every active venue whose SIRET is still on the list; one failing theatre never stops the others."""
    results = {"venues": 0, "ok": 0, "partial": 0, "error": 0, "skipped": 0}
    if client is None and not django_settings.ALLOCINE_API_KEY:
        # No key (the embedded default, the demo): the daily job would only record an error run per
        # venue every day. Say it once in the job result and the log instead.
        logger.warning("allocine: ALLOCINE_API_KEY is not set, daily import skipped")
        return {**results, "configured": False}
    all_settings = AllocineVenueSettings.objects.filter(is_active=True).select_related("venue", "theater")
    # venue_allocine_eligibility's rule (the venue's SIRET is on the active list), for every venue in one
    # query; the list as it is when the job starts.
    listed = active_theater_sirets()
    with Connections(client, poster_transport) as connections:
        for settings_obj in all_settings.order_by("pk"):
            if settings_obj.venue.siret not in listed:
                results["skipped"] += 1
                continue
            results["venues"] += 1
            try:
                run = _sync_venue(settings_obj, connections, at or utcnow())
                status = run.status
            except Exception:
                logger.exception("allocine: venue %s: sync crashed", settings_obj.venue_id)
                status = record_crashed_run(settings_obj.venue, at).status
            results[status] = results.get(status, 0) + 1
    return results
