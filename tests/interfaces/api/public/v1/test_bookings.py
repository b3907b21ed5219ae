"""Contract tests of /public/bookings/v1: the list, and the countermark routes run by the counter services."""

import datetime as dt

import pytest
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus, CounterChannel
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers import price_categories
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory

from .conftest import BOOKINGS

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def booked(stock) -> Booking:
    user = UserFactory(first_name="Camille", last_name="Martin")
    DepositFactory(user=user)
    return book_offer(user, stock.pk)


@pytest.fixture
def last_minute(venue) -> Booking:
    """Booked 2 h before the show: validatable at once."""
    stock = StockFactory(offer__venue=venue, beginning_datetime=timezone.now() + 2 * H, price_cents=750)
    category = price_categories.create_price_category(stock.offer, label="Tarif réduit", price_cents=750)
    stock.price_category = category
    stock.save()
    return booked(stock)


@pytest.fixture
def elsewhere(other_venue) -> Booking:
    return booked(StockFactory(offer__venue=other_venue, beginning_datetime=timezone.now() + 2 * H))


def test_get_a_countermark(api, last_minute):
    response = api.get(f"{BOOKINGS}/token/{last_minute.token.lower()}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["price"], body["userFirstName"]) == (
        last_minute.pk,
        "CONFIRMED",
        750,
        "Camille",
    )
    assert body["priceCategoryLabel"] == "Tarif réduit"
    attempt = CounterAttempt.objects.get(booking=last_minute)
    assert attempt.channel == CounterChannel.PUBLIC_API and attempt.api_key_prefix
    assert attempt.action == "check"


def test_use_keep_and_cancel(api, last_minute):
    token = last_minute.token
    assert api.patch(f"{BOOKINGS}/use/token/{token}").status_code == 204
    assert Booking.objects.get(pk=last_minute.pk).status == BookingStatus.USED
    assert api.patch(f"{BOOKINGS}/keep/token/{token}").status_code == 204
    assert Booking.objects.get(pk=last_minute.pk).status == BookingStatus.CONFIRMED
    assert api.patch(f"{BOOKINGS}/cancel/token/{token}").status_code == 204
    assert Booking.objects.get(pk=last_minute.pk).status == BookingStatus.CANCELLED
    response = api.patch(f"{BOOKINGS}/use/token/{token}")
    assert (response.status_code, response.json()["code"]) == (410, "BOOKING_CANCELLED")
    used = Booking.objects.get(pk=last_minute.pk)
    assert used.validated_by_label == ""


def test_the_validation_names_the_provider(api, last_minute, provider):
    api.patch(f"{BOOKINGS}/use/token/{last_minute.token}")
    assert Booking.objects.get(pk=last_minute.pk).validated_by_label == f"Logiciel {provider.name}"


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("ZZZ222", 404, "COUNTERMARK_NOT_FOUND"),
        ("ABC", 404, "INVALID_COUNTERMARK"),
        ("x" * 65, 422, "INVALID_INPUT"),
    ],
)
def test_unknown_countermarks(api, token, status, code):
    response = api.get(f"{BOOKINGS}/token/{token}")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_keep_of_a_booking_not_used(api, last_minute):
    response = api.patch(f"{BOOKINGS}/keep/token/{last_minute.token}")
    assert (response.status_code, response.json()["code"]) == (410, "BOOKING_NOT_USED")


def test_a_booking_still_cancellable_by_the_beneficiary_is_not_yet_validatable(api, venue):
    booking = booked(StockFactory(offer__venue=venue, beginning_datetime=timezone.now() + 120 * H))
    response = api.patch(f"{BOOKINGS}/use/token/{booking.token}")
    assert (response.status_code, response.json()["code"]) == (403, "BOOKING_NOT_YET_VALIDATABLE")


def test_list_bookings_with_filters(api, venue, last_minute, elsewhere):
    other = booked(StockFactory(offer__venue=venue, beginning_datetime=timezone.now() + 50 * H))

    everything = api.get(f"{BOOKINGS}/bookings").json()["bookings"]
    assert {b["id"] for b in everything} == {last_minute.pk, other.pk}

    def ids(**query):
        response = api.get(f"{BOOKINGS}/bookings", **query)
        assert response.status_code == 200, response.content
        return [b["id"] for b in response.json()["bookings"]]

    assert ids(offerId=last_minute.offer_id) == [last_minute.pk]
    assert ids(stockId=other.stock_id) == [other.pk]
    assert ids(priceCategoryId=last_minute.stock.price_category_id) == [last_minute.pk]
    assert ids(status="CONFIRMED") == sorted([last_minute.pk, other.pk])
    assert ids(status="USED") == []
    day = timezone.localtime(other.stock.beginning_datetime).date()
    assert other.pk in ids(beginningDatetime=day.isoformat())
    assert ids(limit=1) == [min(last_minute.pk, other.pk)]
    assert ids(firstIndex=max(last_minute.pk, other.pk)) == [max(last_minute.pk, other.pk)]
    assert ids(offerId=elsewhere.offer_id) == []


@pytest.mark.parametrize(
    "query",
    [
        {"status": "LOST"},
        {"beginningDatetime": "12/03/2026"},
        {"limit": 0},
        {"offerId": 0},
        {"firstIndex": 2**63},
    ],
)
def test_list_bookings_refuses_bad_queries(api, query):
    response = api.get(f"{BOOKINGS}/bookings", **query)
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_INPUT")


def test_an_impossible_day_is_refused(api):
    response = api.get(f"{BOOKINGS}/bookings", beginningDatetime="2026-02-30")
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_DATE")


def test_unknown_countermarks_are_rate_limited_per_key(api, time_machine):
    from passculture.interfaces.api.public.v2.bookings import MISSES_PER_CREDENTIAL

    time_machine.move_to(timezone.now(), tick=False)
    statuses = [
        api.get(f"{BOOKINGS}/token/ZZZ22{i % 6 + 2}").status_code
        for i in range(MISSES_PER_CREDENTIAL.limit + 1)
    ]
    assert statuses[:-1] == [404] * MISSES_PER_CREDENTIAL.limit
    assert statuses[-1] == 429
