"""An offer and its stocks (showtimes), public like the real service's."""

from django.http import HttpRequest
from ninja import Router

from passculture.core.common.time import now as utcnow
from passculture.core.offers.exceptions import OfferNotFound
from passculture.core.offers.selectors import get_public_offer, stocks_of_offer
from passculture.core.offers.validation import is_bookable

from .schemas import ErrorOut, OfferOut

router = Router(tags=["Offres"])


def image_url(request: HttpRequest, offer) -> str | None:
    return request.build_absolute_uri(offer.image.url) if offer.image else None


def _coordinate(value) -> float | None:
    return float(value) if value is not None else None


@router.get(
    "/offers/{offer_id}",
    auth=None,
    response={200: OfferOut, 404: ErrorOut},
    by_alias=True,
    summary="Une offre et ses séances",
    description="Séances non supprimées, passées comprises ; `isBookable` dit si l'on peut réserver.",
)
def get_offer(request: HttpRequest, offer_id: int):
    offer = get_public_offer(offer_id)
    if offer is None:
        raise OfferNotFound()
    at = utcnow()
    venue = offer.venue
    return {
        "id": offer.pk,
        "name": offer.name,
        "description": offer.description,
        "category": offer.category,
        "duration_minutes": offer.duration_minutes,
        "languages": offer.languages,
        "is_duo": offer.is_duo,
        "is_digital": offer.is_digital,
        "is_event": offer.is_event,
        "image_url": image_url(request, offer),
        "venue": {
            "id": venue.pk,
            "name": venue.display_name,
            "address": venue.address,
            "postal_code": venue.postal_code,
            "city": venue.city,
            "latitude": _coordinate(venue.latitude),
            "longitude": _coordinate(venue.longitude),
            "timezone": venue.timezone,
        },
        "stocks": [
            {
                "id": stock.pk,
                "beginning_datetime": stock.beginning_datetime,
                "booking_limit_datetime": stock.booking_limit_datetime,
                "price": stock.price_cents,
                "remaining_quantity": stock.remaining_quantity,
                "version": stock.version,
                "is_bookable": is_bookable(stock, at),
            }
            for stock in stocks_of_offer(offer)
        ],
    }
