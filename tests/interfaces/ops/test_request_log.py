"""One JSON log line per request (request id, route, method, status, duration, pseudonymous user), and
no email, token, countermark nor IBAN in ANY log output, whatever the request (decision 0036)."""

import datetime as dt
import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from passculture.core.bookings.models import Booking
from passculture.core.common.logs import JsonFormatter, RequestIdFilter, pseudonym
from passculture.core.finance.factories import IBAN_CREDIT_AGRICOLE
from passculture.core.offerers import api_keys
from passculture.core.offers.factories import StockFactory
from passculture.core.users import tokens
from passculture.core.users.factories import TEST_PASSWORD
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


class Captured:
    def __init__(self, stream: io.StringIO, caplog) -> None:
        self.stream, self.caplog = stream, caplog

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]

    def request_lines(self) -> list[dict]:
        return [line for line in self.lines() if line["logger"] == "passculture.request"]

    def everything(self) -> str:
        """What production writes (JSON lines) and the raw records (message, arguments, extras)."""
        raw = [
            f"{record.getMessage()} {record.args!r} {vars(record)!r} {record.exc_text or ''}"
            for record in self.caplog.records
        ]
        return self.stream.getvalue() + "\n" + self.caplog.text + "\n" + "\n".join(raw)

    def assert_free_of(self, *values: str) -> None:
        text = self.everything()
        assert self.caplog.records, "nothing was logged: the test would prove nothing"
        for value in values:
            for variant in {value, value.lower(), value.upper(), value.replace(" ", "")}:
                assert variant not in text, f"{variant!r} found in the logs"


@pytest.fixture
def logs(caplog):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        yield Captured(stream, caplog)
    finally:
        root.removeHandler(handler)


# --- The request line -----------------------------------------------------------------------------


def test_each_request_writes_one_json_line_with_its_route_status_and_duration(client, logs, stock):
    response = client.get(f"/api/native/v1/offers/{stock.offer_id}")
    [line] = logs.request_lines()
    assert line["route"] == "/api/native/v1/offers/<offer_id>"
    assert (line["method"], line["status"]) == ("GET", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user"] is None
    assert line["request_id"] == response["X-Request-ID"]


def test_a_well_formed_incoming_request_id_is_kept_and_returned(client, logs):
    response = client.get("/healthz-not-a-route", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert response["X-Request-ID"] == "lb-7f3a9c21-0001"
    assert logs.request_lines()[-1]["request_id"] == "lb-7f3a9c21-0001"


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 65, "bad id with spaces", "<script>alert(1)</script>", "é" * 10]
)
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/nulle-part/", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_the_signed_in_user_is_a_pseudonym_never_the_id_nor_the_email(beneficiary, logs):
    api = Client()
    token = tokens.issue_access_token(beneficiary)
    api.get("/api/native/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    [line] = logs.request_lines()
    assert line["user"] == pseudonym(beneficiary.pk)
    assert len(line["user"]) == 16 and line["user"] != str(beneficiary.pk)
    logs.assert_free_of(beneficiary.email, token)


def test_a_page_user_is_logged_as_a_pseudonym(client, pro, logs):
    client.force_login(pro)
    client.get(reverse("pro:bank-accounts"))
    assert logs.request_lines()[-1]["user"] == pseudonym(pro.pk)


def test_the_pseudonym_depends_on_the_configured_key(settings):
    settings.LOG_PSEUDONYM_KEY = "one"
    first = pseudonym(42)
    settings.LOG_PSEUDONYM_KEY = "two"
    assert pseudonym(42) != first


# --- Nothing personal in any log line -------------------------------------------------------------


def test_signup_and_sign_in_log_no_email_nor_password_nor_token(
    logs, beneficiary, django_capture_on_commit_callbacks
):
    api = Client()
    email = "lea.martin@example.com"
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = api.post(
            "/api/native/v1/signup",
            {
                "email": email,
                "password": "Un-mot-de-passe-2026",
                "firstName": "Léa",
                "lastName": "Martin",
                "birthDate": "2007-01-10",
                "phoneNumber": "06 12 34 56 78",
                "postalCode": "69001",
                "city": "Lyon",
                "acceptedTerms": True,
            },
            content_type="application/json",
        )
    assert signed_up.status_code == 201, signed_up.content
    signed_in = api.post(
        "/api/native/v1/signin",
        {"identifier": beneficiary.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    wrong = api.post(
        "/api/native/v1/signin",
        {"identifier": beneficiary.email, "password": "Pas-le-bon-2026"},
        content_type="application/json",
    )
    assert signed_in.status_code == 200 and wrong.status_code == 401
    # The confirmation email went out (in-process, no broker): its delivery was logged too.
    assert any(
        "sent" in line["message"]
        for line in logs.lines()
        if line["logger"].endswith("notifications.services")
    )
    logs.assert_free_of(email, beneficiary.email, TEST_PASSWORD, signed_in.json()["accessToken"])


def test_a_pro_sign_in_logs_no_email(client, pro, logs):
    client.post(reverse("pro:login"), {"username": pro.email, "password": TEST_PASSWORD})
    client.post(reverse("pro:login"), {"username": pro.email, "password": "Mauvais-mot-de-passe-1"})
    logs.assert_free_of(pro.email, TEST_PASSWORD)


def test_a_booking_and_its_countermark_at_the_counter_and_in_the_api_are_not_logged(
    logs, beneficiary, pro, venue
):
    stock = StockFactory(offer__venue=venue, beginning_datetime=NOW + dt.timedelta(hours=2))
    app = Client()
    app_token = tokens.issue_access_token(beneficiary)
    booked = app.post(
        "/api/native/v1/bookings",
        {"stockId": stock.pk, "quantity": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {app_token}",
    )
    assert booked.status_code == 200, booked.content
    countermark = Booking.objects.get().token
    key = api_keys.create_api_key(venue.offerer_id, actor=pro, label="Caisse").clear_key
    software = Client()
    assert (
        software.get(
            f"/api/v2/bookings/token/{countermark.lower()}", HTTP_AUTHORIZATION=f"Bearer {key}"
        ).status_code
        == 200
    )
    software.get("/api/v2/bookings/token/zzzz22", HTTP_AUTHORIZATION=f"Bearer {key}")  # unknown: 404
    counter = Client()
    counter.force_login(pro)
    counter.post(reverse("pro:counter-validate"), {"token": countermark.lower()})
    counter.get(f"/pro/guichet/{countermark.lower()}/")  # no such page: a 404 whose path holds it
    logs.assert_free_of(countermark, "zzzz22", key, app_token, beneficiary.email, pro.email)


def test_a_bank_account_and_its_iban_are_not_logged(client, pro, venue, logs):
    client.force_login(pro)
    client.post(
        reverse("pro:bank-account", args=[venue.pk]),
        {"iban": IBAN_CREDIT_AGRICOLE, "holder": "Cinéma SAS", "action": "submit"},
    )
    client.get(reverse("pro:bank-account", args=[venue.pk]))
    client.get(reverse("pro:bank-accounts"))
    spaced = " ".join(IBAN_CREDIT_AGRICOLE[i : i + 4] for i in range(0, len(IBAN_CREDIT_AGRICOLE), 4))
    logs.assert_free_of(IBAN_CREDIT_AGRICOLE, spaced, pro.email)
