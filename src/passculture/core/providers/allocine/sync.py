"""The daily Allociné import: a venue's programme becomes offers (one per film) and stocks (showtimes).

`sync_venue` fetches the feed first (network, outside any transaction), applies it in one transaction
per venue, then fetches posters after the commit (a slow or broken image server never holds locks and
never fails a film). `sync_all` runs every active venue, each isolated from the others.

The pro keeps control: an offer they deactivated is never re-activated, a showtime they deleted never
comes back (its `provider_ref` is kept on the deleted stock), and the fields they edited by hand on a
showtime (`Stock.edited_fields`) are never overwritten.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

import httpx
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import transaction

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import format_local, local_to_utc
from passculture.core.common.time import now as utcnow
from passculture.core.notifications.services import queue_email
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.models import Membership
from passculture.core.offers.constants import DESCRIPTION_MAX_LENGTH, MAX_DURATION_MINUTES, Category
from passculture.core.offers.images import MAX_IMAGE_BYTES, prepare_offer_image
from passculture.core.offers.models import Offer, Stock

from .client import AllocineClient
from .exceptions import AllocineError
from .models import AllocineImportRun, AllocineVenueSettings
from .schemas import DESCRIPTION_LINK_PREFIX, Film, clean_text
from .selectors import venue_allocine_eligibility

logger = logging.getLogger(__name__)

REF_PREFIX = "allocine:"
POSTER_REFRESH = dt.timedelta(days=1)
POSTER_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
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
# Offer.extra_data key: refs of the booked showtimes the pro was already alerted about (one email each).
ALERTED_KEY = "allocine_vanished_alerted"
OFFER_SYNCED_FIELDS = ("name", "description", "duration_minutes", "languages", "is_duo", "extra_data")
STOCK_SYNCED_FIELDS = ("price_cents", "quantity", "booking_limit_datetime", "version")


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


def _film_extra_data(film: Film) -> dict:
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
    posters: list[tuple[int, str]] = field(default_factory=list)
    vanished_booked: list[Stock] = field(default_factory=list)


def _apply_feed(
    settings_obj: AllocineVenueSettings,
    films: list[Film],
    protected_offer_refs: set[str] | None,
    run: AllocineImportRun,
    at: dt.datetime,
) -> _Outcome:
    """Writes the feed in bulk. `protected_offer_refs`: films dropped as invalid, whose showtimes must not
    be taken for vanished ones (None: a film without a readable id was dropped, so no deletion at all)."""
    venue = settings_obj.venue
    outcome = _Outcome()
    offers = {
        offer.provider_ref: offer
        for offer in Offer.objects.filter(venue=venue, provider_ref__startswith=REF_PREFIX)
    }
    # Past showtimes are history: only the future ones can be updated, deleted or recreated.
    stocks = {
        stock.provider_ref: stock
        for stock in Stock.objects.filter(
            offer__venue=venue, provider_ref__startswith=REF_PREFIX, beginning_datetime__gt=at
        )
    }

    new_offers: list[Offer] = []
    changed_offers: dict[int, Offer] = {}
    updated_offer_pks: set[int] = set()
    planned: list[tuple[Offer, list[Stock]]] = []
    changed_stocks: list[Stock] = []
    seen_stock_refs: set[str] = set()
    for film in films:
        if film.movie.is_special_event:
            continue
        ref = offer_ref(film)
        values: dict[str, object] = {
            "name": film.movie.title[:OFFER_NAME_MAX_LENGTH],
            "description": build_description(film),
            "duration_minutes": _duration(film),
            "languages": _languages(film),
            "is_duo": settings_obj.is_duo,
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
            values["extra_data"] = {**offer.extra_data, **_film_extra_data(film)}
            if any(getattr(offer, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(offer, name, value)
                changed_offers[offer.pk] = offer
                updated_offer_pks.add(offer.pk)

        new_stocks: list[Stock] = []
        for showtime in film.showtimes:
            if not showtime.is_classic:
                continue
            version = showtime.version or ""
            local_start = showtime.starts_at.replace(tzinfo=None)
            start = local_to_utc(local_start, venue.timezone)
            if start <= at:
                continue
            sref = stock_ref(film, local_start, version)
            if sref in seen_stock_refs:
                continue
            seen_stock_refs.add(sref)
            stock = stocks.get(sref)
            if stock is None:
                new_stocks.append(
                    Stock(
                        price_cents=settings_obj.price_cents,
                        quantity=settings_obj.quantity,
                        beginning_datetime=start,
                        booking_limit_datetime=start,
                        version=version,
                        provider_ref=sref,
                    )
                )
            elif not stock.is_deleted and _refresh_stock(stock, settings_obj, start, version):
                changed_stocks.append(stock)
        planned.append((offer, new_stocks))

    if new_offers:
        Offer.objects.bulk_create(new_offers)
    stock_rows: list[Stock] = []
    for offer, new_stocks in planned:
        # Set after bulk_create, which gave the new offers their primary keys.
        for stock in new_stocks:
            stock.offer = offer
        stock_rows.extend(new_stocks)
    if stock_rows:
        Stock.objects.bulk_create(stock_rows)

    vanished_free: list[int] = []
    offers_by_pk = {offer.pk: offer for offer in offers.values()}
    for sref, stock in stocks.items():
        if stock.is_deleted or sref in seen_stock_refs:
            continue
        if protected_offer_refs is None or _offer_ref_of(sref) in protected_offer_refs:
            continue
        if stock.booked_quantity == 0:
            vanished_free.append(stock.pk)
            continue
        offer = offers_by_pk.get(stock.offer_id)
        if offer is None:
            continue
        run.showtimes_kept_booked += 1
        alerted = list(offer.extra_data.get(ALERTED_KEY, []))
        if sref not in alerted:
            offer.extra_data = {**offer.extra_data, ALERTED_KEY: [*alerted, sref]}
            changed_offers.setdefault(offer.pk, offer)
            stock.offer = offer
            outcome.vanished_booked.append(stock)
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

    if changed_offers:
        Offer.objects.bulk_update(list(changed_offers.values()), OFFER_SYNCED_FIELDS)
    if changed_stocks:
        Stock.objects.bulk_update(changed_stocks, STOCK_SYNCED_FIELDS)
    if outcome.vanished_booked:
        _alert_booked_vanished(venue, outcome.vanished_booked)
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
    for offer in offers.values():
        url = offer.extra_data.get("poster_url")
        if url and _poster_due(offer, url, at):
            outcome.posters.append((offer.pk, url))
    return outcome


def _offer_ref_of(sref: str) -> str:
    # "allocine:<movie id>:<local ISO start>:<version>": the movie id holds no colon.
    return ":".join(sref.split(":", 2)[:2])


def _refresh_stock(
    stock: Stock, settings_obj: AllocineVenueSettings, start: dt.datetime, version: str
) -> bool:
    wanted = {
        "price_cents": settings_obj.price_cents,
        "quantity": settings_obj.quantity,
        "booking_limit_datetime": start,
        "version": version,
    }
    if wanted["quantity"] is not None:
        # Never fewer seats than already booked (the database refuses it anyway).
        wanted["quantity"] = max(wanted["quantity"], stock.booked_quantity)
    changed = False
    for name, value in wanted.items():
        if name in stock.edited_fields or getattr(stock, name) == value:
            continue
        setattr(stock, name, value)
        changed = True
    return changed


def _poster_due(offer: Offer, url: str, at: dt.datetime) -> bool:
    fetched_at = offer.extra_data.get("poster_fetched_at")
    if not fetched_at or not offer.image:
        return True
    try:
        last = dt.datetime.fromisoformat(fetched_at)
    except ValueError:
        return True
    return at - last >= POSTER_REFRESH or offer.extra_data.get("poster_fetched_url") != url


def _alert_recipients(venue) -> list[str]:
    if venue.booking_email:
        return [venue.booking_email]
    return list(
        Membership.objects.filter(
            offerer_id=venue.offerer_id,
            role=MembershipRole.ADMIN,
            validation_status=ValidationStatus.VALIDATED,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )


def _alert_booked_vanished(venue, stocks: list[Stock]) -> None:
    recipients = _alert_recipients(venue)
    if not recipients:
        logger.warning("allocine: venue %s: booked showtimes vanished, nobody to alert", venue.pk)
        return
    lines = [
        f"- {stock.offer.name}, {format_local(stock.beginning_datetime, venue.timezone, with_weekday=True)}"
        f" ({stock.version or 'version non précisée'}) : {stock.booked_quantity} place(s) réservée(s)"
        for stock in sorted(stocks, key=lambda s: (s.beginning_datetime, s.pk))
        if stock.beginning_datetime is not None
    ]
    text = (
        "Bonjour,\n\n"
        f"Ces séances de {venue.display_name} ne figurent plus dans votre programme AlloCiné, mais des "
        "bénéficiaires les ont réservées :\n\n"
        + "\n".join(lines)
        + "\n\nElles n'ont pas été supprimées. Si elles sont annulées, supprimez-les depuis votre espace "
        "pass Culture pro : les réservations seront annulées et les bénéficiaires prévenus. Sinon, "
        "vous n'avez rien à faire.\n\nL'équipe pass Culture"
    )
    queue_email(
        kind=ALERT_KIND,
        to=recipients,
        subject=f"Séances réservées absentes du programme AlloCiné – {venue.display_name}",
        text_body=text,
        related=venue,
    )


def _fetch_posters(
    posters: list[tuple[int, str]],
    run: AllocineImportRun,
    at: dt.datetime,
    transport: httpx.BaseTransport | None,
) -> None:
    if not posters:
        return
    with httpx.Client(timeout=POSTER_TIMEOUT, transport=transport, follow_redirects=True) as http:
        for offer_id, url in posters:
            try:
                _store_poster(http, offer_id, url, at)
            except Exception as error:  # a poster never fails the film, whatever goes wrong
                run.posters_failed += 1
                message = error.message if isinstance(error, DomainError) else type(error).__name__
                logger.warning("allocine: poster %s for offer %s failed: %r", url, offer_id, error)
                run.errors.append(f"Affiche non récupérée ({url}) : {message}")
            else:
                run.posters_fetched += 1


def _store_poster(http: httpx.Client, offer_id: int, url: str, at: dt.datetime) -> None:
    response = http.get(url)
    response.raise_for_status()
    content = response.content
    if len(content) > MAX_IMAGE_BYTES:
        raise ValueError("image trop lourde")
    image = prepare_offer_image(ContentFile(content, name="poster"))
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer_id)
        old_image = offer.image.name
        offer.image.save(image.name, image, save=False)
        offer.extra_data = {
            **offer.extra_data,
            "poster_fetched_at": at.isoformat(),
            "poster_fetched_url": url,
        }
        offer.save(update_fields=["image", "extra_data", "updated_at"])
        if old_image:
            storage = offer.image.storage
            transaction.on_commit(lambda: storage.delete(old_image))


def _finish(run: AllocineImportRun, status: str) -> AllocineImportRun:
    run.status = status
    run.finished_at = utcnow()
    run.save()
    return run


def sync_venue(
    settings_obj: AllocineVenueSettings,
    *,
    client: AllocineClient | None = None,
    at: dt.datetime | None = None,
    poster_transport: httpx.BaseTransport | None = None,
) -> AllocineImportRun:
    """Imports one venue's programme; never raises for a failure of Allociné (the run records it)."""
    at = at or utcnow()
    venue = settings_obj.venue
    run = AllocineImportRun.objects.create(venue=venue, started_at=at, errors=[])
    own_client = client is None
    try:
        if client is None:
            client = AllocineClient()
        feed = client.get_movie_showtimes(settings_obj.theater.theater_id)
    except AllocineError as error:
        run.errors.append(error.message)
        return _finish(run, AllocineImportRun.Status.ERROR)
    finally:
        if own_client and client is not None:
            client.close()

    run.errors.extend(f"Film {ident} ignoré : {message}" for ident, message in feed.errors)
    protected: set[str] | None = {f"{REF_PREFIX}{ident}" for ident, _ in feed.errors}
    if any(ident.startswith("#") for ident, _ in feed.errors):
        protected = None
    try:
        with transaction.atomic():
            outcome = _apply_feed(settings_obj, feed.films, protected, run, at)
            AllocineVenueSettings.objects.filter(pk=settings_obj.pk).update(last_synced_at=at)
    except Exception:
        logger.exception("allocine: venue %s: import failed", venue.pk)
        run.errors.append(UNEXPECTED_ERROR_MESSAGE)
        return _finish(run, AllocineImportRun.Status.ERROR)
    settings_obj.last_synced_at = at
    _fetch_posters(outcome.posters, run, at, poster_transport)
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
    for settings_obj in all_settings.order_by("pk"):
        if not venue_allocine_eligibility(settings_obj.venue).eligible:
            results["skipped"] += 1
            continue
        results["venues"] += 1
        try:
            run = sync_venue(settings_obj, client=client, at=at, poster_transport=poster_transport)
            status = run.status
        except Exception:
            logger.exception("allocine: venue %s: sync crashed", settings_obj.venue_id)
            AllocineImportRun.objects.create(
                venue=settings_obj.venue,
                started_at=at or utcnow(),
                finished_at=utcnow(),
                status=AllocineImportRun.Status.ERROR,
                errors=[UNEXPECTED_ERROR_MESSAGE],
            )
            status = AllocineImportRun.Status.ERROR
        results[status] = results.get(status, 0) + 1
    return results
