"""Price categories (decision 0027): a venue's shared labels, and an offer's prices (one label + a price).

One category per stock: a showtime sold at two prices is two stocks at the same start, one per category,
each with its own seats. `Stock.price_cents` is a copy of its category's price, which the search, the
bookings and the finance read; a new price is copied onto the category's showtimes that have not
started yet, in one UPDATE, and bookings keep what they paid. A stock without category is a stock made
before categories, sold at its one price: it reads as "Tarif unique" (`UNIQUE_PRICE_LABEL`).

A sync (AlloCiné, a ticketing provider) only updates the categories of its own origin: a category a pro
made by hand (MANUAL) is never overwritten.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.validation import check_can_act_for_offerer

from .constants import ID_AT_PROVIDER_MAX_LENGTH, PRICE_CATEGORY_LABEL_MAX_LENGTH, UNIQUE_PRICE_LABEL
from .exceptions import (
    IdAtProviderInvalid,
    PriceCategoriesForEventsOnly,
    PriceCategoryAlreadyExists,
    PriceCategoryIdAtProviderTaken,
    PriceCategoryInUse,
    PriceCategoryLabelAlreadyExists,
    PriceCategoryLabelInUse,
    PriceCategoryLabelInvalid,
    PriceCategoryLabelNotFound,
    PriceCategoryNotFound,
)
from .models import Offer, PriceCategory, PriceCategoryLabel, PriceCategoryOrigin, Stock
from .selectors import open_stock_filter
from .validation import check_price

_SPACES = re.compile(r"\s+")


# --- Selectors ------------------------------------------------------------------------------------


def labels_of_venue(venue) -> list[PriceCategoryLabel]:
    return list(PriceCategoryLabel.objects.filter(venue=venue).order_by("label", "id"))


def labels_in_use(venue) -> set[int]:
    """Ids of the venue's labels that a price category uses (those cannot be deleted)."""
    return set(PriceCategory.objects.filter(label__venue=venue).values_list("label_id", flat=True).distinct())


def get_label(venue, label_id: int) -> PriceCategoryLabel:
    label = PriceCategoryLabel.objects.filter(venue=venue, pk=label_id).first()
    if label is None:
        raise PriceCategoryLabelNotFound()
    return label


def price_categories_of(offer: Offer) -> list[PriceCategory]:
    """The offer's categories, cheapest first, with their labels."""
    return list(
        PriceCategory.objects.filter(offer=offer).select_related("label").order_by("price_cents", "id")
    )


def get_price_category(offer: Offer, category_id: int) -> PriceCategory:
    """The offer's category `category_id`; PriceCategoryNotFound for another offer's."""
    category = (
        PriceCategory.objects.select_related("label", "offer__venue")
        .filter(offer=offer, pk=category_id)
        .first()
    )
    if category is None:
        raise PriceCategoryNotFound()
    return category


@dataclass(frozen=True)
class PriceChoice:
    """One price a showtime is sold at: its stock, label, price and seats left (None: unlimited)."""

    stock_id: int
    label: str
    price_cents: int
    remaining: int | None

    @property
    def is_sold_out(self) -> bool:
        return self.remaining == 0


def price_choices(stock: Stock, at: dt.datetime) -> list[PriceChoice]:
    """The prices a showtime is sold at: this stock and the other open stocks of its offer at the same
    start and version (one per category), cheapest first. The stock itself is always there, open or
    not (the booking page says why it cannot be booked)."""
    same = Q(pk=stock.pk)
    if stock.beginning_datetime is not None:
        same |= open_stock_filter(at) & Q(
            offer_id=stock.offer_id, beginning_datetime=stock.beginning_datetime, version=stock.version
        )
    rows = (
        Stock.objects.filter(same)
        .order_by("price_cents", "price_category__label__label", "id")
        .values_list("id", "price_category__label__label", "price_cents", "quantity", "booked_quantity")
    )
    return [
        PriceChoice(
            stock_id=pk,
            label=label or UNIQUE_PRICE_LABEL,
            price_cents=price,
            remaining=None if quantity is None else max(quantity - booked, 0),
        )
        for pk, label, price, quantity, booked in rows
    ]


def label_of_stock(stock: Stock) -> str:
    """The label shown for a stock's price ("Tarif unique" for a stock without category)."""
    category = stock.price_category
    return category.label.label if category is not None else UNIQUE_PRICE_LABEL


# --- Labels ---------------------------------------------------------------------------------------


def clean_label(label: str) -> str:
    """The label as stored: trimmed, inner runs of spaces made one; 1 to 50 characters."""
    text = _SPACES.sub(" ", (label or "").strip()) if isinstance(label, str) else ""
    if not 1 <= len(text) <= PRICE_CATEGORY_LABEL_MAX_LENGTH:
        raise PriceCategoryLabelInvalid()
    return check_text(text)


def clean_id_at_provider(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > ID_AT_PROVIDER_MAX_LENGTH:
        raise IdAtProviderInvalid()
    return check_text(text)


def get_or_create_label(venue, label: str) -> PriceCategoryLabel:
    """The venue's label of this name, created when missing. Two concurrent creations: the unique
    constraint refuses the second, which then reads the first's."""
    text = clean_label(label)
    existing = PriceCategoryLabel.objects.filter(venue=venue, label=text).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PriceCategoryLabel.objects.create(venue=venue, label=text)
    except IntegrityError:
        return PriceCategoryLabel.objects.get(venue=venue, label=text)


@transaction.atomic
def create_label(venue, label: str, *, actor=None) -> PriceCategoryLabel:
    """A new label typed by a pro: an existing one of that name is an error (get_or_create_label for
    programs)."""
    check_can_act_for_offerer(actor, venue.offerer_id)
    text = clean_label(label)
    if PriceCategoryLabel.objects.filter(venue=venue, label=text).exists():
        raise PriceCategoryLabelAlreadyExists()
    try:
        with transaction.atomic():
            created = PriceCategoryLabel.objects.create(venue=venue, label=text)
    except IntegrityError:
        raise PriceCategoryLabelAlreadyExists() from None
    log_action("price_category_label.created", actor=actor, target=created, data={"venue_id": venue.pk})
    return created


@transaction.atomic
def rename_label(label: PriceCategoryLabel, new_label: str, *, actor=None) -> PriceCategoryLabel:
    """Renames a venue's label: every offer's category using it reads the new name (bookings made before
    keep the name they were made with)."""
    check_can_act_for_offerer(actor, label.venue.offerer_id)
    text = clean_label(new_label)
    if text == label.label:
        return label
    if PriceCategoryLabel.objects.filter(venue_id=label.venue_id, label=text).exclude(pk=label.pk).exists():
        raise PriceCategoryLabelAlreadyExists()
    old = label.label
    try:
        with transaction.atomic():
            PriceCategoryLabel.objects.filter(pk=label.pk).update(label=text)
    except IntegrityError:
        raise PriceCategoryLabelAlreadyExists() from None
    label.label = text
    log_action("price_category_label.renamed", actor=actor, target=label, data={"from": old, "to": text})
    return label


@transaction.atomic
def delete_label(label: PriceCategoryLabel, *, actor=None) -> None:
    """Refused while an offer's category uses it."""
    check_can_act_for_offerer(actor, label.venue.offerer_id)
    if PriceCategory.objects.filter(label=label).exists():
        raise PriceCategoryLabelInUse()
    log_action("price_category_label.deleted", actor=actor, target=label, data={"label": label.label})
    PriceCategoryLabel.objects.filter(pk=label.pk).delete()


# --- An offer's categories ------------------------------------------------------------------------


def _check_unique(offer_id: int, *, label_id: int | None, id_at_provider: str, exclude: int | None) -> None:
    others = PriceCategory.objects.filter(offer_id=offer_id)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if label_id is not None and others.filter(label_id=label_id).exists():
        raise PriceCategoryAlreadyExists()
    if id_at_provider and others.filter(id_at_provider=id_at_provider).exists():
        raise PriceCategoryIdAtProviderTaken()


def _integrity_error_to_domain(offer_id: int, label_id: int, id_at_provider: str, exclude: int | None):
    """A concurrent write won the unique constraint: say which one, as a domain error."""
    try:
        _check_unique(offer_id, label_id=label_id, id_at_provider=id_at_provider, exclude=exclude)
    except (PriceCategoryAlreadyExists, PriceCategoryIdAtProviderTaken) as error:
        return error
    return PriceCategoryAlreadyExists()


@transaction.atomic
def create_price_category(
    offer: Offer,
    *,
    label: str,
    price_cents: int,
    id_at_provider: str = "",
    origin: str = PriceCategoryOrigin.MANUAL,
    actor=None,
) -> PriceCategory:
    """A new price of an event offer: the venue's label `label` (created when missing) at `price_cents`
    (0 to MAX_PRICE_CENTS). One category per label and per id at the provider on an offer."""
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    if not offer.is_event:
        raise PriceCategoriesForEventsOnly()
    check_price(price_cents)
    id_at_provider = clean_id_at_provider(id_at_provider)
    label_row = get_or_create_label(offer.venue, label)
    _check_unique(offer.pk, label_id=label_row.pk, id_at_provider=id_at_provider, exclude=None)
    try:
        with transaction.atomic():
            category = PriceCategory.objects.create(
                offer=offer,
                label=label_row,
                price_cents=price_cents,
                origin=origin,
                id_at_provider=id_at_provider,
            )
    except IntegrityError:
        raise _integrity_error_to_domain(offer.pk, label_row.pk, id_at_provider, None) from None
    log_action(
        "price_category.created",
        actor=actor,
        target=category,
        data={"offer_id": offer.pk, "label": label_row.label, "price_cents": price_cents},
    )
    return category


@transaction.atomic
def update_price_category(
    category: PriceCategory,
    *,
    label: str | None = None,
    price_cents: int | None = None,
    id_at_provider: str | None = None,
    actor=None,
    at: dt.datetime | None = None,
) -> PriceCategory:
    """Changes what is given. A new price is copied onto every showtime of the category that has not
    started yet (one UPDATE); started ones and bookings keep theirs (bookings copied their price)."""
    category = lock(PriceCategory.objects.select_related("offer__venue", "label")).get(pk=category.pk)
    offer = category.offer
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    changes: dict[str, object] = {}
    if price_cents is not None:
        check_price(price_cents)
    new_label = None
    if label is not None:
        new_label = get_or_create_label(offer.venue, label)
        if new_label.pk != category.label_id:
            changes["label"] = new_label.label
    new_id = clean_id_at_provider(id_at_provider) if id_at_provider is not None else None
    if new_id is not None and new_id != category.id_at_provider:
        changes["id_at_provider"] = new_id
    _check_unique(
        offer.pk,
        label_id=new_label.pk if new_label is not None else None,
        id_at_provider=new_id or "",
        exclude=category.pk,
    )
    if new_label is not None:
        category.label = new_label
    if new_id is not None:
        category.id_at_provider = new_id
    repriced = 0
    if price_cents is not None and price_cents != category.price_cents:
        changes["price_cents"] = price_cents
        category.price_cents = price_cents
        repriced = Stock.objects.filter(
            price_category=category, is_deleted=False, beginning_datetime__gt=at or utcnow()
        ).update(price_cents=price_cents)
    if not changes:
        return category
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise _integrity_error_to_domain(
            offer.pk, category.label_id, category.id_at_provider, category.pk
        ) from None
    log_action(
        "price_category.updated",
        actor=actor,
        target=category,
        data={**changes, "repriced_stocks": repriced},
    )
    return category


@transaction.atomic
def delete_price_category(category: PriceCategory, *, actor=None) -> None:
    """Refused while a showtime (not deleted) uses it. Deleted showtimes keep their price and lose the
    link; the bookings made with it keep their label."""
    locked = lock(PriceCategory.objects.select_related("offer__venue")).filter(pk=category.pk).first()
    if locked is None:
        raise PriceCategoryNotFound()
    category = locked
    check_can_act_for_offerer(actor, category.offer.venue.offerer_id)
    if Stock.objects.filter(price_category=category, is_deleted=False).exists():
        raise PriceCategoryInUse()
    Stock.objects.filter(price_category=category).update(price_category=None)
    log_action(
        "price_category.deleted",
        actor=actor,
        target=category,
        data={"offer_id": category.offer_id, "price_cents": category.price_cents},
    )
    PriceCategory.objects.filter(pk=category.pk).delete()
