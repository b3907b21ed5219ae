"""Error reports to Sentry (optional, SENTRY_DSN) leave without personal data: the SDK posts to a local
HTTP server standing for Sentry, and the envelope it receives holds none of the values of the request."""

import gzip
import json
import zlib

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from passculture import sentry
from passculture.urls import urlpatterns as site_patterns

EMAIL = "camille.martin@example.com"
COUNTERMARK = "XK4F2M"
IBAN = "FR7630006000011234567890189"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLWZvci10ZXN0cw"
SESSION = "sess8f2k3j4h5g6f7d8s9a0qwertyuiop"


def crash(request):
    # The kind of message a careless error carries: the person's email and the booking's countermark.
    raise RuntimeError(f"booking {COUNTERMARK} of {request.POST.get('email')} failed, iban {IBAN}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("echec-sentry/", crash), path("ok-sentry/", fine), *site_patterns]


def decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def events_of(envelope: bytes) -> list[dict]:
    """The event items of a Sentry envelope: a header line, then (item header, payload) line pairs."""
    lines = envelope.split(b"\n")
    events = []
    for index in range(1, len(lines) - 1, 2):
        header = json.loads(lines[index]) if lines[index].strip() else {}
        if header.get("type") == "event":
            events.append(json.loads(lines[index + 1]))
    return events


@pytest.fixture
def sentry_server(httpserver):
    httpserver.expect_request("/api/42/envelope/", method="POST").respond_with_data("{}")
    sentry.init(f"http://publickey@127.0.0.1:{httpserver.port}/42", environment="test")
    try:
        yield httpserver
    finally:
        sentry_sdk.flush(timeout=2)
        sentry_sdk.init()  # no DSN: the SDK sends nothing any more


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_an_error_reaches_sentry_without_email_countermark_iban_token_nor_cookie(sentry_server):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = SESSION
    response = client.post(
        f"/echec-sentry/?token={COUNTERMARK.lower()}&email={EMAIL}",
        {"email": EMAIL, "token": COUNTERMARK},
        HTTP_AUTHORIZATION=f"Bearer {BEARER}",
        HTTP_X_REQUEST_ID="req-sentry-test-0001",
    )
    assert response.status_code == 500
    sentry_sdk.flush(timeout=2)

    bodies = [
        decode(request.get_data(), request.headers.get("Content-Encoding", ""))
        for request, _ in sentry_server.log
    ]
    events = [event for body in bodies for event in events_of(body)]
    assert events, "no event reached the local Sentry server"
    crashes = [
        event
        for event in events
        if any(value.get("type") == "RuntimeError" for value in event.get("exception", {}).get("values", []))
    ]
    assert crashes, "the RuntimeError was not reported"
    assert crashes[0]["tags"]["request_id"] == "req-sentry-test-0001"
    received = b"\n".join(bodies).decode()
    for secret in (EMAIL, COUNTERMARK, COUNTERMARK.lower(), IBAN, BEARER, SESSION):
        assert secret not in received, f"{secret} reached Sentry"
    assert "sessionid" not in json.dumps(crashes[0].get("request", {}).get("cookies", ""))


def test_the_scrubber_drops_cookies_authorization_and_the_user():
    event = {
        "user": {"email": EMAIL, "ip_address": "203.0.113.7"},
        "request": {
            "url": f"https://pass.example/api/v2/bookings/token/{COUNTERMARK.lower()}",
            "headers": {"Authorization": f"Bearer {BEARER}", "Cookie": f"sessionid={SESSION}", "Accept": "x"},
            "cookies": {"sessionid": SESSION},
            "data": {"email": EMAIL},
        },
        "breadcrumbs": {"values": [{"message": f"email sent to {EMAIL} for IBAN {IBAN}"}]},
        "extra": {"note": f"countermark {COUNTERMARK}"},
    }
    scrubbed = json.dumps(sentry.scrub_event(event))
    for secret in (EMAIL, COUNTERMARK, COUNTERMARK.lower(), IBAN, BEARER, SESSION, "203.0.113.7"):
        assert secret not in scrubbed
    assert '"Accept": "x"' in scrubbed


def test_no_personal_data_is_collected_by_the_sdk_itself(sentry_server):
    options = sentry_sdk.get_client().options
    collection = options.get("data_collection")
    if collection is not None:
        assert collection["user_info"] is False and collection["http_bodies"] == []
    else:
        assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False
    assert options["max_request_body_size"] == "never"
