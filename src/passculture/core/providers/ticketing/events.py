"""What a provider's key reads and changes through the public API: the event offers, price categories,
showtimes ("dates") and bookings of the venues actively linked to the provider, and nothing else.

Every lookup starts from `venues_of_provider`: another provider's venue, offer, showtime or booking is
"not found", exactly like one that does not exist (decision 28). The changes are the pro's own services
(core.offers.services, core.offers.price_categories) run by the system (actor None) once the venue is
known to be the provider's; a showtime deleted here cancels its bookings as the pro's deletion does.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from passculture.core.bookings.models import Booking
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.periods import local_days_q
from passculture.core.films.models import Film
from passculture.core.offerers.models import Venue
from passculture.core.offers import price_categories
from passculture.core.offers import services as offer_services
from passculture.core.offers.constants import EVENT_CATEGORIES, Category
from passculture.core.offers.models import Offer, PriceCategory, PriceCategoryOrigin, Stock
from passculture.core.offers.price_categories import clean_id_at_provider

from .api_exceptions import DateNotFound, EventNotFound, IdAtProviderTaken, TooManyDates, VenueNotFound
from .links import provider_venue_or_none, venues_of_provider
from .models import Provider
from .sessions import version_and_features

MAX_DATES_PER_EVENT = 2500


# --- Selectors --------------------------------------------------------------------------------------


def venue_of_provider(provider: Provider, venue_id: int) -> Venue:
    venue = provider_venue_or_none(provider, venue_id)
    if venue is None:
        raise VenueNotFound()
    return venue


def events_of_provider(provider: Provider) -> QuerySet[Offer]:
    return Offer.objects.filter(
        venue__in=venues_of_provider(provider), category__in=EVENT_CATEGORIES, is_draft=False
    ).select_related("venue", "film")


def event_of_provider(provider: Provider, event_id: int) -> Offer:
    offer = events_of_provider(provider).filter(pk=event_id).first()
    if offer is None:
        raise EventNotFound()
    return offer


def dates_of_event(offer: Offer) -> QuerySet[Stock]:
    return Stock.objects.filter(offer=offer, is_deleted=False).select_related("price_category__label")


def date_of_event(offer: Offer, stock_id: int) -> Stock:
    stock = dates_of_event(offer).filter(pk=stock_id).first()
    if stock is None:
        raise DateNotFound()
    return stock


def category_of_event(offer: Offer, category_id: int) -> PriceCategory:
    return price_categories.get_price_category(offer, category_id)


@dataclass(frozen=True)
class BookingFilters:
    offer_id: int | None = None
    price_category_id: int | None = None
    stock_id: int | None = None
    status: str | None = None
    # The showtime's day, in the venue's timezone.
    beginning_date: dt.date | None = None


def bookings_of_provider(provider: Provider, filters: BookingFilters) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(venue__in=venues_of_provider(provider)).select_related(
        "user", "stock__price_category__label", "offer", "venue"
    )
    if filters.offer_id is not None:
        bookings = bookings.filter(offer_id=filters.offer_id)
    if filters.price_category_id is not None:
        bookings = bookings.filter(stock__price_category_id=filters.price_category_id)
    if filters.stock_id is not None:
        bookings = bookings.filter(stock_id=filters.stock_id)
    if filters.status is not None:
        bookings = bookings.filter(status=filters.status)
    if filters.beginning_date is not None:
        # The day in each venue's own timezone (overseas cinemas included).
        timezones = venues_of_provider(provider).order_by().values_list("timezone", flat=True).distinct()
        bookings = bookings.filter(
            local_days_q(
                "stock__beginning_datetime",
                "venue__timezone",
                list(timezones),
                filters.beginning_date,
                filters.beginning_date,
            )
        )
    return bookings


# --- Events -----------------------------------------------------------------------------------------


def _check_id_free(same_scope: QuerySet, id_at_provider: str, *, exclude: int | None = None) -> None:
    """`id_at_provider` is not the id of another row of `same_scope` (a venue's offers, an offer's stocks)."""
    others = same_scope.filter(id_at_provider=id_at_provider)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if id_at_provider and others.exists():
        raise IdAtProviderTaken()


def _check_offer_id_free(venue_id: int, id_at_provider: str, *, exclude: int | None = None) -> None:
    _check_id_free(Offer.objects.filter(venue_id=venue_id), id_at_provider, exclude=exclude)


@transaction.atomic
def create_event(
    provider: Provider, venue: Venue, *, id_at_provider: str = "", film: Film | None = None, **fields
) -> Offer:
    """A showtime offer of a venue of the provider: `fields` are create_offer's (name, description,
    duration_minutes, is_duo, booking_email)."""
    id_at_provider = clean_id_at_provider(id_at_provider)
    lock(Venue.objects.filter(pk=venue.pk)).get()  # two creations with one idAtProvider queue here
    _check_offer_id_free(venue.pk, id_at_provider)
    offer = offer_services.create_offer(
        venue=venue, category=Category.SHOWTIME, film=film, id_at_provider=id_at_provider, **fields
    )
    log_action("ticketing.event_created", actor_label=f"Logiciel {provider.name}"[:100], target=offer)
    return offer


@transaction.atomic
def update_event(
    provider: Provider,
    offer: Offer,
    *,
    is_active: bool | None = None,
    id_at_provider: str | None = None,
    **changes,
) -> Offer:
    if changes:
        offer = offer_services.update_offer(offer, **changes)
    if id_at_provider is not None:
        id_at_provider = clean_id_at_provider(id_at_provider)
        lock(Venue.objects.filter(pk=offer.venue_id)).get()
        _check_offer_id_free(offer.venue_id, id_at_provider, exclude=offer.pk)
        Offer.objects.filter(pk=offer.pk).update(id_at_provider=id_at_provider)
        offer.id_at_provider = id_at_provider
    if is_active is not None and is_active != offer.is_active:
        offer = offer_services.set_offer_active(offer, is_active)
    log_action(
        "ticketing.event_updated",
        actor_label=f"Logiciel {provider.name}"[:100],
        target=offer,
        data={"fields": sorted([*changes, *(["is_active"] if is_active is not None else [])])},
    )
    return offer


# --- Dates (showtimes) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewDate:
    beginning: dt.datetime
    booking_limit: dt.datetime | None
    price_category_id: int
    quantity: int | None
    id_at_provider: str = ""
    features: tuple[str, ...] = ()


def _check_stock_id_free(offer_id: int, id_at_provider: str, *, exclude: int | None = None) -> None:
    _check_id_free(Stock.objects.filter(offer_id=offer_id), id_at_provider, exclude=exclude)


def _set_stock_extras(stock: Stock, id_at_provider: str | None, features: tuple[str, ...] | None) -> None:
    changes: dict = {}
    if id_at_provider is not None:
        _check_stock_id_free(stock.offer_id, id_at_provider, exclude=stock.pk)
        changes["id_at_provider"] = id_at_provider
    if features is not None:
        version, others = version_and_features(features)
        changes.update(version=version, features=others)
    if changes:
        Stock.objects.filter(pk=stock.pk).update(**changes)
        for name, value in changes.items():
            setattr(stock, name, value)


@transaction.atomic
def create_dates(offer: Offer, dates: list[NewDate], *, at: dt.datetime | None = None) -> list[Stock]:
    """Every date or none. At most MAX_DATES_PER_EVENT showtimes (not deleted) per offer."""
    lock(Offer.objects.filter(pk=offer.pk)).get()  # the count below holds until the commit
    if dates_of_event(offer).count() + len(dates) > MAX_DATES_PER_EVENT:
        raise TooManyDates()
    ids = [clean_id_at_provider(date.id_at_provider) for date in dates]
    if len({i for i in ids if i}) != len([i for i in ids if i]):
        raise IdAtProviderTaken("Deux séances de l'envoi ont le même idAtProvider.")
    created = []
    for date, id_at_provider in zip(dates, ids, strict=True):
        category = category_of_event(offer, date.price_category_id)
        stock = offer_services.create_stock(
            offer=offer,
            price_category=category,
            quantity=date.quantity,
            beginning=date.beginning,
            booking_limit=date.booking_limit,
            at=at,
        )
        _set_stock_extras(stock, id_at_provider or None, date.features or None)
        stock.price_category = category
        created.append(stock)
    return created


@transaction.atomic
def update_date(
    offer: Offer,
    stock: Stock,
    *,
    id_at_provider: str | None = None,
    price_category_id: int | None = None,
    features: tuple[str, ...] | None = None,
    at: dt.datetime | None = None,
    **changes,
) -> Stock:
    """`changes`: update_stock's (beginning, booking_limit, quantity)."""
    if price_category_id is not None:
        changes["price_category"] = category_of_event(offer, price_category_id)
    if changes:
        stock = offer_services.update_stock(stock.pk, at=at, **changes)
    _set_stock_extras(
        stock, clean_id_at_provider(id_at_provider) if id_at_provider is not None else None, features
    )
    return date_of_event(offer, stock.pk)


def delete_date(stock: Stock, *, at: dt.datetime | None = None) -> int:
    """The pro's deletion: its bookings are cancelled and the beneficiaries told. Returns how many."""
    return offer_services.delete_stock(stock.pk, at=at)


# --- Price categories -------------------------------------------------------------------------------


@transaction.atomic
def create_price_categories(offer: Offer, items: list[tuple[str, int, str]]) -> list[PriceCategory]:
    """(label, price in cents, idAtProvider) each; all or none. Made by the provider: a pro's later sync
    rules (PriceCategoryOrigin) know who owns them."""
    created = [
        price_categories.create_price_category(
            offer,
            label=label,
            price_cents=price_cents,
            id_at_provider=id_at_provider,
            origin=PriceCategoryOrigin.PROVIDER,
        )
        for label, price_cents, id_at_provider in items
    ]
    return [price_categories.get_price_category(offer, category.pk) for category in created]
