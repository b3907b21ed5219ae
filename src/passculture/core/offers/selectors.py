import datetime as dt

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet

from passculture.core.bookings.constants import BookingStatus
from passculture.core.common.periods import utc_bounds
from passculture.core.common.time import to_local
from passculture.core.offerers.selectors import public_venue_filter

from .models import Offer, Stock


def open_stock_filter(at: dt.datetime, prefix: str = "") -> Q:
    """Stocks still open for booking at `at` (places are checked at booking time)."""
    p = prefix
    return (
        Q(**{f"{p}is_deleted": False})
        & (Q(**{f"{p}beginning_datetime__isnull": True}) | Q(**{f"{p}beginning_datetime__gt": at}))
        & (Q(**{f"{p}booking_limit_datetime__isnull": True}) | Q(**{f"{p}booking_limit_datetime__gt": at}))
    )


def bookable_stock_filter(at: dt.datetime, prefix: str = "") -> Q:
    """Open stocks (open_stock_filter) that still have a place left: what a search may offer to book."""
    p = prefix
    return open_stock_filter(at, prefix) & (
        Q(**{f"{p}quantity__isnull": True}) | Q(**{f"{p}booked_quantity__lt": F(f"{p}quantity")})
    )


def active_offer_filter(prefix: str = "") -> Q:
    """The offer's own part of public_offer_filter (the venue's part: offerers.public_venue_filter)."""
    return Q(**{f"{prefix}is_active": True})


def public_offer_filter(prefix: str = "") -> Q:
    """Offers beneficiaries may see: active, of a validated venue of a validated offerer."""
    return active_offer_filter(prefix) & public_venue_filter(f"{prefix}venue__")


def visible_offers(at: dt.datetime) -> QuerySet[Offer]:
    """Active offers of validated venues/offerers that still have a stock open for booking."""
    return Offer.objects.filter(
        public_offer_filter(),
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


def get_public_offer(offer_id: int) -> Offer | None:
    """An offer beneficiaries may see: active, of a validated venue and offerer (open stocks or not)."""
    return Offer.objects.select_related("venue__offerer").filter(public_offer_filter(), pk=offer_id).first()


def stocks_of_offer(offer: Offer) -> QuerySet[Stock]:
    return offer.stocks.filter(is_deleted=False).order_by("beginning_datetime", "id")


def offers_of_offerers(offerer_ids) -> QuerySet[Offer]:
    return Offer.objects.filter(venue__offerer_id__in=list(offerer_ids)).order_by("name", "id")


def has_published_offer(offerer_ids) -> bool:
    """Whether these offerers have published an offer (a draft is not one: nobody can see or book it)."""
    return Offer.objects.filter(venue__offerer_id__in=list(offerer_ids), is_draft=False).exists()


def showtimes_of_offerers_from(offerer_ids, at: dt.datetime, days: int, limit: int = 200) -> list[Stock]:
    """Showtimes (not deleted) of these offerers from each venue's own today (the local date at `at`)
    to `days` days later, in start order, with offer and venue joined in (one query plus the timezones).

    At 21:00 UTC it is already tomorrow in La Réunion and still today in Guadeloupe: each timezone gets
    its own window, so that a venue's "today" is never Paris's."""
    offerer_ids = list(offerer_ids)
    timezones = (
        Offer.objects.filter(venue__offerer_id__in=offerer_ids)
        .order_by()
        .values_list("venue__timezone", flat=True)
        .distinct()
    )
    windows = Q(pk__in=[])  # no venue: nothing can match
    for tz_name in sorted(set(timezones)):
        today = to_local(at, tz_name).date()
        start, end = utc_bounds(today, today + dt.timedelta(days=days), tz_name)
        windows |= Q(
            offer__venue__timezone=tz_name, beginning_datetime__gte=start, beginning_datetime__lt=end
        )
    return list(
        # A draft's showtimes are not on the programme yet.
        Stock.objects.filter(
            windows, offer__venue__offerer_id__in=offerer_ids, offer__is_draft=False, is_deleted=False
        )
        .select_related("offer__venue")
        .order_by("beginning_datetime", "id")[:limit]
    )


def cancellable_bookings_count(stock: Stock) -> int:
    """Bookings that deleting the stock would cancel (used ones stay)."""
    return stock.bookings.filter(status=BookingStatus.CONFIRMED).count()


def offers_of_offerer(
    offerer_id: int,
    *,
    at: dt.datetime,
    venue_id: int | None = None,
    active: bool | None = None,
    draft: bool | None = None,
    query: str = "",
) -> QuerySet[Offer]:
    """The pro's offer list: newest first, with the count and first start of upcoming showtimes.
    `active=False` means deactivated: a draft (never active) is neither, `draft=True` lists them."""
    offers = Offer.objects.filter(venue__offerer_id=offerer_id).select_related("venue")
    if venue_id is not None:
        offers = offers.filter(venue_id=venue_id)
    if active is not None:
        offers = offers.filter(is_active=active, is_draft=False)
    if draft is not None:
        offers = offers.filter(is_draft=draft)
    if query.strip():
        offers = offers.filter(name__icontains=query.strip())
    upcoming = Q(stocks__is_deleted=False) & (
        Q(stocks__beginning_datetime__isnull=True) | Q(stocks__beginning_datetime__gt=at)
    )
    return offers.annotate(
        upcoming_stock_count=Count("stocks", filter=upcoming),
        next_start=Min("stocks__beginning_datetime", filter=upcoming),
    ).order_by("-created_at", "-id")


def stocks_for_pro(offer: Offer, *, at: dt.datetime, past: bool = False) -> QuerySet[Stock]:
    """The offer's showtimes still to come (or already started when `past`), not deleted."""
    stocks = (
        offer.stocks.filter(is_deleted=False)
        .select_related("price_category__label")
        .annotate(cancellable_bookings=Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED)))
    )
    if not offer.is_event:
        return stocks.order_by("id")
    if past:
        return stocks.filter(beginning_datetime__lte=at).order_by("-beginning_datetime", "-id")
    return stocks.filter(beginning_datetime__gt=at).order_by("beginning_datetime", "id")


def offer_of_offerers(offer_id: int, offerer_ids) -> Offer | None:
    """An offer only if one of these offerers (the pro's own) publishes it: None otherwise."""
    return (
        Offer.objects.select_related("venue__offerer")
        .filter(pk=offer_id, venue__offerer_id__in=list(offerer_ids))
        .first()
    )


def stock_of_offerers(stock_id: int, offerer_ids, *, offer_id: int | None = None) -> Stock | None:
    """A stock (not deleted) only if it belongs to one of these offerers, and to `offer_id` when given
    (so that a URL cannot pair an offer with another offer's stock): None otherwise."""
    stocks = Stock.objects.select_related("offer__venue__offerer").filter(
        pk=stock_id, offer__venue__offerer_id__in=list(offerer_ids), is_deleted=False
    )
    if offer_id is not None:
        stocks = stocks.filter(offer_id=offer_id)
    return stocks.first()


def accepts_new_stock(offer: Offer) -> bool:
    """A film takes any number of showtimes; a card or a subscription has one live stock."""
    return offer.is_event or not offer.stocks.filter(is_deleted=False).exists()
