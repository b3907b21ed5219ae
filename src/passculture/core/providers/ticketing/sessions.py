"""A cinema's whole programme pushed by its ticketing software in one call (PUT .../cinema_sessions).

`push_cinema_sessions(venue, offers)` is callable without HTTP (the benchmark calls it). One offer per
venue and film (`provider_ref` "ticketing:<film pk>"), its price categories matched on `idAtProvider` then
on their label, its showtimes on `idAtProvider`. Pushing the same programme twice writes nothing.

The Allociné import's rules (RULES.md, core/providers/allocine/sync.py) hold for what the push owns:
- the pro stays in control: an offer's fields and `is_active` are set once, at creation; a showtime the
  pro deleted never comes back (its `id_at_provider` stays on the deleted row); fields they edited by hand
  (`Stock.edited_fields`) are not overwritten; a category they made by hand is used, never changed;
- a future showtime pushed before and missing now is deleted when unbooked (its id is freed, so it may
  come back), kept when booked: the pro gets the Allociné import's alert (dashboard row and one email).

Speed: a fixed number of statements whatever the number of showtimes (bulk reads, bulk writes); the
venue row is locked first, so that two pushes for one venue run one after the other.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Q

from passculture.core.bookings import changes as booking_changes
from passculture.core.common.audit import log_action
from passculture.core.common.bulk import update_rows
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.films.models import Film
from passculture.core.films.validation import normalise_visa
from passculture.core.offerers.models import Venue
from passculture.core.offers.constants import (
    DESCRIPTION_MAX_LENGTH,
    Category,
    Version,
)
from passculture.core.offers.exceptions import StockDateOutOfRange
from passculture.core.offers.models import (
    Offer,
    PriceCategory,
    PriceCategoryLabel,
    PriceCategoryOrigin,
    Stock,
)
from passculture.core.offers.price_categories import clean_id_at_provider, clean_label
from passculture.core.offers.validation import check_price, check_quantity, showtime_days
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.providers.allocine.sync import alert_booked_vanished

from .api_exceptions import (
    DuplicateFilm,
    DuplicateIdAtProvider,
    DuplicatePriceLabel,
    IdAtProviderRequired,
    InvalidFeature,
    InvalidFilmId,
    PushConflict,
    TooManyOffers,
    TooManyPriceCategories,
    TooManyStocks,
    UnknownFilm,
    UnknownPriceCategory,
)

MAX_OFFERS = 250
MAX_STOCKS = 850
MAX_PRICE_CATEGORIES = 10
MAX_FEATURES = 10
REF_PREFIX = "ticketing:"
OFFER_NAME_MAX_LENGTH = 140
ALERT_KIND = "ticketing_booked_showtime_vanished"
VERSIONS = frozenset({Version.VF, Version.VO})
# What a showtime may say of itself beside its version: the real service's list, and the formats the
# Allociné import recognises.
FEATURES = frozenset({"3D", "ICE", "IMAX", "4DX", "DOLBY", "SCREENX"})
FILM_ID_RE = re.compile(r"(allocine_id|visa):([0-9]{1,10})")
STOCK_FIELDS = (
    "price_category_id",
    "price_cents",
    "quantity",
    "beginning_datetime",
    "booking_limit_datetime",
    "version",
    "features",
)


@dataclass(frozen=True)
class PushedCategory:
    id_at_provider: str
    label: str
    price_cents: int


@dataclass(frozen=True)
class PushedStock:
    id_at_provider: str
    beginning: dt.datetime
    price_category_id_at_provider: str
    quantity: int | None
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class PushedOffer:
    film_id: str
    price_categories: Sequence[PushedCategory]
    stocks: Sequence[PushedStock]


@dataclass
class PushResult:
    offers_created: int = 0
    price_categories_created: int = 0
    price_categories_updated: int = 0
    stocks_created: int = 0
    stocks_updated: int = 0
    stocks_deleted: int = 0
    stocks_kept_booked: int = 0
    skipped_past: int = 0
    alerted_stock_ids: list[int] = field(default_factory=list)


class _Row(NamedTuple):
    pk: int
    offer_id: int
    id_at_provider: str
    price_category_id: int | None
    price_cents: int
    quantity: int | None
    booked_quantity: int
    beginning_datetime: dt.datetime
    booking_limit_datetime: dt.datetime | None
    version: str
    features: list
    is_deleted: bool
    edited_fields: list


# --- Checks (before any write) ----------------------------------------------------------------------


def parse_film_id(film_id: str) -> tuple[str, str]:
    """("allocine_id" | "visa", value) of "allocine_id:N" / "visa:N"."""
    match = FILM_ID_RE.fullmatch((film_id or "").strip())
    if match is None:
        raise InvalidFilmId(
            f'Identifiant de film invalide : « {film_id[:40]} » (attendu "allocine_id:N" ou "visa:N").'
        )
    kind, value = match[1], match[2]
    return kind, normalise_visa(value) if kind == "visa" else value


def required_id_at_provider(value: str) -> str:
    """What the push matches on: never empty."""
    value = clean_id_at_provider(value)
    if not value:
        raise IdAtProviderRequired()
    return value


def version_and_features(features: Sequence[str]) -> tuple[str, list[str]]:
    if len(features) > MAX_FEATURES:
        raise InvalidFeature()
    version, others = "", []
    for feature in features:
        if feature in VERSIONS:
            version = feature
        elif feature in FEATURES:
            if feature not in others:
                others.append(feature)
        else:
            raise InvalidFeature(f"Caractéristique de séance inconnue : « {feature[:20]} ».")
    return version, sorted(others)


def _check_push(offers: Sequence[PushedOffer]) -> None:
    if len(offers) > MAX_OFFERS:
        raise TooManyOffers()
    if sum(len(offer.stocks) for offer in offers) > MAX_STOCKS:
        raise TooManyStocks()
    for offer in offers:
        if len(offer.price_categories) > MAX_PRICE_CATEGORIES:
            raise TooManyPriceCategories()
        ids = [required_id_at_provider(category.id_at_provider) for category in offer.price_categories]
        labels = [clean_label(category.label) for category in offer.price_categories]
        if len(set(ids)) != len(ids):
            raise DuplicateIdAtProvider(f"Deux tarifs du film {offer.film_id} ont le même idAtProvider.")
        if len(set(labels)) != len(labels):
            raise DuplicatePriceLabel()
        for category in offer.price_categories:
            check_price(category.price_cents)
        stock_ids = [required_id_at_provider(stock.id_at_provider) for stock in offer.stocks]
        if len(set(stock_ids)) != len(stock_ids):
            raise DuplicateIdAtProvider(f"Deux séances du film {offer.film_id} ont le même idAtProvider.")
        known = set(ids)
        for stock in offer.stocks:
            if stock.price_category_id_at_provider not in known:
                raise UnknownPriceCategory(
                    f"La séance {stock.id_at_provider[:70]} désigne un tarif absent de son offre "
                    f"({stock.price_category_id_at_provider[:70]})."
                )
            check_quantity(stock.quantity)
            version_and_features(stock.features)


def films_of(film_ids: Sequence[str]) -> list[Film]:
    """The Film of each reference ("allocine_id:N", "visa:N"), in order, in one query; every unknown one
    is named in the refusal. An unknown film is refused rather than created: the reference alone gives
    no title, and a film is shared by every cinema (decision 28)."""
    keys = [parse_film_id(film_id) for film_id in film_ids]
    allocine_ids = {value for kind, value in keys if kind == "allocine_id"}
    visas = {value for kind, value in keys if kind == "visa"}
    found: dict[tuple[str, str], Film] = {}
    if allocine_ids or visas:
        for film in Film.objects.filter(Q(allocine_id__in=allocine_ids) | Q(visa__in=visas)):
            if film.allocine_id in allocine_ids:
                found[("allocine_id", film.allocine_id)] = film
            if film.visa in visas:
                found[("visa", film.visa)] = film
    unknown = [f"{kind}:{value}" for kind, value in keys if (kind, value) not in found]
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise UnknownFilm(
            f"Film(s) inconnu(s) de pass Culture : {shown}. Les films viennent d'AlloCiné ou sont saisis "
            "par le cinéma dans son espace pass Culture Pro ; réessayez une fois le film connu.",
            film_ids=unknown,
        )
    return [found[key] for key in keys]


def _films(offers: Sequence[PushedOffer]) -> list[Film]:
    films = films_of([offer.film_id for offer in offers])
    if len({film.pk for film in films}) != len(films):
        raise DuplicateFilm()
    return films


# --- The push ---------------------------------------------------------------------------------------


def push_cinema_sessions(
    venue: Venue,
    offers: Sequence[PushedOffer],
    *,
    actor_label: str = "",
    source: str = "du logiciel de billetterie",
    at: dt.datetime | None = None,
) -> PushResult:
    """Applies a venue's programme (all or nothing). `actor_label` names the caller in the audit log,
    `source` the programme in the pro's alert ("votre programme <source>")."""
    at = at or utcnow()
    _check_push(offers)
    films = _films(offers)
    try:
        with transaction.atomic():
            return _apply(venue, list(zip(offers, films, strict=True)), actor_label, source, at)
    except IntegrityError as error:
        # Only a concurrent change of the same rows by another channel gets here (the venue lock orders
        # pushes): the caller may simply push again.
        raise PushConflict() from error


def _apply(
    venue: Venue, pairs: list[tuple[PushedOffer, Film]], actor_label: str, source: str, at: dt.datetime
) -> PushResult:
    venue = lock(Venue.objects.filter(pk=venue.pk)).get()
    result = PushResult()
    tz = venue.timezone
    _today, latest_day = showtime_days(tz, at)

    owned = {
        offer.provider_ref: offer
        for offer in Offer.objects.filter(venue=venue, provider_ref__startswith=REF_PREFIX)
    }
    taken_offer_ids = set(
        Offer.objects.filter(
            venue=venue, id_at_provider__in=[pushed.film_id for pushed, _ in pairs]
        ).values_list("id_at_provider", flat=True)
    )
    new_offers = []
    for pushed, film in pairs:
        ref = f"{REF_PREFIX}{film.pk}"
        if ref not in owned:
            offer = Offer(
                venue=venue,
                film=film,
                name=film.title[:OFFER_NAME_MAX_LENGTH],
                description=(film.synopsis or "")[:DESCRIPTION_MAX_LENGTH],
                duration_minutes=film.duration_minutes,
                category=Category.SHOWTIME,
                provider_ref=ref,
                id_at_provider="" if pushed.film_id in taken_offer_ids else pushed.film_id,
            )
            new_offers.append(offer)
            owned[ref] = offer
    if new_offers:
        Offer.objects.bulk_create(new_offers)
    result.offers_created = len(new_offers)
    offer_of = [owned[f"{REF_PREFIX}{film.pk}"] for _pushed, film in pairs]

    categories = _apply_categories(venue, pairs, offer_of, result)

    owned_ids = [offer.pk for offer in owned.values()]
    pushed_keys = {
        (offer.pk, stock.id_at_provider.strip())
        for (pushed, _), offer in zip(pairs, offer_of, strict=True)
        for stock in pushed.stocks
    }
    rows = {
        (row.offer_id, row.id_at_provider): row
        for row in map(
            _Row._make,
            Stock.objects.filter(offer_id__in=owned_ids)
            .exclude(id_at_provider="")
            .filter(Q(beginning_datetime__gt=at) | Q(id_at_provider__in={key[1] for key in pushed_keys}))
            .order_by()
            .values_list(*_Row._fields),
        )
    }

    new_stocks: list[Stock] = []
    changed: list[Stock] = []
    moved_booked: list[tuple[Stock, dt.datetime]] = []
    seen: set[tuple[int, str]] = set()
    for (pushed, _film), offer in zip(pairs, offer_of, strict=True):
        for stock in pushed.stocks:
            start = stock.beginning.astimezone(dt.UTC)
            if start <= at:
                result.skipped_past += 1
                continue
            if to_local(start, tz).date() > latest_day:
                raise StockDateOutOfRange(
                    f"La séance {stock.id_at_provider[:70]} est datée au-delà de deux ans : vérifiez sa date."
                )
            key = (offer.pk, stock.id_at_provider.strip())
            seen.add(key)
            category = categories[(offer.pk, stock.price_category_id_at_provider.strip())]
            version, features = version_and_features(stock.features)
            row = rows.get(key)
            if row is None:
                new_stocks.append(
                    Stock(
                        offer=offer,
                        price_category=category,
                        price_cents=category.price_cents,
                        quantity=stock.quantity,
                        beginning_datetime=start,
                        booking_limit_datetime=start,
                        version=version,
                        features=features,
                        id_at_provider=key[1],
                    )
                )
                continue
            if row.is_deleted or row.beginning_datetime <= at:
                continue  # deleted by the pro (final), or history
            updated = _refreshed(row, category, stock.quantity, start, version, features)
            if updated is not None:
                changed.append(updated)
                if row.booked_quantity and updated.beginning_datetime != row.beginning_datetime:
                    moved_booked.append((updated, row.beginning_datetime))
    if new_stocks:
        Stock.objects.bulk_create(new_stocks)
    if changed:
        update_rows(
            Stock, STOCK_FIELDS, [(row.pk, *(getattr(row, n) for n in STOCK_FIELDS)) for row in changed]
        )
    if moved_booked:
        for moved, old_start in moved_booked:
            booking_changes.showtime_moved(moved, old_start=old_start, at=at)
    result.stocks_created, result.stocks_updated = len(new_stocks), len(changed)

    _vanished(venue, rows, seen, at, result, source)
    log_action(
        "ticketing.sessions_pushed",
        actor_label=actor_label[:100],
        target=venue,
        data={
            "offers": len(pairs),
            "stocks": sum(len(pushed.stocks) for pushed, _ in pairs),
            **{name: value for name, value in vars(result).items() if name != "alerted_stock_ids"},
        },
    )
    return result


def _apply_categories(
    venue: Venue, pairs: list[tuple[PushedOffer, Film]], offer_of: list[Offer], result: PushResult
) -> dict[tuple[int, str], PriceCategory]:
    """{(offer pk, pushed category idAtProvider): category}, every category created or refreshed."""
    wanted_labels = {clean_label(c.label) for pushed, _ in pairs for c in pushed.price_categories}
    label_ids = dict(
        PriceCategoryLabel.objects.filter(venue=venue, label__in=wanted_labels).values_list("label", "pk")
    )
    missing = wanted_labels - set(label_ids)
    if missing:
        PriceCategoryLabel.objects.bulk_create(
            [PriceCategoryLabel(venue=venue, label=label) for label in sorted(missing)], ignore_conflicts=True
        )
        label_ids = dict(
            PriceCategoryLabel.objects.filter(venue=venue, label__in=wanted_labels).values_list("label", "pk")
        )
    existing: dict[int, list[PriceCategory]] = {}
    for category in PriceCategory.objects.filter(offer_id__in=[offer.pk for offer in offer_of]).order_by(
        "pk"
    ):
        existing.setdefault(category.offer_id, []).append(category)

    mapping: dict[tuple[int, str], PriceCategory] = {}
    new: list[PriceCategory] = []
    changed: list[PriceCategory] = []
    for (pushed, _film), offer in zip(pairs, offer_of, strict=True):
        mine = existing.get(offer.pk, [])
        by_id = {c.id_at_provider: c for c in mine if c.id_at_provider}
        by_label = {c.label_id: c for c in mine}
        for item in pushed.price_categories:
            id_at_provider, label_id = item.id_at_provider.strip(), label_ids[clean_label(item.label)]
            found = by_id.get(id_at_provider) or by_label.get(label_id)
            if found is None:
                category = PriceCategory(
                    offer=offer,
                    label_id=label_id,
                    price_cents=item.price_cents,
                    origin=PriceCategoryOrigin.PROVIDER,
                    id_at_provider=id_at_provider,
                )
                new.append(category)
            else:
                # A category the pro made by hand (same label) is used as it is: never overwritten.
                category = found
                wanted = (label_id, item.price_cents, id_at_provider)
                current = (category.label_id, category.price_cents, category.id_at_provider)
                if category.origin == PriceCategoryOrigin.PROVIDER and current != wanted:
                    category.label_id, category.price_cents, category.id_at_provider = wanted
                    category.updated_at = utcnow()
                    changed.append(category)
            mapping[(offer.pk, id_at_provider)] = category
    if new:
        PriceCategory.objects.bulk_create(new)
    if changed:
        PriceCategory.objects.bulk_update(changed, ["label", "price_cents", "id_at_provider", "updated_at"])
    result.price_categories_created, result.price_categories_updated = len(new), len(changed)
    return mapping


def _refreshed(
    row: _Row,
    category: PriceCategory,
    quantity: int | None,
    start: dt.datetime,
    version: str,
    features: list[str],
) -> Stock | None:
    """The stock to write when the push changes a field the pro did not edit; None when nothing changes."""
    edited = set(row.edited_fields or ())
    if "price_category" in edited:
        # The pro chose this showtime's price by hand: it keeps its category and price.
        category = PriceCategory(pk=row.price_category_id, price_cents=row.price_cents)
    if quantity is not None and quantity < row.booked_quantity:
        quantity = row.booked_quantity  # never fewer seats than already booked (the database refuses it)
    beginning = row.beginning_datetime if "beginning_datetime" in edited else start
    wanted = {
        "price_category_id": category.pk,
        "price_cents": row.price_cents if "price_cents" in edited else category.price_cents,
        "quantity": row.quantity if "quantity" in edited else quantity,
        "beginning_datetime": beginning,
        "booking_limit_datetime": row.booking_limit_datetime
        if "booking_limit_datetime" in edited
        else beginning,
        "version": version,
        "features": features,
    }
    current = {
        "price_category_id": row.price_category_id,
        "price_cents": row.price_cents,
        "quantity": row.quantity,
        "beginning_datetime": row.beginning_datetime,
        "booking_limit_datetime": row.booking_limit_datetime,
        "version": row.version,
        "features": list(row.features or []),
    }
    if wanted == current:
        return None
    stock = Stock(pk=row.pk, offer_id=row.offer_id, edited_fields=list(row.edited_fields or []))
    for name, value in wanted.items():
        setattr(stock, name, value)
    return stock


def _vanished(
    venue: Venue,
    rows: dict[tuple[int, str], _Row],
    seen: set[tuple[int, str]],
    at: dt.datetime,
    result: PushResult,
    source: str,
) -> None:
    """Future showtimes pushed before and missing now: deleted when unbooked, kept and alerted when
    booked (one open alert per showtime; listed again, or deleted, closes it)."""
    open_alerts = dict(
        AllocineVanishedShowtime.objects.filter(venue=venue, resolved_at__isnull=True).values_list(
            "stock_id", "pk"
        )
    )
    resolved, free, to_alert = [], [], []
    for key, row in rows.items():
        if row.is_deleted or row.beginning_datetime <= at or key in seen:
            if row.pk in open_alerts and key in seen:
                resolved.append(open_alerts[row.pk])
            continue
        if row.booked_quantity == 0:
            free.append(row.pk)
            if row.pk in open_alerts:
                resolved.append(open_alerts[row.pk])
            continue
        result.stocks_kept_booked += 1
        if row.pk not in open_alerts:
            to_alert.append(row.pk)
    if free:
        # The id is freed so that the showtime may come back in a later push (only a pro's deletion is final).
        result.stocks_deleted = Stock.objects.filter(pk__in=free, booked_quantity=0).update(
            is_deleted=True, id_at_provider=""
        )
    if resolved:
        AllocineVanishedShowtime.objects.filter(pk__in=resolved).update(resolved_at=at)
    if to_alert:
        stocks = list(Stock.objects.select_related("offer").filter(pk__in=to_alert).order_by("pk"))
        AllocineVanishedShowtime.objects.bulk_create(
            AllocineVanishedShowtime(venue=venue, stock=stock, detected_at=at) for stock in stocks
        )
        alert_booked_vanished(venue, stocks, source=source, kind=ALERT_KIND)
        result.alerted_stock_ids = [stock.pk for stock in stocks]
