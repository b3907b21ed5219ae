"""Every integer a person or a program can send has a documented maximum that fits its column (issue 12:
2147483648 seats answered 500): each number field of our forms has a `max_value` (shown to browsers as
the input's `max`), each integer of the JSON APIs' requests a `maximum` in their OpenAPI documents."""

import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms

import passculture.interfaces
from passculture.interfaces.api.native.v1.api import api as native_api
from passculture.interfaces.api.public.v2.api import api as v2_api

# PostgreSQL's integer; amounts typed in euros become cents of that column.
INTEGER_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(passculture.interfaces.__path__, "passculture.interfaces."):
        importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("passculture."):
            found.append(cls)
    return found


NUMBER_FIELDS = [
    (f"{form.__name__}.{name}", field)
    for form in project_forms()
    for name, field in getattr(form, "base_fields", {}).items()
    if isinstance(field, forms.IntegerField | forms.DecimalField)
]


def test_the_forms_have_number_fields_to_check():
    assert len(NUMBER_FIELDS) >= 6, NUMBER_FIELDS


@pytest.mark.parametrize(("name", "field"), NUMBER_FIELDS, ids=[name for name, _ in NUMBER_FIELDS])
def test_every_number_field_of_a_form_has_a_maximum_that_fits_its_column(name, field):
    assert field.max_value is not None, f"{name} has no max_value"
    # Euros (DecimalField) become cents: a hundred times the typed number must fit too.
    limit = Decimal(INTEGER_MAX) / 100 if isinstance(field, forms.DecimalField) else INTEGER_MAX
    assert field.max_value <= limit, name


def _integers(document: dict, schema: dict, where: str):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("anyOf", []):
        yield from _integers(document, option, where)
    if schema.get("type") == "integer":
        yield where, schema
    for name, item in schema.get("properties", {}).items():
        yield from _integers(document, item, f"{where}.{name}")
    if "items" in schema:
        yield from _integers(document, schema["items"], f"{where}[]")


def request_integers(api) -> list[tuple[str, dict]]:
    document = api.get_openapi_schema(path_prefix="")
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                found += _integers(
                    document, parameter["schema"], f"{method.upper()} {path} {parameter['name']}"
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += _integers(document, content["schema"], f"{method.upper()} {path} body")
    return found


API_INTEGERS = request_integers(native_api) + request_integers(v2_api)


@pytest.mark.parametrize(("where", "schema"), API_INTEGERS, ids=[where for where, _ in API_INTEGERS])
def test_every_integer_an_api_accepts_has_a_documented_maximum(where, schema):
    assert "maximum" in schema, f"{where} has no maximum"
    assert schema["maximum"] <= BIGINT_MAX, where
