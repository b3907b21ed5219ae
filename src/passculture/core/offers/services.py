"""Offers and stocks: publish, edit, deactivate, delete (a deleted showtime cancels its bookings)."""

import datetime as dt
from collections.abc import Sequence

from django.core.files import File
from django.db import transaction

from passculture.core.bookings import changes as booking_changes
from passculture.core.bookings import services as booking_services
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.renditions import after_commit_delete, after_commit_store
from passculture.core.common.time import check_input_date, shift
from passculture.core.common.time import now as utcnow
from passculture.core.films import services as film_services
from passculture.core.films.exceptions import FilmOnlyForShowtimes
from passculture.core.films.models import Film
from passculture.core.offerers.validation import check_can_act_for_offerer

from .constants import DESCRIPTION_MAX_LENGTH, EVENT_CATEGORIES, STOCK_DELETION_DELAY_HOURS, Category
from .exceptions import (
    InvalidPrice,
    NoShowtimeToCreate,
    OfferIsDraft,
    PriceCategoryNotFound,
    QuantityBelowBookings,
    StockAlreadyStarted,
    StockBookingsChanged,
    StockDeletionTooLate,
    StockNotFound,
    StockStartInPast,
    ThingOfferHasAStock,
)
from .models import Offer, PriceCategory, Stock
from .scheduling import Schedule, ShowtimePlan, plan_showtimes
from .selectors import accepts_new_stock, cancellable_bookings_count
from .validation import check_offer_fields, check_showtime_start, check_stock_fields, sanitize_description

# Fields a pro may change on an offer after creation. Venue and category stay: bookings copy the
# venue, and a film's dated showtimes make no sense on a card (and the reverse).
EDITABLE_OFFER_FIELDS = frozenset(
    {"name", "description", "duration_minutes", "languages", "is_duo", "booking_email", "film"}
)
# Keys an import set in extra_data when it stored a copy of the poster on the offer (before films).
IMPORTED_POSTER_KEYS = ("poster_fetched_at", "poster_fetched_url")


def _film_defaults(film: Film, fields: dict) -> None:
    """What the film says, for the offer fields the pro left empty."""
    if not fields.get("description") and film.synopsis:
        fields["description"] = film.synopsis[:DESCRIPTION_MAX_LENGTH]
    if not fields.get("duration_minutes") and film.duration_minutes:
        fields["duration_minutes"] = film.duration_minutes


@transaction.atomic
def create_offer(
    *,
    venue,
    name: str = "",
    category: str = Category.SHOWTIME,
    actor=None,
    image_file: File | None = None,
    film: Film | None = None,
    film_id: int | None = None,
    new_film: dict | None = None,
    **fields,
) -> Offer:
    """`image_file` is an image already checked and re-encoded by `images.prepare_offer_image`.

    A showing links to its film: an existing one (`film`, or its `film_id`), or one the pro types (`new_film`: the
    arguments of films.services.create_film, which finds the film when it exists already). The film
    fills the name, duration and description the pro left empty."""
    check_can_act_for_offerer(actor, venue.offerer_id)
    if (film is not None or film_id is not None or new_film) and category not in EVENT_CATEGORIES:
        raise FilmOnlyForShowtimes()
    if film_id is not None:
        film = film_services.get_film(film_id)
    if new_film:
        film = film_services.create_film(**new_film, actor=actor)
    if film is not None:
        name = name if (name or "").strip() else film.title
        _film_defaults(film, fields)
        fields["film"] = film
    if "description" in fields:
        fields["description"] = sanitize_description(fields["description"])
    check_offer_fields(
        name=name,
        category=category,
        description=fields.get("description"),
        duration_minutes=fields.get("duration_minutes"),
        languages=fields.get("languages"),
    )
    offer = Offer(venue=venue, name=name.strip(), category=category, **fields)
    if image_file is not None:
        offer.image.save(image_file.name, image_file, save=False)
    offer.save()
    if offer.image:
        after_commit_store(offer.image.storage, offer.image.name)
    log_action("offer.created", actor=actor, target=offer, data={"venue_id": venue.pk})
    return offer


@transaction.atomic
def update_offer(
    offer: Offer,
    *,
    actor=None,
    image_file: File | None = None,
    remove_image: bool = False,
    film_id: int | None = None,
    new_film: dict | None = None,
    **changes,
) -> Offer:
    """Changes the editable fields given; a new image replaces the old one, whose file is removed once
    the change is committed. `film_id` / `new_film` link the offer to another film (as create_offer);
    `film=None` in `changes` unlinks it."""
    unknown = set(changes) - EDITABLE_OFFER_FIELDS
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    offer = lock(Offer.objects.select_related("venue")).get(pk=offer.pk)
    if film_id is not None:
        changes["film"] = film_services.get_film(film_id)
    if (changes.get("film") is not None or new_film) and not offer.is_event:
        raise FilmOnlyForShowtimes()
    if new_film:
        changes["film"] = film_services.create_film(**new_film, actor=actor)
    if "description" in changes:
        changes["description"] = sanitize_description(changes["description"])
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    check_offer_fields(
        name=changes.get("name"),
        description=changes.get("description"),
        duration_minutes=changes.get("duration_minutes"),
        languages=changes.get("languages"),
    )
    changed = sorted(key for key, value in changes.items() if getattr(offer, key) != value)
    for key, value in changes.items():
        setattr(offer, key, value)
    old_image = offer.image.name
    if image_file is not None:
        offer.image.save(image_file.name, image_file, save=False)
        # The pro's own image from now on: an import never takes it for its copy of the film's poster.
        offer.extra_data = {k: v for k, v in offer.extra_data.items() if k not in IMPORTED_POSTER_KEYS}
        changed.append("image")
    elif remove_image and old_image:
        offer.image = ""
        changed.append("image")
    offer.save()
    if image_file is not None:
        after_commit_store(offer.image.storage, offer.image.name)
    if "image" in changed and old_image:
        after_commit_delete(offer.image.storage, [old_image])
    log_action("offer.updated", actor=actor, target=offer, data={"fields": changed})
    return offer


@transaction.atomic
def set_offer_active(offer: Offer, active: bool, *, actor=None) -> Offer:
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    if Offer.objects.filter(pk=offer.pk, is_draft=True).exists():
        raise OfferIsDraft()
    Offer.objects.filter(pk=offer.pk).update(is_active=active)
    offer.is_active = active
    log_action("offer.activated" if active else "offer.deactivated", actor=actor, target=offer)
    return offer


def _category_of_offer(offer: Offer, category: PriceCategory) -> PriceCategory:
    """The category, checked to be one of the offer's (a stock never takes another offer's price)."""
    if category.offer_id != offer.pk:
        raise PriceCategoryNotFound()
    return category


def _categories_at(categories: list[PriceCategory], wanted: tuple[int, ...]) -> list[PriceCategory | None]:
    """The categories to create at a planned start; [None] (one stock at the schedule's price) without."""
    return [category for category in categories if category.pk in wanted] or [None]


@transaction.atomic
def create_stock(
    *,
    offer: Offer,
    price_cents: int | None = None,
    price_category: PriceCategory | None = None,
    quantity: int | None = None,
    beginning: dt.datetime | None = None,
    booking_limit: dt.datetime | None = None,
    version: str = "",
    actor=None,
    at: dt.datetime | None = None,
) -> Stock:
    """`at`: when the stock is created (now; the demo's history creates past showtimes "back then").
    `price_category`: one of the offer's categories, whose price the stock copies (`price_cents` is then
    ignored); without it, the stock has its own one price ("Tarif unique")."""
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    if price_category is not None:
        price_cents = _category_of_offer(offer, price_category).price_cents
    if not offer.is_event:
        # Two concurrent creations would both see no stock: the offer row serialises them.
        lock(Offer.objects.filter(pk=offer.pk)).get()
        if not accepts_new_stock(offer):
            raise ThingOfferHasAStock()
    if offer.is_event and beginning is not None:
        check_showtime_start(beginning, offer.venue.timezone, at=at or utcnow(), booking_limit=booking_limit)
    if offer.is_event and booking_limit is None:
        booking_limit = beginning
    if price_cents is None:
        raise InvalidPrice()
    check_stock_fields(
        offer, price_cents=price_cents, quantity=quantity, beginning=beginning, booking_limit=booking_limit
    )
    stock = Stock.objects.create(
        offer=offer,
        price_category=price_category,
        price_cents=price_cents,
        quantity=quantity,
        beginning_datetime=beginning if offer.is_event else None,
        booking_limit_datetime=booking_limit,
        version=version,
    )
    log_action("stock.created", actor=actor, target=stock, data={"offer_id": offer.pk})
    return stock


@transaction.atomic
def update_stock(stock_id: int, *, actor=None, at: dt.datetime | None = None, **changes) -> Stock:
    """Changes the given fields. Once a showtime has started, its start and price are history (the
    bookings and the reimbursement rely on them); only the seats may still change.

    `price_category`: another of the offer's categories (or None), whose price the stock takes. A
    different `price_cents` alone on a stock with a category takes it out of its category (its own
    price, shown as "Tarif unique")."""
    stock = lock(Stock.objects.select_related("offer__venue")).filter(pk=stock_id, is_deleted=False).first()
    if stock is None:
        raise StockNotFound()
    check_can_act_for_offerer(actor, stock.offer.venue.offerer_id)
    at = at or utcnow()
    category_id = stock.price_category_id
    if "price_category" in changes:
        new_category = changes.pop("price_category")
        if new_category is not None:
            _category_of_offer(stock.offer, new_category)
            changes["price_cents"] = new_category.price_cents
        category_id = new_category.pk if new_category is not None else None
    elif category_id is not None and changes.get("price_cents", stock.price_cents) != stock.price_cents:
        # A price typed for this one showtime: it leaves its category and has its own price.
        category_id = None
    price = changes.get("price_cents", stock.price_cents)
    quantity = changes.get("quantity", stock.quantity)
    # Like create_stock: a thing's stock has no date, whatever a caller sends.
    beginning = changes.get("beginning", stock.beginning_datetime) if stock.offer.is_event else None
    limit = changes.get("booking_limit", stock.booking_limit_datetime)
    moved = beginning != stock.beginning_datetime
    if stock.beginning_datetime is not None and stock.beginning_datetime <= at:
        if moved or price != stock.price_cents:
            raise StockAlreadyStarted()
    elif moved and beginning is not None and beginning <= at:
        raise StockStartInPast()
    if moved and beginning is not None:
        check_showtime_start(beginning, stock.offer.venue.timezone, at=at)
    if changes.get("booking_limit") is not None:
        check_input_date(changes["booking_limit"])
    if (
        "beginning" in changes
        and "booking_limit" not in changes
        and stock.booking_limit_datetime == stock.beginning_datetime
    ):
        limit = beginning
    check_stock_fields(
        stock.offer, price_cents=price, quantity=quantity, beginning=beginning, booking_limit=limit
    )
    if quantity is not None and quantity < stock.booked_quantity:
        raise QuantityBelowBookings()
    # An import (Allociné) must not overwrite what the pro set by hand on this showtime.
    edited = [
        name
        for name, old_value, new_value in (
            ("price_cents", stock.price_cents, price),
            ("quantity", stock.quantity, quantity),
            # A limit that merely follows a moved start is not an edit of the limit.
            (
                "booking_limit_datetime",
                stock.booking_limit_datetime,
                changes.get("booking_limit", stock.booking_limit_datetime),
            ),
        )
        if old_value != new_value and name not in stock.edited_fields
    ]
    if category_id != stock.price_category_id and "price_category" not in stock.edited_fields:
        # The pro chose this showtime's price: an import never sets its own category back.
        edited.append("price_category")
    if moved and "beginning_datetime" not in stock.edited_fields:
        # The record of the pro's move: an import recognises the showtime by the feed's time (its
        # provider_ref) and must leave the new start, and the limit that followed it, as they are.
        edited.append("beginning_datetime")
    stock.edited_fields = [*stock.edited_fields, *edited]
    stock.price_category_id = category_id
    stock.price_cents, stock.quantity = price, quantity
    old_start = stock.beginning_datetime
    stock.beginning_datetime, stock.booking_limit_datetime = beginning, limit
    stock.version = changes.get("version", stock.version)
    stock.save()
    if moved:  # the limit follows the new start, and the beneficiaries are told (decision 0030)
        booking_changes.showtime_moved(stock, old_start=old_start, at=at)
    log_action("stock.updated", actor=actor, target=stock, data={k: str(v) for k, v in changes.items()})
    return stock


@transaction.atomic
def delete_stock(
    stock_id: int,
    *,
    actor=None,
    at: dt.datetime | None = None,
    expected_cancellations: int | None = None,
    message: str = "",
) -> int:
    """Soft-deletes a stock and cancels its unused bookings (reason OFFERER). Returns how many.
    `message`: the cinema's words to the beneficiaries (their email says the showtime was removed).

    `expected_cancellations`: how many bookings the pro agreed to cancel (the confirmation page). More
    than that once the stock is locked (someone booked meanwhile) raises StockBookingsChanged."""
    stock = lock(Stock.objects.select_related("offer__venue")).filter(pk=stock_id, is_deleted=False).first()
    if stock is None:
        raise StockNotFound()
    check_can_act_for_offerer(actor, stock.offer.venue.offerer_id)
    at = at or utcnow()  # after the lock: a long wait must not turn a late deletion into an allowed one
    # Too late is final, whereas new bookings only ask the pro to confirm again: say the final one first.
    if stock.beginning_datetime is not None and at > shift(
        stock.beginning_datetime, dt.timedelta(hours=STOCK_DELETION_DELAY_HOURS)
    ):
        raise StockDeletionTooLate()
    # The stock row is locked: no booking can be added until we commit, so the count is final.
    if expected_cancellations is not None and cancellable_bookings_count(stock) > expected_cancellations:
        raise StockBookingsChanged()
    Stock.objects.filter(pk=stock.pk).update(is_deleted=True)
    cancelled = booking_services.cancel_bookings_of_deleted_stock(stock, actor=actor, at=at, message=message)
    log_action("stock.deleted", actor=actor, target=stock, data={"cancelled_bookings": cancelled})
    return cancelled


@transaction.atomic
def create_showtimes(
    offer: Offer,
    schedule: Schedule,
    *,
    price_categories: Sequence[PriceCategory] = (),
    actor=None,
    at: dt.datetime | None = None,
) -> tuple[list[Stock], ShowtimePlan]:
    """Creates every showtime of the schedule at once (all or none), skipping past ones and duplicates.
    Raises NoShowtimeToCreate when nothing is left to create.

    `price_categories`: the offer's categories to sell each showtime at: one stock per start and
    category, each with the schedule's seats (a start already sold at a category is a duplicate for
    that category only). Without, one stock per start at `schedule.price_cents`."""
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    # Two batches for the same film at once would both miss the other's showtimes as duplicates.
    offer = lock(Offer.objects.select_related("venue")).get(pk=offer.pk)
    categories = [_category_of_offer(offer, category) for category in price_categories]
    plan = plan_showtimes(offer, schedule, at=at, price_category_ids=[c.pk for c in categories])
    if not plan.showtimes:
        raise NoShowtimeToCreate()
    stocks = Stock.objects.bulk_create(
        Stock(
            offer=offer,
            price_category=category,
            price_cents=schedule.price_cents if category is None else category.price_cents,
            quantity=schedule.quantity,
            beginning_datetime=planned.beginning,
            booking_limit_datetime=planned.booking_limit,
            version=schedule.version,
        )
        for planned in plan.showtimes
        for category in _categories_at(categories, planned.price_category_ids)
    )
    log_action(
        "stock.bulk_created",
        actor=actor,
        target=offer,
        data={
            "count": len(stocks),
            "stock_ids": [stock.pk for stock in stocks],
            "skipped_past": plan.skipped_past,
            "skipped_duplicates": plan.skipped_duplicates,
            "skipped_nonexistent": plan.skipped_nonexistent,
        },
    )
    return stocks, plan
