"""Offers and stocks: publish, edit, deactivate, delete (a deleted showtime cancels its bookings)."""

import datetime as dt

from django.db import transaction

from passculture.core.bookings import services as booking_services
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.validation import check_can_act_for_offerer

from .constants import STOCK_DELETION_DELAY_HOURS, Category
from .exceptions import OfferNotFound, QuantityBelowBookings, StockDeletionTooLate, StockNotFound
from .models import Offer, Stock
from .validation import check_stock_fields


@transaction.atomic
def create_offer(*, venue, name: str, category: str = Category.SHOWTIME, actor=None, **fields) -> Offer:
    check_can_act_for_offerer(actor, venue.offerer_id)
    offer = Offer.objects.create(venue=venue, name=name.strip(), category=category, **fields)
    log_action("offer.created", actor=actor, target=offer, data={"venue_id": venue.pk})
    return offer


@transaction.atomic
def set_offer_active(offer: Offer, active: bool, *, actor=None) -> Offer:
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    Offer.objects.filter(pk=offer.pk).update(is_active=active)
    offer.is_active = active
    log_action("offer.activated" if active else "offer.deactivated", actor=actor, target=offer)
    return offer


@transaction.atomic
def create_stock(
    *,
    offer: Offer,
    price_cents: int,
    quantity: int | None = None,
    beginning: dt.datetime | None = None,
    booking_limit: dt.datetime | None = None,
    version: str = "",
    actor=None,
) -> Stock:
    check_can_act_for_offerer(actor, offer.venue.offerer_id)
    if offer.is_event and booking_limit is None:
        booking_limit = beginning
    check_stock_fields(
        offer, price_cents=price_cents, quantity=quantity, beginning=beginning, booking_limit=booking_limit
    )
    stock = Stock.objects.create(
        offer=offer,
        price_cents=price_cents,
        quantity=quantity,
        beginning_datetime=beginning if offer.is_event else None,
        booking_limit_datetime=booking_limit,
        version=version,
    )
    log_action("stock.created", actor=actor, target=stock, data={"offer_id": offer.pk})
    return stock


@transaction.atomic
def update_stock(stock_id: int, *, actor=None, **changes) -> Stock:
    stock = lock(Stock.objects.select_related("offer__venue")).filter(pk=stock_id, is_deleted=False).first()
    if stock is None:
        raise StockNotFound()
    check_can_act_for_offerer(actor, stock.offer.venue.offerer_id)
    price = changes.get("price_cents", stock.price_cents)
    quantity = changes.get("quantity", stock.quantity)
    beginning = changes.get("beginning", stock.beginning_datetime)
    limit = changes.get("booking_limit", stock.booking_limit_datetime)
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
    moved = beginning != stock.beginning_datetime
    stock.price_cents, stock.quantity = price, quantity
    stock.beginning_datetime, stock.booking_limit_datetime = beginning, limit
    stock.version = changes.get("version", stock.version)
    stock.save()
    if moved:
        booking_services.recompute_cancellation_limits(stock)
    log_action("stock.updated", actor=actor, target=stock, data={k: str(v) for k, v in changes.items()})
    return stock


@transaction.atomic
def delete_stock(stock_id: int, *, actor=None, at: dt.datetime | None = None) -> int:
    """Soft-deletes a stock and cancels its unused bookings (reason OFFERER). Returns how many."""
    at = at or utcnow()
    stock = lock(Stock.objects.select_related("offer__venue")).filter(pk=stock_id, is_deleted=False).first()
    if stock is None:
        raise StockNotFound()
    check_can_act_for_offerer(actor, stock.offer.venue.offerer_id)
    if stock.beginning_datetime is not None and at > stock.beginning_datetime + dt.timedelta(
        hours=STOCK_DELETION_DELAY_HOURS
    ):
        raise StockDeletionTooLate()
    Stock.objects.filter(pk=stock.pk).update(is_deleted=True)
    cancelled = booking_services.cancel_bookings_of_deleted_stock(stock, actor=actor, at=at)
    log_action("stock.deleted", actor=actor, target=stock, data={"cancelled_bookings": cancelled})
    return cancelled


def get_offer_or_raise(offer_id: int) -> Offer:
    offer = Offer.objects.select_related("venue__offerer").filter(pk=offer_id).first()
    if offer is None:
        raise OfferNotFound()
    return offer
