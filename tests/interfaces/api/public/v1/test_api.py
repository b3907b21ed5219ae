"""The public API's OpenAPI documents and its French docs page."""

import inspect

import pytest
from django.test import Client

from passculture.core.common.exceptions import DomainError
from passculture.core.providers.ticketing import api_exceptions
from passculture.interfaces.api.public.v1.docs import ERRORS, _status
from passculture.interfaces.errors import status_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["/public/offers/v1", "/public/bookings/v1"])
def test_openapi_declares_bearer_auth_and_the_refusals(prefix):
    document = Client().get(f"{prefix}/openapi.json").json()
    assert document["components"]["securitySchemes"]["ProviderKeyAuth"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert {"401", "404", "422", "429"} <= set(operation["responses"]), path


def test_every_code_of_the_api_is_on_the_docs_page_with_its_real_status():
    documented = dict((code, _status(code)) for code, _text in ERRORS)
    for _name, error in inspect.getmembers(api_exceptions, inspect.isclass):
        if issubclass(error, DomainError) and error.__module__ == api_exceptions.__name__:
            assert documented.get(error.code) == status_for(error()), error.code


def test_the_docs_page_is_french_and_links_both_documents():
    page = Client().get("/public/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/public/offers/v1/openapi.json" in html and "/public/bookings/v1/openapi.json" in html
    assert "tout le reste répond 404" in html
