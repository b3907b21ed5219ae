"""A key of provider A reaches nothing of provider B's venues, on every route: 404 as for what does not
exist (decision 28), nothing changed, nothing of B's in the answer."""

import pytest
from django.utils import timezone

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers import price_categories
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import Offer, PriceCategory, Stock
from passculture.core.users.factories import UserFactory
from passculture.interfaces.api.public.v1.api import bookings_api, offers_api

from .conftest import BOOKINGS, OFFERS, in_days, programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_venue, film):
    """Provider B's venue with an offer, a category, a showtime and a booking."""
    stock = StockFactory(
        offer__venue=other_venue, beginning_datetime=timezone.now() + timezone.timedelta(hours=2)
    )
    category = price_categories.create_price_category(stock.offer, label="Plein tarif", price_cents=800)
    Stock.objects.filter(pk=stock.pk).update(price_category=category)
    user = UserFactory()
    DepositFactory(user=user)
    booking = book_offer(user, stock.pk)
    return {
        "venue": other_venue,
        "offer": stock.offer,
        "category": category,
        "stock": stock,
        "booking": booking,
    }


def date_body(category_id: int) -> dict:
    return {"dates": [{"beginningDatetime": in_days(3).isoformat(), "priceCategoryId": category_id}]}


# (method, path template, body, expected code). Templates are filled with B's ids.
ROUTES = [
    (
        "POST",
        OFFERS + "/events",
        lambda t: {"location": {"venueId": t["venue"].pk}, "name": "x"},
        "VENUE_NOT_FOUND",
    ),
    ("GET", OFFERS + "/events?venueId={venue}", None, "VENUE_NOT_FOUND"),
    ("GET", OFFERS + "/events/{offer}", None, "EVENT_NOT_FOUND"),
    ("PATCH", OFFERS + "/events/{offer}", lambda t: {"name": "volé"}, "EVENT_NOT_FOUND"),
    (
        "POST",
        OFFERS + "/events/{offer}/price_categories",
        lambda t: {"priceCategories": [{"label": "x", "price": 1}]},
        "EVENT_NOT_FOUND",
    ),
    ("GET", OFFERS + "/events/{offer}/price_categories", None, "EVENT_NOT_FOUND"),
    (
        "PATCH",
        OFFERS + "/events/{offer}/price_categories/{category}",
        lambda t: {"price": 1},
        "EVENT_NOT_FOUND",
    ),
    ("POST", OFFERS + "/events/{offer}/dates", lambda t: date_body(t["category"].pk), "EVENT_NOT_FOUND"),
    ("GET", OFFERS + "/events/{offer}/dates", None, "EVENT_NOT_FOUND"),
    ("PATCH", OFFERS + "/events/{offer}/dates/{stock}", lambda t: {"quantity": 1}, "EVENT_NOT_FOUND"),
    ("DELETE", OFFERS + "/events/{offer}/dates/{stock}", None, "EVENT_NOT_FOUND"),
    (
        "PUT",
        OFFERS + "/events/cinema_sessions",
        lambda t: {"venueId": t["venue"].pk, "offers": [programme()]},
        "VENUE_NOT_FOUND",
    ),
    ("GET", BOOKINGS + "/bookings?offerId={offer}", None, None),
    ("GET", BOOKINGS + "/token/{token}", None, "COUNTERMARK_NOT_FOUND"),
    ("PATCH", BOOKINGS + "/use/token/{token}", None, "COUNTERMARK_NOT_FOUND"),
    ("PATCH", BOOKINGS + "/keep/token/{token}", None, "COUNTERMARK_NOT_FOUND"),
    ("PATCH", BOOKINGS + "/cancel/token/{token}", None, "COUNTERMARK_NOT_FOUND"),
]


def _fill(template: str, t: dict) -> str:
    return template.format(
        venue=t["venue"].pk,
        offer=t["offer"].pk,
        category=t["category"].pk,
        stock=t["stock"].pk,
        token=t["booking"].token,
    )


def _state(t: dict):
    return (
        list(Offer.objects.filter(venue=t["venue"]).values()),
        list(PriceCategory.objects.filter(offer__venue=t["venue"]).values()),
        list(Stock.objects.filter(offer__venue=t["venue"]).values()),
        list(Booking.objects.filter(venue=t["venue"]).values()),
    )


def test_every_route_is_in_the_list():
    documented = {
        (method.upper(), path)
        for api, prefix in ((offers_api, OFFERS), (bookings_api, BOOKINGS))
        for path, methods in api.get_openapi_schema(path_prefix=prefix)["paths"].items()
        for method in methods
    }
    listed = {
        (
            method,
            template.split("?")[0]
            .replace("{category}", "{price_category_id}")
            .replace("{stock}", "{stock_id}")
            .replace("{offer}", "{event_id}"),
        )
        for method, template, _body, _code in ROUTES
    }
    assert listed == documented


@pytest.mark.parametrize(
    ("method", "template", "body", "code"), ROUTES, ids=[f"{m} {p}" for m, p, _b, _c in ROUTES]
)
def test_a_key_of_provider_a_reaches_nothing_of_provider_b(api, theirs, method, template, body, code):
    before = _state(theirs)
    url = _fill(template, theirs)
    path, _, query = url.partition("?")
    payload = body(theirs) if body is not None else None
    if query:
        name, _, value = query.partition("=")
        response = api.get(path, **{name: value})
    else:
        response = api.request(method, path, payload)

    if code is None:  # a list: B's bookings are simply not in it
        assert response.status_code == 200
        assert response.json()["bookings"] == []
    else:
        assert (response.status_code, response.json()["code"]) == (404, code), response.content
        assert str(theirs["booking"].user.email) not in response.content.decode()
    assert _state(theirs) == before


def test_b_s_category_and_showtime_are_not_found_under_a_s_own_event(api, venue, theirs):
    mine = StockFactory(offer__venue=venue)
    category = f"{OFFERS}/events/{mine.offer_id}/price_categories/{theirs['category'].pk}"
    date = f"{OFFERS}/events/{mine.offer_id}/dates/{theirs['stock'].pk}"
    assert api.patch(category, {"price": 1}).json()["code"] == "PRICE_CATEGORY_NOT_FOUND"
    assert api.patch(date, {"quantity": 1}).json()["code"] == "DATE_NOT_FOUND"
    assert api.delete(date).json()["code"] == "DATE_NOT_FOUND"
    dates = {
        "dates": [{"beginningDatetime": in_days(3).isoformat(), "priceCategoryId": theirs["category"].pk}]
    }
    assert (
        api.post(f"{OFFERS}/events/{mine.offer_id}/dates", dates).json()["code"] == "PRICE_CATEGORY_NOT_FOUND"
    )


def test_a_venue_of_the_same_offerer_not_linked_is_out_of_reach(api, venue):
    from passculture.core.offerers.factories import VenueFactory

    sibling = VenueFactory(offerer=venue.offerer)
    stock = StockFactory(
        offer__venue=sibling, beginning_datetime=timezone.now() + timezone.timedelta(hours=2)
    )
    user = UserFactory()
    DepositFactory(user=user)
    booking = book_offer(user, stock.pk)
    assert api.get(f"{OFFERS}/events/{stock.offer_id}").status_code == 404
    assert api.get(f"{BOOKINGS}/token/{booking.token}").json()["code"] == "COUNTERMARK_NOT_FOUND"
