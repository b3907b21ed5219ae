"""Property-based runs of the public API for cinema software against its own OpenAPI documents
(schemathesis): generated bodies, ids and countermarks, with a provider's key reaching one venue that
has an offer, a price category, a showtime and a booking. No answer may be a server error, and every
answer must match what the document declares."""

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings

from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers import price_categories
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.api_schema import CHECKS, HEALTH_CHECKS_OFF, wsgi_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers_schema(db, keep_the_test_connection):
    return wsgi_schema("/public/offers/v1/openapi.json")


@pytest.fixture
def bookings_schema(db, keep_the_test_connection):
    return wsgi_schema("/public/bookings/v1/openapi.json")


offers = schemathesis.from_pytest_fixture("offers_schema")
bookings = schemathesis.from_pytest_fixture("bookings_schema")


@pytest.fixture
def bearer(db, venue, film, created_key):
    stock = StockFactory(offer__venue=venue, beginning_datetime=timezone.now() + timezone.timedelta(hours=2))
    category = price_categories.create_price_category(stock.offer, label="Plein tarif", price_cents=800)
    stock.price_category = category
    stock.save()
    user = UserFactory()
    DepositFactory(user=user)
    book_offer(user, stock.pk)
    return {"Authorization": f"Bearer {created_key.clear_key}"}


@offers.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=HEALTH_CHECKS_OFF)
def test_every_offers_operation_answers_as_documented(case, bearer):
    response = case.call(headers={**(case.headers or {}), **bearer})
    case.validate_response(response, checks=CHECKS)


@bookings.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=HEALTH_CHECKS_OFF)
def test_every_bookings_operation_answers_as_documented(case, bearer):
    response = case.call(headers={**(case.headers or {}), **bearer})
    case.validate_response(response, checks=CHECKS)


@offers.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_offers_operation_refuses_anonymous_calls(case, db):
    response = case.call(headers={k: v for k, v in (case.headers or {}).items() if k != "Authorization"})
    case.validate_response(response, checks=CHECKS)
    assert response.status_code in (401, 429)


@bookings.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_bookings_operation_refuses_anonymous_calls(case, db):
    response = case.call(headers={k: v for k, v in (case.headers or {}).items() if k != "Authorization"})
    case.validate_response(response, checks=CHECKS)
    assert response.status_code in (401, 429)
