"""The JSON APIs (native, v2, the public API for cinema software) get the form fuzz's hostile values (tests/form_fuzz.py), parameter by parameter, from
their own OpenAPI documents: every path, query and body field of every operation (issue 12). Unlike the
schemathesis runs beside this one, the values are chosen: NUL, control and right-to-left characters,
100 kB strings, 10^12, 2^63, -1, years 0001 and 9999, wrong types. No answer may be a server error, and
every error is JSON {code, message}. Run it on PostgreSQL too: NUL only fails there."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from passculture.core.bookings.services import book_offer
from passculture.core.offerers import api_keys
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.price_categories import create_price_category
from passculture.core.providers.ticketing import keys as provider_keys
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from passculture.core.users import tokens
from passculture.core.users.factories import StaffFactory
from passculture.interfaces.api.native.v1.api import api as native_api
from passculture.interfaces.api.public.v1.api import bookings_api as public_bookings_api
from passculture.interfaces.api.public.v1.api import offers_api as public_offers_api
from passculture.interfaces.api.public.v2.api import api as v2_api
from tests.form_fuzz import LONG, TEXT

pytestmark = pytest.mark.django_db

STRINGS = [*TEXT, "9999-12-31", "10000-01-01", "2026-02-30"]
NUMBERS = [10**12, -1, 0, 2**31, 2**63, -(2**63) - 1, 10**400, 1.5]
WRONG_TYPES = [None, True, [], {}, ["\x00"], {"\x00": "\x00"}, "1"]
# Valid values by property name, so that the other fields of a body pass and the hostile one is the
# only thing wrong.
VALID = {
    "email": "lea.fuzz@example.com",
    "identifier": "lea.fuzz@example.com",
    "password": "Un-mot-de-passe-2026!",
    "newPassword": "Un-autre-mot-de-passe-2026!",
    "currentPassword": "Test-password-2026!",
    "firstName": "Léa",
    "lastName": "Durand",
    "birthDate": "2008-01-10",
    "phoneNumber": "06 12 34 56 78",
    "postalCode": "69001",
    "city": "Lyon",
    "acceptedTerms": True,
    "quantity": 1,
    "documentType": "IDENTITY_CARD",
    "documentNumber": "X4RTBPFW1234",
    "token": "jeton",
    "uidb64": "MQ",
}
BY_TYPE = {"string": "x", "integer": 1, "boolean": True, "number": 1.0, "array": [], "object": {}}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def operations(api, prefix: str):
    document = api.get_openapi_schema(path_prefix="")
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            params = [(p["in"], p["name"]) for p in operation.get("parameters", [])]
            body_type, properties = None, {}
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
                body_type = content_type
                properties = _resolve(document, content["schema"]).get("properties", {})
            yield method, prefix + path, params, body_type, properties


@pytest.fixture
def ids(beneficiary, pro, venue):
    stock = StockFactory(offer__venue=venue)
    booking = book_offer(beneficiary, stock.pk)
    category = create_price_category(stock.offer, label="Plein tarif", price_cents=800)
    provider = Provider.objects.create(name="Billetterie fuzz")
    VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="V", status=LinkStatus.ACTIVE
    )
    provider_key = provider_keys.create_provider_key(provider.pk, actor=StaffFactory()).clear_key
    return {
        "event_id": stock.offer_id,
        "stock_id": stock.pk,
        "price_category_id": category.pk,
        "venueId": venue.pk,
        "public": {"Authorization": f"Bearer {provider_key}"},
        "offer_id": stock.offer_id,
        "booking_id": booking.pk,
        "token": booking.token,
        "stockId": stock.pk,
        "native": {"Authorization": f"Bearer {tokens.issue_access_token(beneficiary)}"},
        "v2": {"Authorization": f"Bearer {api_keys.create_api_key(venue.offerer_id, actor=pro).clear_key}"},
    }


def _send(client, method, path, headers, *, query=None, body=None, body_type=None):
    if body_type == "application/json":
        raw = json.dumps(body) if not isinstance(body, str) else body
        return client.generic(method.upper(), path, raw, content_type=body_type, headers=headers)
    if body_type == "multipart/form-data":
        return getattr(client, method)(path, body, headers=headers)
    return getattr(client, method)(path, query or {}, headers=headers)


def _path(path: str, values: dict, override: tuple[str, str] | None = None) -> str:
    for name in ("offer_id", "booking_id", "token", "event_id", "stock_id", "price_category_id"):
        value = override[1] if override and override[0] == name else values[name]
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


def _hostile(schema_type) -> list:
    return [*STRINGS, *NUMBERS, *WRONG_TYPES] if schema_type != "string" else [*STRINGS, *WRONG_TYPES]


@pytest.mark.parametrize(
    ("api", "prefix", "auth"),
    [
        (native_api, "/api/native/v1", "native"),
        (v2_api, "/api/v2", "v2"),
        (public_offers_api, "/public/offers/v1", "public"),
        (public_bookings_api, "/public/bookings/v1", "public"),
    ],
)
def test_no_api_answer_is_a_server_error_whatever_is_sent(api, prefix, auth, ids, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None  # the 100 kB values must reach the operations
    client = Client(raise_request_exception=False)
    headers = ids[auth]
    failures, sent, fields = [], 0, 0
    for method, path, params, body_type, properties in operations(api, prefix):
        baseline = {
            name: VALID.get(name, ids.get(name, BY_TYPE.get(spec.get("type"), "x")))
            for name, spec in properties.items()
        }
        cases = []
        for where, name in params:
            fields += 1
            for value in STRINGS + [str(n) for n in NUMBERS]:
                if where == "path":
                    cases.append(
                        (f"{name}={value!r:.40}", _path(path, ids, (name, value)), {name: value}, None)
                    )
                else:
                    cases.append((f"{name}={value!r:.40}", _path(path, ids), {name: value}, None))
        for name in properties:
            fields += 1
            for value in _hostile(properties[name].get("type")):
                if body_type == "multipart/form-data" and not isinstance(value, str | int | float):
                    continue
                cases.append((f"{name}={value!r:.40}", _path(path, ids), None, {**baseline, name: value}))
        if body_type == "application/json":
            cases += [
                ("body=" + repr(raw), _path(path, ids), None, raw)
                for raw in ("{", "[]", "\x00", '{"a": 1e999}', LONG)
            ]
        for label, url, query, body in cases:
            response = _send(
                client,
                method,
                url,
                headers,
                query=query,
                body=body,
                body_type=body_type if body is not None else None,
            )
            sent += 1
            if response.status_code >= 500 or (
                response.status_code >= 400 and not response["Content-Type"].startswith("application/json")
            ):
                failures.append(
                    f"{method.upper()} {url[:80]} [{label}]: {response.status_code} {response.content[:120]!r}"
                )
    print(f"\n{prefix} fuzz: {fields} parameters and fields, {sent} requests")
    assert not failures, "\n".join(failures[:30])
