import json

import httpx
import pytest

from passculture.demo.reference_ticketing import SIGNATURE_HEADER, ReferenceTicketingServer, sign

SECRET = "test-secret"
STOCK = "ST-2026-12-12-2030"


@pytest.fixture
def server():
    with ReferenceTicketingServer(SECRET) as running:
        running.state.add_showtime(STOCK, rows=3, seats_per_row=4)
        yield running


@pytest.fixture
def http():
    with httpx.Client(timeout=5) as client:
        yield client


def booking_payload(**changes) -> dict:
    payload = {
        "booking_confirmation_date": "2026-12-10T20:30:00",
        "booking_creation_date": "2026-12-08T09:12:00",
        "booking_quantity": 1,
        "offer_ean": None,
        "offer_id": 41,
        "offer_id_at_provider": "FILM-990101",
        "offer_name": "La Maison des marées",
        "offer_price": 700,
        "price_category_id": 7,
        "price_category_id_at_provider": "REDUIT",
        "price_category_label": "Tarif réduit",
        "stock_id": 1234,
        "stock_id_at_provider": STOCK,
        "user_birth_date": "2008-05-14",
        "user_email": "lea@example.org",
        "user_first_name": "Léa",
        "user_last_name": "Martin",
        "user_phone": None,
        "venue_address": "1 rue du Port",
        "venue_department_code": "29",
        "venue_id": 12,
        "venue_name": "Cinéma du Port",
    }
    payload.update(changes)
    return payload


def signed_post(http, url, payload, *, secret=SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)}
    return http.post(url, content=body, headers=headers)
