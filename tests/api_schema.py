"""Shared set-up of the schemathesis runs over our OpenAPI documents (native v1, public v2)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

# django-ninja publishes OpenAPI 3.1, which schemathesis 3.x reads behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)
HEALTH_CHECKS_OFF = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


def wsgi_schema(openapi_path: str):
    return schemathesis.from_wsgi(openapi_path, get_wsgi_application())


@pytest.fixture
def keep_the_test_connection():
    """Every schema fixture depends on this one (loading the document is already a request).

    from_wsgi goes through Django's real WSGI handler, whose request signals close "old" connections:
    inside the test's transaction that closes the test's own connection (PostgreSQL). Django's test
    client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
