"""Contract tests of /public/offers/v1: status and error code of every route."""

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import Offer, PriceCategory, Stock
from passculture.core.providers.ticketing import keys

from .conftest import OFFERS, ApiClient, in_days, programme

pytestmark = pytest.mark.django_db


def event_body(venue, **fields):
    return {"location": {"type": "physical", "venueId": venue.pk}, "name": "Le Voyage dans la Lune", **fields}


@pytest.fixture
def event(api, venue):
    return api.post(f"{OFFERS}/events", event_body(venue, idAtProvider="F1")).json()


@pytest.fixture
def categories(api, event):
    body = {"priceCategories": [{"label": "Plein tarif", "price": 750, "idAtProvider": "PT"}]}
    return api.post(f"{OFFERS}/events/{event['id']}/price_categories", body).json()["priceCategories"]


@pytest.fixture
def date(api, event, categories):
    body = {
        "dates": [
            {
                "beginningDatetime": in_days(3).isoformat(),
                "priceCategoryId": categories[0]["id"],
                "quantity": 50,
                "idAtProvider": "D1",
                "features": ["VO"],
            }
        ]
    }
    return api.post(f"{OFFERS}/events/{event['id']}/dates", body).json()["dates"][0]


# --- Events -----------------------------------------------------------------------------------------


def test_post_event_creates_a_showtime_offer_of_a_linked_venue(api, venue, film):
    response = api.post(
        f"{OFFERS}/events",
        event_body(
            venue,
            idAtProvider="F1",
            filmId="allocine_id:1234",
            enableDoubleBookings=True,
            bookingEmail="a@b.fr",
        ),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["location"] == {"type": "physical", "venueId": venue.pk}
    assert body["categoryRelatedFields"] == {"category": "SEANCE_CINE"}
    assert (body["idAtProvider"], body["filmId"], body["enableDoubleBookings"]) == (
        "F1",
        "allocine_id:1234",
        True,
    )
    assert Offer.objects.get(pk=body["id"]).film == film


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"filmId": "allocine_id:999"}, 400, "UNKNOWN_FILM"),
        ({"filmId": "imdb:1"}, 400, "INVALID_FILM_ID"),
        ({"bookingEmail": "pas-un-email"}, 400, "INVALID_EMAIL"),
        ({"name": ""}, 422, "INVALID_INPUT"),
        ({"durationMinutes": 0}, 422, "INVALID_INPUT"),
        ({"idAtProvider": "x" * 71}, 422, "INVALID_INPUT"),
        ({"name": "a\x00b"}, 422, "INVALID_INPUT"),
    ],
)
def test_post_event_refuses_bad_input(api, venue, change, status, code):
    response = api.post(f"{OFFERS}/events", event_body(venue, **change))
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_post_event_refuses_an_id_at_provider_already_used_in_the_venue(api, venue, event):
    response = api.post(f"{OFFERS}/events", event_body(venue, idAtProvider="F1"))
    assert (response.status_code, response.json()["code"]) == (409, "ID_AT_PROVIDER_TAKEN")


def test_an_unknown_venue_is_not_found(api):
    response = api.post(f"{OFFERS}/events", {"location": {"venueId": 10**9}, "name": "x"})
    assert (response.status_code, response.json()["code"]) == (404, "VENUE_NOT_FOUND")


def test_list_events_of_a_venue_by_pages(api, venue):
    offers = [OfferFactory(venue=venue) for _ in range(3)]
    OfferFactory()  # another venue's

    first = api.get(f"{OFFERS}/events", venueId=venue.pk, limit=2)
    assert first.status_code == 200
    ids = [e["id"] for e in first.json()["events"]]
    assert ids == [offers[0].pk, offers[1].pk]
    rest = api.get(f"{OFFERS}/events", venueId=venue.pk, firstIndex=ids[-1] + 1).json()["events"]
    assert [e["id"] for e in rest] == [offers[2].pk]


@pytest.mark.parametrize(
    "query", [{}, {"venueId": 0}, {"venueId": 1, "limit": 51}, {"venueId": 1, "firstIndex": 0}]
)
def test_list_events_refuses_bad_queries(api, query):
    assert (
        api.get(f"{OFFERS}/events", **query).status_code == 422
        if query
        else api.get(f"{OFFERS}/events").status_code == 422
    )


def test_get_and_patch_an_event(api, event):
    assert api.get(f"{OFFERS}/events/{event['id']}").json()["name"] == "Le Voyage dans la Lune"

    response = api.patch(
        f"{OFFERS}/events/{event['id']}", {"name": "Nouveau titre", "isActive": False, "idAtProvider": "F2"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["isActive"], body["idAtProvider"]) == ("Nouveau titre", False, "F2")


def test_an_unknown_event_is_not_found(api):
    response = api.get(f"{OFFERS}/events/999999")
    assert (response.status_code, response.json()["code"]) == (404, "EVENT_NOT_FOUND")


# --- Price categories ------------------------------------------------------------------------------


def test_price_categories_are_created_listed_and_changed(api, event, categories):
    assert categories[0]["label"] == "Plein tarif" and categories[0]["price"] == 750
    listed = api.get(f"{OFFERS}/events/{event['id']}/price_categories").json()["priceCategories"]
    assert [c["idAtProvider"] for c in listed] == ["PT"]

    response = api.patch(
        f"{OFFERS}/events/{event['id']}/price_categories/{categories[0]['id']}", {"price": 800}
    )

    assert response.status_code == 200 and response.json()["price"] == 800


def test_a_new_price_reaches_the_future_dates(api, event, categories, date):
    api.patch(f"{OFFERS}/events/{event['id']}/price_categories/{categories[0]['id']}", {"price": 900})
    assert Stock.objects.get(pk=date["id"]).price_cents == 900


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"priceCategories": [{"label": "Plein tarif", "price": 5}]}, 409, "PRICE_CATEGORY_ALREADY_EXISTS"),
        (
            {"priceCategories": [{"label": "Autre", "price": 5, "idAtProvider": "PT"}]},
            409,
            "ID_AT_PROVIDER_TAKEN",
        ),
        ({"priceCategories": [{"label": "x" * 51, "price": 5}]}, 422, "INVALID_INPUT"),
        ({"priceCategories": [{"label": "Réduit", "price": -1}]}, 422, "INVALID_INPUT"),
        ({"priceCategories": [{"label": "Réduit", "price": 100_001}]}, 422, "INVALID_INPUT"),
        ({"priceCategories": [{"label": "Réduit", "price": "5"}]}, 422, "INVALID_INPUT"),
        ({"priceCategories": []}, 422, "INVALID_INPUT"),
    ],
)
def test_post_price_categories_refuses(api, event, categories, body, status, code):
    response = api.post(f"{OFFERS}/events/{event['id']}/price_categories", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert PriceCategory.objects.filter(offer_id=event["id"]).count() == 1


def test_an_unknown_price_category_is_not_found(api, event, categories, other_venue):
    elsewhere = OfferFactory(venue=other_venue)
    foreign = PriceCategory.objects.create(
        offer=elsewhere, label=categories and PriceCategory.objects.first().label, price_cents=1
    )
    response = api.patch(f"{OFFERS}/events/{event['id']}/price_categories/{foreign.pk}", {"price": 1})
    assert (response.status_code, response.json()["code"]) == (404, "PRICE_CATEGORY_NOT_FOUND")


# --- Dates -------------------------------------------------------------------------------------------


def test_dates_are_created_listed_changed_and_deleted(api, event, categories, date):
    assert date["priceCategory"]["id"] == categories[0]["id"]
    assert (date["quantity"], date["idAtProvider"], date["features"]) == (50, "D1", ["VO"])
    listed = api.get(f"{OFFERS}/events/{event['id']}/dates").json()["dates"]
    assert [d["id"] for d in listed] == [date["id"]]

    response = api.patch(
        f"{OFFERS}/events/{event['id']}/dates/{date['id']}", {"quantity": None, "idAtProvider": "D2"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["quantity"], response.json()["idAtProvider"]) == (None, "D2")

    assert api.delete(f"{OFFERS}/events/{event['id']}/dates/{date['id']}").status_code == 204
    assert Stock.objects.get(pk=date["id"]).is_deleted
    assert api.get(f"{OFFERS}/events/{event['id']}/dates").json()["dates"] == []


@pytest.mark.parametrize(
    ("date_fields", "status", "code"),
    [
        ({"priceCategoryId": 10**9}, 404, "PRICE_CATEGORY_NOT_FOUND"),
        ({"beginningDatetime": "2030-01-01T20:00:00"}, 422, "INVALID_INPUT"),
        ({"beginningDatetime": "2099-01-01T20:00:00+01:00"}, 400, "STOCK_DATE_OUT_OF_RANGE"),
        ({"quantity": 100_001}, 422, "INVALID_INPUT"),
        ({"quantity": -1}, 422, "INVALID_INPUT"),
        ({"features": ["ODORAMA"]}, 400, "INVALID_FEATURE"),
        ({"bookingLimitDatetime": in_days(5).isoformat()}, 400, "BOOKING_LIMIT_AFTER_BEGINNING"),
    ],
)
def test_post_dates_refuses(api, event, categories, date_fields, status, code):
    body = {
        "beginningDatetime": in_days(3).isoformat(),
        "priceCategoryId": categories[0]["id"],
        **date_fields,
    }
    response = api.post(f"{OFFERS}/events/{event['id']}/dates", {"dates": [body]})
    assert (response.status_code, response.json()["code"]) == (status, code), response.content
    assert not Stock.objects.filter(offer_id=event["id"]).exists()


def test_an_event_has_at_most_2500_dates(api, event, categories, monkeypatch):
    from passculture.core.providers.ticketing import events

    monkeypatch.setattr(events, "MAX_DATES_PER_EVENT", 1)
    body = {"beginningDatetime": in_days(3).isoformat(), "priceCategoryId": categories[0]["id"]}
    response = api.post(f"{OFFERS}/events/{event['id']}/dates", {"dates": [body, body]})
    assert (response.status_code, response.json()["code"]) == (400, "TOO_MANY_DATES")


def test_deleting_a_booked_date_cancels_its_bookings(api, venue, beneficiary):
    from passculture.core.bookings.models import Booking
    from passculture.core.bookings.services import book_offer

    stock = StockFactory(offer__venue=venue)
    booking = book_offer(beneficiary, stock.pk)

    assert api.delete(f"{OFFERS}/events/{stock.offer_id}/dates/{stock.pk}").status_code == 204

    assert Booking.objects.get(pk=booking.pk).status == "CANCELLED"


def test_an_unknown_date_is_not_found(api, event):
    response = api.patch(f"{OFFERS}/events/{event['id']}/dates/999999", {"quantity": 1})
    assert (response.status_code, response.json()["code"]) == (404, "DATE_NOT_FOUND")


# --- cinema_sessions ------------------------------------------------------------------------------------


def test_cinema_sessions_answers_204_and_is_idempotent(api, venue, film):
    body = {"venueId": venue.pk, "offers": [programme(stocks=4)]}

    first = api.put(f"{OFFERS}/events/cinema_sessions", body)
    assert first.status_code == 204, first.content
    state = list(Stock.objects.filter(offer__venue=venue).order_by("pk").values())
    assert len(state) == 4

    assert api.put(f"{OFFERS}/events/cinema_sessions", body).status_code == 204
    assert list(Stock.objects.filter(offer__venue=venue).order_by("pk").values()) == state
    assert AuditLog.objects.filter(action="ticketing.sessions_pushed").count() == 2


def test_cinema_sessions_drops_unbooked_showtimes_missing_from_the_push(api, venue, film):
    api.put(f"{OFFERS}/events/cinema_sessions", {"venueId": venue.pk, "offers": [programme(stocks=4)]})
    api.put(f"{OFFERS}/events/cinema_sessions", {"venueId": venue.pk, "offers": [programme(stocks=2)]})
    assert Stock.objects.filter(offer__venue=venue, is_deleted=False).count() == 2


@pytest.mark.parametrize(
    ("offers", "code"),
    [
        (lambda: [programme(stocks=0)] * 251, "TOO_MANY_OFFERS"),
        (lambda: [programme(stocks=851)], "TOO_MANY_STOCKS"),
        (
            lambda: [
                {
                    **programme(),
                    "priceCategories": [
                        {"price": 1, "label": f"T{i}", "idAtProvider": str(i)} for i in range(11)
                    ],
                }
            ],
            "TOO_MANY_PRICE_CATEGORIES",
        ),
        (lambda: [programme(film_id="visa:999999")], "UNKNOWN_FILM"),
    ],
)
def test_cinema_sessions_limits(api, venue, film, offers, code):
    response = api.put(f"{OFFERS}/events/cinema_sessions", {"venueId": venue.pk, "offers": offers()})
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not Stock.objects.filter(offer__venue=venue).exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b["offers"][0]["stocks"][0].update(beginningDatetime="2026-03-10T20:00:00"),
        lambda b: b["offers"][0]["stocks"][0].update(idAtProvider=""),
        lambda b: b["offers"][0]["stocks"][0].update(features=["x"] * 11),
        lambda b: b["offers"][0].update(filmId="x" * 41),
        lambda b: b.update(offers=[programme(stocks=0)] * 501),
        lambda b: b.update(venueId="1"),
    ],
)
def test_cinema_sessions_refuses_unbounded_input(api, venue, film, mangle):
    body = {"venueId": venue.pk, "offers": [programme()]}
    mangle(body)
    response = api.put(f"{OFFERS}/events/cinema_sessions", body)
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_INPUT")


# --- Keys ---------------------------------------------------------------------------------------------


def test_a_revoked_key_is_refused(api, created_key, staff, venue):
    keys.revoke_provider_key(created_key.key.pk, actor=staff)
    response = api.get(f"{OFFERS}/events", venueId=venue.pk)
    assert (response.status_code, response.json()["code"]) == (401, "API_KEY_REVOKED")
    assert AuditLog.objects.filter(action="provider_key.refused", data__code="API_KEY_REVOKED").exists()


def test_an_offerer_api_v2_key_is_not_a_provider_key(venue, pro):
    from passculture.core.offerers import api_keys

    offerer_key = api_keys.create_api_key(venue.offerer_id, actor=pro).clear_key
    response = ApiClient(offerer_key).get(f"{OFFERS}/events", venueId=venue.pk)
    assert (response.status_code, response.json()["code"]) == (401, "INVALID_API_KEY")


def test_no_key_is_401(venue):
    response = ApiClient().get(f"{OFFERS}/events", venueId=venue.pk)
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")
    assert response["WWW-Authenticate"] == "Bearer"


def test_failed_keys_are_rate_limited_per_address(venue):
    bad = ApiClient("dev_0123456789ab_" + "0" * 64)
    codes = [bad.get(f"{OFFERS}/events", venueId=venue.pk).status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_a_stopped_link_closes_the_venue(api, venue, staff):
    from passculture.core.providers.ticketing.links import stop_link
    from passculture.core.providers.ticketing.models import VenueProviderLink

    stop_link(staff, VenueProviderLink.objects.get(venue=venue))
    response = api.get(f"{OFFERS}/events", venueId=venue.pk)
    assert (response.status_code, response.json()["code"]) == (404, "VENUE_NOT_FOUND")
