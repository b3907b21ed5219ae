"""Property-based run of the whole native API against its own OpenAPI document (schemathesis).

Every operation is called with generated parameters and bodies as a beneficiary with a credit: no answer may be a server error, and every answer must match what the document declares
(status codes, content type, body schema). A route that returns a status it does not declare fails here.
"""

import pytest
import schemathesis
from hypothesis import settings

from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offers.factories import StockFactory
from passculture.core.users import tokens
from tests.api_schema import CHECKS, HEALTH_CHECKS_OFF, wsgi_schema

pytestmark = pytest.mark.django_db

OPENAPI = "/api/native/v1/openapi.json"


@pytest.fixture
def native_schema(db, keep_the_test_connection):
    return wsgi_schema(OPENAPI)


schema = schemathesis.from_pytest_fixture("native_schema")


@pytest.fixture
def bearer(db):
    deposit = DepositFactory()
    # Something to find and book, so that generated ids sometimes hit real rows (film 1, offer 1...).
    StockFactory(offer__film=find_or_create_film(title="Dune", allocine_id="1", visa="1"))
    return {"Authorization": f"Bearer {tokens.issue_access_token(deposit.user)}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=HEALTH_CHECKS_OFF,
)
def test_every_operation_answers_as_documented(case, bearer):
    # The bearer is sent everywhere: anonymous calls of protected routes are covered by the contract tests.
    response = case.call(headers={**(case.headers or {}), **bearer})
    case.validate_response(response, checks=CHECKS)
