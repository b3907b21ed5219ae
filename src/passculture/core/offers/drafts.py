"""An offer created step by step (film, details and image, showtimes, price and seats, summary).

The draft is the offer row itself, with `is_draft` set: every step saves into it, so going back and
forth loses nothing, and the pro can leave and resume. A draft is never active (a database constraint
says so), so no search, page or booking of the young people's app ever sees it; `publish_draft` checks
everything at once and makes it active.

The price and seats chosen at step 4 are kept in `extra_data["draft_price"]` and applied to every
showtime of the draft (the showtimes of step 3 are made at that price, or at 0 € until it is chosen).
The image the pro sent is kept whole beside the offer (`extra_data["image_source"]`) while the draft
lives, so that the 2:3 frame can be moved again; it is removed on publication.
"""

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.renditions import after_commit_delete
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.validation import check_can_act_for_offerer

from .constants import UNIQUE_PRICE_LABEL, Category, PosterChoice
from .exceptions import (
    FilmWithoutPoster,
    ImageSourceMissing,
    OfferDraftIncomplete,
    OfferNotDraft,
    PosterChoiceRequired,
    PriceCategoryAlreadyExists,
)
from .images import crop_poster
from .models import Offer, PriceCategory, Stock
from .price_categories import (
    clean_label,
    create_price_category,
    delete_price_category,
    price_categories_of,
    update_price_category,
)
from .scheduling import Schedule, ShowtimePlan
from .services import create_offer, create_showtimes, update_offer
from .validation import check_price, check_quantity

STEPS = (
    (1, "film", "Film"),
    (2, "details", "Détails et image"),
    (3, "showtimes", "Séances"),
    (4, "price", "Prix et places"),
    (5, "summary", "Récapitulatif"),
)
SOURCE_DIRECTORY = "offers/sources/"


# --- Reading a draft ------------------------------------------------------------------------------


def draft_price(offer: Offer) -> dict | None:
    """{"price_cents", "quantity"} chosen at step 4, or None while it is not done."""
    value = (offer.extra_data or {}).get("draft_price")
    return value if isinstance(value, dict) and "price_cents" in value else None


def image_source(offer: Offer) -> str:
    return (offer.extra_data or {}).get("image_source", "") or ""


def poster_problem(offer: Offer) -> DomainError | None:
    """Why the poster choice of the offer is not usable yet (None: it is)."""
    if offer.poster_choice == PosterChoice.UPLOAD and offer.image:
        return None
    if offer.poster_choice == PosterChoice.NONE:
        return None
    if offer.poster_choice == PosterChoice.FILM:
        if offer.film is not None and offer.film.poster:
            return None
        return FilmWithoutPoster()
    return PosterChoiceRequired()


def upcoming_showtimes(offer: Offer, at: dt.datetime):
    return offer.stocks.filter(is_deleted=False, beginning_datetime__gt=at).order_by(
        "beginning_datetime", "id"
    )


def draft_missing(offer: Offer, *, at: dt.datetime | None = None) -> list[tuple[int, str]]:
    """What publishing still needs, as (step, French sentence), in step order."""
    at = at or utcnow()
    missing = []
    if not (offer.name or "").strip():
        missing.append((1, "Choisissez le film ou indiquez son titre."))
    problem = poster_problem(offer)
    if problem is not None:
        missing.append((2, problem.message))
    if not upcoming_showtimes(offer, at).exists():
        missing.append((3, "Ajoutez au moins une séance à venir."))
    if draft_price(offer) is None:
        missing.append((4, "Indiquez le prix et le nombre de places."))
    return missing


def first_incomplete_step(offer: Offer, *, at: dt.datetime | None = None) -> int:
    """Where « Reprendre » leads: the first step with something missing, else the summary."""
    missing = draft_missing(offer, at=at)
    return missing[0][0] if missing else 5


# --- Steps -----------------------------------------------------------------------------------------


@transaction.atomic
def start_draft(*, venue, actor, film_id: int | None = None, new_film: dict | None = None) -> Offer:
    """Step 1 on a new offer: a film showing in `venue`, of a film already known (`film_id`) or of one the
    pro types (`new_film`, as films.services.create_film): the film's title, duration and synopsis fill
    the offer."""
    return create_offer(
        venue=venue,
        category=Category.SHOWTIME,
        actor=actor,
        film_id=film_id,
        new_film=new_film,
        is_draft=True,
        is_active=False,
    )


@transaction.atomic
def choose_draft_film(
    offer: Offer, *, actor, film_id: int | None = None, new_film: dict | None = None
) -> Offer:
    """Step 1 again: another film, whose title (and duration, synopsis) replace the offer's."""
    offer = _locked_draft(offer, actor)
    updated = update_offer(offer, actor=actor, film_id=film_id, new_film=new_film)
    film = updated.film
    if film is not None:
        changes: dict[str, Any] = {"name": film.title}
        if film.synopsis:
            changes["description"] = film.synopsis
        if film.duration_minutes:
            changes["duration_minutes"] = film.duration_minutes
        updated = update_offer(updated, actor=actor, **changes)
    if updated.poster_choice == PosterChoice.FILM and poster_problem(updated) is not None:
        Offer.objects.filter(pk=updated.pk).update(poster_choice="")
        updated.poster_choice = ""
    return updated


@transaction.atomic
def save_draft_details(offer: Offer, *, actor, poster_choice: str = "", **fields) -> Offer:
    """Step 2: the offer's fields (as update_offer) and the poster choice. Choosing the film's poster or
    none drops the image the pro sent; their own image needs one sent (`set_draft_image`)."""
    offer = _locked_draft(offer, actor)
    offer = update_offer(offer, actor=actor, **fields)
    if poster_choice:
        if poster_choice not in PosterChoice.values:
            raise PosterChoiceRequired()
        if poster_choice == PosterChoice.FILM and not (offer.film is not None and offer.film.poster):
            raise FilmWithoutPoster()
        if poster_choice == PosterChoice.UPLOAD and not offer.image:
            raise PosterChoiceRequired("Envoyez une image, ou choisissez une autre option.")
        if poster_choice != PosterChoice.UPLOAD and offer.image:
            offer = update_offer(offer, actor=actor, remove_image=True)
            _drop_source(offer)
        offer.poster_choice = poster_choice
        offer.save(update_fields=["poster_choice", "extra_data", "updated_at"])
    return offer


@transaction.atomic
def set_draft_image(offer: Offer, source: File, *, actor, position: int = 50) -> Offer:
    """Step 2, an image sent: `source` comes from images.prepare_offer_source (checked, re-encoded). It
    is kept whole to be framed again, and the offer's image is its 2:3 frame at `position`."""
    offer = _locked_draft(offer, actor)
    source.seek(0)
    content = source.read()
    poster = crop_poster(content, position)  # refuses a frame too small before anything is stored
    source_name = default_storage.save(f"{SOURCE_DIRECTORY}{source.name}", source)
    old_source = image_source(offer)
    offer = update_offer(offer, actor=actor, image_file=poster)
    offer.poster_choice = PosterChoice.UPLOAD
    with Image.open(io.BytesIO(content)) as picture:
        width, height = picture.size
    offer.extra_data = {
        **offer.extra_data,
        "image_source": source_name,
        "image_position": position,
        # The frame moves left to right in an image wider than a poster, top to bottom otherwise.
        "image_wide": width * 3 > height * 2,
    }
    offer.save(update_fields=["poster_choice", "extra_data", "updated_at"])
    if old_source:
        after_commit_delete(default_storage, [old_source])
    return offer


@transaction.atomic
def reframe_draft_image(offer: Offer, *, actor, position: int) -> Offer:
    """Step 2, the frame moved: the poster is cut again from the image sent, at `position`."""
    offer = _locked_draft(offer, actor)
    name = image_source(offer)
    if not name or not default_storage.exists(name):
        raise ImageSourceMissing()
    with default_storage.open(name, "rb") as handle:
        poster = crop_poster(handle.read(), position)
    offer = update_offer(offer, actor=actor, image_file=poster)
    offer.poster_choice = PosterChoice.UPLOAD
    offer.extra_data = {**offer.extra_data, "image_position": position}
    offer.save(update_fields=["poster_choice", "extra_data", "updated_at"])
    return offer


@transaction.atomic
def add_draft_showtimes(offer: Offer, schedule: Schedule, *, actor) -> tuple[list[Stock], ShowtimePlan]:
    """Step 3: the schedule's showtimes, at the price and seats of step 4 once chosen (0 € before)."""
    offer = _locked_draft(offer, actor)
    price = draft_price(offer) or {"price_cents": 0, "quantity": None}
    schedule = dataclasses.replace(schedule, price_cents=price["price_cents"], quantity=price["quantity"])
    categories = price_categories_of(offer) if price.get("categories") else []
    return create_showtimes(offer, schedule, price_categories=categories, actor=actor)


@transaction.atomic
def clear_draft_showtimes(offer: Offer, *, actor) -> int:
    """Step 3, « Retirer toutes les séances »: a draft has no booking, its showtimes simply go."""
    offer = _locked_draft(offer, actor)
    count, _ = Stock.objects.filter(offer=offer).delete()
    log_action("stock.draft_cleared", actor=actor, target=offer, data={"count": count})
    return count


@transaction.atomic
def set_draft_price(
    offer: Offer,
    *,
    actor,
    price_cents: int,
    quantity: int | None,
    is_duo: bool,
    label: str = "",
    other_prices: Sequence[tuple[str, int]] = (),
) -> Offer:
    """Step 4: the price and number of seats of every showtime of the draft, and the duo choice.

    One price without `label`: each showtime has that price (no category). A `label`, or
    `other_prices` ((label, price) pairs): the offer's categories are exactly these (decision 0027), and
    each start of the draft becomes one showtime per category, each with `quantity` seats."""
    offer = _locked_draft(offer, actor)
    check_price(price_cents)
    check_quantity(quantity)
    wanted: list[tuple[str, int]] = []
    if label or other_prices:
        wanted = [(clean_label(label or UNIQUE_PRICE_LABEL), price_cents)]
        for other_label, other_price in other_prices:
            check_price(other_price)
            wanted.append((clean_label(other_label), other_price))
        if len({text for text, _price in wanted}) < len(wanted):
            raise PriceCategoryAlreadyExists(
                "Deux tarifs ont le même libellé : donnez-leur des noms différents."
            )
    _apply_draft_prices(offer, wanted, price_cents=price_cents, quantity=quantity, actor=actor)
    offer = update_offer(offer, actor=actor, is_duo=is_duo)
    price: dict[str, Any] = {"price_cents": price_cents, "quantity": quantity}
    if wanted:
        price["categories"] = [[text, cents] for text, cents in wanted]
    offer.extra_data = {**offer.extra_data, "draft_price": price}
    offer.save(update_fields=["extra_data", "updated_at"])
    return offer


def _apply_draft_prices(
    offer: Offer, wanted: list[tuple[str, int]], *, price_cents: int, quantity: int | None, actor
) -> None:
    """The draft's categories made exactly `wanted`, and its showtimes one per start and category (a draft
    has no booking: its showtimes are simply made again)."""
    stocks = Stock.objects.filter(offer=offer, is_deleted=False)
    if not wanted and not PriceCategory.objects.filter(offer=offer).exists():
        stocks.update(price_cents=price_cents, quantity=quantity)
        return
    starts = list(
        stocks.order_by("beginning_datetime", "version")
        .values_list("beginning_datetime", "version", "booking_limit_datetime")
        .distinct()
    )
    Stock.objects.filter(offer=offer).delete()
    existing = {category.label.label: category for category in price_categories_of(offer)}
    categories: list[PriceCategory | None] = []
    for text, cents in wanted:
        category = existing.pop(text, None)
        if category is None:
            category = create_price_category(offer, label=text, price_cents=cents, actor=actor)
        elif category.price_cents != cents:
            category = update_price_category(category, price_cents=cents, actor=actor)
        categories.append(category)
    for unwanted in existing.values():
        delete_price_category(unwanted, actor=actor)
    Stock.objects.bulk_create(
        Stock(
            offer=offer,
            price_category=category,
            price_cents=category.price_cents if category is not None else price_cents,
            quantity=quantity,
            beginning_datetime=start,
            booking_limit_datetime=limit,
            version=version,
        )
        for start, version, limit in starts
        for category in (categories or [None])
    )


@transaction.atomic
def publish_draft(offer: Offer, *, actor, at: dt.datetime | None = None) -> Offer:
    """Step 5: checks every step at once (the first missing one is named) and makes the offer visible."""
    offer = _locked_draft(offer, actor)
    missing = draft_missing(offer, at=at)
    if missing:
        raise OfferDraftIncomplete(
            "L'offre ne peut pas encore être publiée : " + " ".join(text for _, text in missing),
            missing=missing,
        )
    _drop_source(offer)
    offer.is_draft, offer.is_active = False, True
    offer.save(update_fields=["is_draft", "is_active", "extra_data", "updated_at"])
    log_action("offer.published", actor=actor, target=offer)
    return offer


def _drop_source(offer: Offer) -> None:
    name = image_source(offer)
    if name:
        after_commit_delete(default_storage, [name])
    offer.extra_data = {
        k: v
        for k, v in (offer.extra_data or {}).items()
        if k not in ("image_source", "image_position", "image_wide")
    }


def _locked_draft(offer: Offer, actor) -> Offer:
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    locked = lock(Offer.objects.select_related("venue", "film")).get(pk=offer.pk)
    if not locked.is_draft:
        raise OfferNotDraft()
    return locked
