import datetime as dt

from django.db.models import Min, Prefetch, Q, QuerySet

from passculture.core.offerers.constants import ValidationStatus

from .models import Offer, Stock


def open_stock_filter(at: dt.datetime, prefix: str = "") -> Q:
    """Stocks still open for booking at `at` (places are checked at booking time)."""
    p = prefix
    return (
        Q(**{f"{p}is_deleted": False})
        & (Q(**{f"{p}beginning_datetime__isnull": True}) | Q(**{f"{p}beginning_datetime__gt": at}))
        & (Q(**{f"{p}booking_limit_datetime__isnull": True}) | Q(**{f"{p}booking_limit_datetime__gt": at}))
    )


def visible_offers(at: dt.datetime) -> QuerySet[Offer]:
    """Active offers of validated venues/offerers that still have a stock open for booking."""
    return Offer.objects.filter(
        is_active=True,
        venue__validation_status=ValidationStatus.VALIDATED,
        venue__offerer__validation_status=ValidationStatus.VALIDATED,
        pk__in=Stock.objects.filter(open_stock_filter(at)).values("offer_id"),
    )


def upcoming_offers(at: dt.datetime, limit: int = 50) -> list[Offer]:
    open_stocks = Stock.objects.filter(open_stock_filter(at)).order_by("beginning_datetime", "id")
    return list(
        visible_offers(at)
        .select_related("venue")
        .annotate(next_start=Min("stocks__beginning_datetime", filter=open_stock_filter(at, "stocks__")))
        .prefetch_related(Prefetch("stocks", queryset=open_stocks, to_attr="open_stocks"))
        .order_by("next_start", "name", "id")[:limit]
    )


def get_offer(offer_id: int) -> Offer | None:
    return Offer.objects.select_related("venue__offerer").filter(pk=offer_id).first()


def get_public_offer(offer_id: int) -> Offer | None:
    """An offer beneficiaries may see: active, of a validated venue and offerer (open stocks or not)."""
    return (
        Offer.objects.select_related("venue__offerer")
        .filter(
            pk=offer_id,
            is_active=True,
            venue__validation_status=ValidationStatus.VALIDATED,
            venue__offerer__validation_status=ValidationStatus.VALIDATED,
        )
        .first()
    )


def stocks_of_offer(offer: Offer) -> QuerySet[Stock]:
    return offer.stocks.filter(is_deleted=False).order_by("beginning_datetime", "id")
