"""GET /me/credit: the balance and its history."""

import datetime as dt

import pytest
import time_machine

from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .test_bookings import assert_error

pytestmark = pytest.mark.django_db
GRANTED = utc(2026, 3, 1, 9, 0)
NOW = utc(2026, 3, 10, 12, 0)
H = dt.timedelta(hours=1)

CREDIT_KEYS = {
    "initial", "spent", "remaining", "digitalCap", "digitalCapRemaining", "grantedAt", "expirationDate",
    "isExpired", "freeOffersOnly", "deposits", "history",
}  # fmt: skip


@pytest.fixture
def user():
    user = UserFactory()
    DepositFactory(user=user, granted_at=GRANTED, expires_at=utc(2028, 3, 1, 9, 0))
    return user


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_my_credit_with_its_history(user, as_user):
    first = book_offer(user, StockFactory(offer__name="Orbite basse", price_cents=8_00).pk, at=NOW - 3 * H)
    cancel_booking_by_beneficiary(user, first.pk, at=NOW - 2 * H)
    second = book_offer(
        user, StockFactory(offer__name="Le Phare", offer__is_duo=True, price_cents=7_50).pk, 2, at=NOW - H
    )

    response = as_user(user).get("/me/credit")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == CREDIT_KEYS
    assert (body["initial"], body["spent"], body["remaining"]) == (300_00, 15_00, 285_00)
    assert (body["digitalCap"], body["digitalCapRemaining"]) == (100_00, 100_00)
    assert body["expirationDate"] == "2028-03-01T09:00:00Z"
    assert body["isExpired"] is False
    assert [(m["kind"], m["amount"], m["balanceAfter"], m["bookingId"]) for m in body["history"]] == [
        ("GRANT", 300_00, 300_00, None),
        ("BOOKING", -8_00, 292_00, first.pk),
        ("REFUND", 8_00, 300_00, first.pk),
        ("BOOKING", -15_00, 285_00, second.pk),
    ]
    refund = body["history"][2]
    assert (refund["offerName"], refund["quantity"], refund["cancellationReason"]) == (
        "Orbite basse",
        1,
        "BENEFICIARY",
    )
    assert body["history"][0]["date"] == "2026-03-01T09:00:00Z"


def test_an_expired_credit_is_zero(as_user):
    user = UserFactory()
    DepositFactory(user=user, granted_at=utc(2024, 3, 1, 9, 0), expires_at=utc(2026, 3, 1, 9, 0))
    body = as_user(user).get("/me/credit").json()
    assert (body["remaining"], body["isExpired"], body["freeOffersOnly"]) == (0, True, True)
    assert body["history"][-1]["kind"] == "EXPIRY"


def test_no_credit_yet_is_403_no_deposit(as_user):
    assert_error(as_user(UserFactory()).get("/me/credit"), 403, "NO_DEPOSIT")


def test_a_pro_is_403_not_a_beneficiary(as_user):
    assert_error(as_user(ProFactory()).get("/me/credit"), 403, "NOT_A_BENEFICIARY")


def test_without_token_is_401(anonymous):
    assert_error(anonymous.get("/me/credit"), 401, "UNAUTHENTICATED")


def test_the_history_is_mine_only(user, as_user):
    other = UserFactory()
    DepositFactory(user=other, granted_at=GRANTED)
    book_offer(other, StockFactory().pk, at=NOW - H)
    assert len(as_user(user).get("/me/credit").json()["history"]) == 1


def test_the_route_is_declared_in_the_openapi(anonymous):
    schema = anonymous.get("/openapi.json").json()
    responses = schema["paths"]["/api/native/v1/me/credit"]["get"]["responses"]
    assert set(responses) == {"200", "401", "403"}
    # 422: an id past the largest primary key.
    assert set(schema["paths"]["/api/native/v1/bookings/{booking_id}"]["get"]["responses"]) == {
        "200",
        "401",
        "404",
        "422",
    }
