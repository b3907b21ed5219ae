"""Property-based run of the ticketing API against its own OpenAPI document (schemathesis).

Every operation is called with generated countermarks, with an offerer's API key and a few real bookings
of its own and of another offerer: no answer may be a server error, and every answer must match what the
document declares (status codes, content type, body schema). The example count keeps it under a minute.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.api_schema import CHECKS, HEALTH_CHECKS_OFF, wsgi_schema

from .conftest import build_scenario

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v2/openapi.json"


@pytest.fixture
def v2_schema(db, keep_the_test_connection):
    return wsgi_schema(OPENAPI)


schema = schemathesis.from_pytest_fixture("v2_schema")


@pytest.fixture
def bearer(db, venue, pro, key):
    build_scenario(venue, pro)
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=HEALTH_CHECKS_OFF,
)
def test_every_operation_answers_as_documented(case, bearer):
    response = case.call(headers={**(case.headers or {}), **bearer})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_refuses_anonymous_calls_as_documented(case, db):
    response = case.call(headers={k: v for k, v in (case.headers or {}).items() if k != "Authorization"})
    case.validate_response(response, checks=CHECKS)
    assert response.status_code in (401, 429)  # generated credentials count as failures
