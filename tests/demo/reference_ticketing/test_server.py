import json
import threading
import time

import httpx
import pytest

from passculture.demo.reference_ticketing import SIGNATURE_HEADER, is_valid_ean13, sign
from passculture.demo.reference_ticketing.server import MAX_BODY_BYTES, MAX_CONNECTIONS

from .conftest import SECRET, STOCK, booking_payload, signed_post


def _book(http, server, quantity=1, **changes):
    changes.setdefault("booking_quantity", quantity)
    return signed_post(http, server.booking_url, booking_payload(**changes))


# -- signature ---------------------------------------------------------------------------------------


def test_a_missing_or_wrong_signature_is_refused(server, http):
    body = json.dumps(booking_payload()).encode()
    missing = http.post(server.booking_url, content=body, headers={"Content-Type": "application/json"})
    wrong = signed_post(http, server.booking_url, booking_payload(), secret="another-secret")
    tampered = http.post(
        server.booking_url,
        content=body.replace(b'"booking_quantity": 1', b'"booking_quantity": 2'),
        headers={SIGNATURE_HEADER: sign(SECRET, body)},
    )
    for url in (server.cancel_url, server.notification_url):
        assert (
            http.post(url, content=b'{"barcodes": ["1"]}', headers={SIGNATURE_HEADER: "00"}).status_code
            == 401
        )
    assert [r.status_code for r in (missing, wrong, tampered)] == [401, 401, 401]
    assert missing.json()["error"] == "invalid_signature"
    assert server.state.tickets == {}


def test_the_double_encoded_body_of_pass_cultures_own_client_is_accepted(server, http):
    # pass Culture posts `json=payload.json()`: the body is a JSON string, the signature is of its content.
    inner = json.dumps(booking_payload())
    body = json.dumps(inner).encode()
    response = http.post(
        server.booking_url, content=body, headers={SIGNATURE_HEADER: sign(SECRET, inner.encode())}
    )
    assert response.status_code == 201


# -- booking -----------------------------------------------------------------------------------------


def test_a_booking_issues_ean13_barcodes_on_adjacent_seats(server, http):
    response = _book(http, server, quantity=2)
    assert response.status_code == 201
    body = response.json()
    assert body["remainingQuantity"] == 10
    assert [ticket["seat"] for ticket in body["tickets"]] == ["A1", "A2"]
    assert all(is_valid_ean13(ticket["barcode"]) for ticket in body["tickets"])
    assert len({ticket["barcode"] for ticket in body["tickets"]}) == 2


def test_a_duo_skips_a_row_where_no_two_seats_are_side_by_side(server, http):
    showtime = server.state.showtimes[STOCK]
    showtime.sold.update({"A1": "x", "A3": "y", "B2": "z", "B4": "w"})  # A2, A4, B1, B3 left apart
    body = _book(http, server, quantity=2).json()
    assert [ticket["seat"] for ticket in body["tickets"]] == ["C1", "C2"]


def test_when_no_adjacent_seats_remain_the_free_ones_are_given(server, http):
    server.state.set_capacity(STOCK, 4)  # only row A is on sale
    server.state.showtimes[STOCK].sold.update({"A1": "x", "A3": "y"})
    body = _book(http, server, quantity=2).json()
    assert [ticket["seat"] for ticket in body["tickets"]] == ["A2", "A4"]
    assert body["remainingQuantity"] == 0


def test_sold_out_and_not_enough_seats_answer_409_with_the_remaining_quantity(server, http):
    server.state.set_capacity(STOCK, 1)
    not_enough = _book(http, server, quantity=2)
    assert not_enough.status_code == 409
    assert not_enough.json()["error"] == "not_enough_seats"
    assert not_enough.json()["remainingQuantity"] == 1
    assert _book(http, server).json()["remainingQuantity"] == 0
    sold_out = _book(http, server)
    assert sold_out.status_code == 409
    assert (sold_out.json()["error"], sold_out.json()["remainingQuantity"]) == ("sold_out", 0)


def test_an_unknown_stock_is_a_404_unless_showtimes_are_created_on_demand(server, http):
    response = _book(http, server, stock_id_at_provider="NOPE")
    assert (response.status_code, response.json()["error"]) == (404, "unknown_stock")
    server.state.auto_create_showtimes = True
    created = _book(http, server, stock_id_at_provider="NEW")
    assert created.status_code == 201
    assert created.json()["remainingQuantity"] == 119


def test_two_threads_booking_the_last_seats_never_oversell(server, http):
    server.state.set_capacity(STOCK, 3)
    results = []
    barrier = threading.Barrier(6)

    def book():
        with httpx.Client(timeout=5) as client:
            barrier.wait()
            results.append(_book(client, server, quantity=1))

    threads = [threading.Thread(target=book) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(response.status_code for response in results) == [201] * 3 + [409] * 3
    seats = [
        t["seat"] for response in results if response.status_code == 201 for t in response.json()["tickets"]
    ]
    assert len(set(seats)) == 3
    assert server.state.showtimes[STOCK].remaining == 0


# -- cancellation ------------------------------------------------------------------------------------


def test_a_cancellation_frees_the_seats_and_is_idempotent(server, http):
    tickets = _book(http, server, quantity=2).json()["tickets"]
    barcodes = [ticket["barcode"] for ticket in tickets]
    first = signed_post(http, server.cancel_url, {"barcodes": barcodes})
    again = signed_post(http, server.cancel_url, {"barcodes": barcodes})
    assert (first.status_code, first.json()) == (200, {"remainingQuantity": 12})
    assert (again.status_code, again.json()) == (200, {"remainingQuantity": 12})
    # The freed seats are sold again.
    assert [t["seat"] for t in _book(http, server, quantity=2).json()["tickets"]] == ["A1", "A2"]


def test_an_unknown_barcode_cancels_nothing(server, http):
    barcode = _book(http, server).json()["tickets"][0]["barcode"]
    response = signed_post(http, server.cancel_url, {"barcodes": [barcode, "2000000000000"]})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_barcode"
    assert response.json()["barcodes"] == ["2000000000000"]
    assert server.state.showtimes[STOCK].remaining == 11


# -- notifications -----------------------------------------------------------------------------------


def test_notifications_are_recorded(server, http):
    response = signed_post(http, server.notification_url, booking_payload(action="BOOK"))
    assert response.status_code == 204
    assert signed_post(http, server.notification_url, {"action": "LOST"}).status_code == 400
    assert [event["action"] for event in server.state.events] == ["BOOK"]


# -- fault injection ---------------------------------------------------------------------------------


def test_a_slow_answer_makes_the_caller_time_out(server):
    server.state.set_faults(delay_seconds=0.6)
    with httpx.Client(timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        _book(client, server)
    server.state.set_faults(delay_seconds=0)


def test_the_next_calls_can_fail_with_500_then_recover(server, http):
    response = http.post(server.base_url + "/_control/faults", json={"fail_next": 2})
    assert response.json()["fail_next"] == 2
    assert [_book(http, server).status_code for _ in range(3)] == [500, 500, 201]


def test_the_connection_can_be_dropped_without_an_answer(server, http):
    server.state.set_faults(drop_next=1)
    with pytest.raises(httpx.RemoteProtocolError):
        _book(http, server)
    assert _book(http, server).status_code == 201


def test_the_control_api_sets_showtimes_and_capacity_and_shows_the_state(server, http):
    created = http.post(
        server.base_url + "/_control/showtimes", json={"stock_id_at_provider": "S2", "capacity": 2}
    )
    assert created.json()["remainingQuantity"] == 2
    http.post(server.base_url + "/_control/capacity", json={"stock_id_at_provider": "S2", "capacity": 0})
    assert _book(http, server, stock_id_at_provider="S2").json()["error"] == "sold_out"
    state = http.get(server.base_url + "/_control/state").json()
    assert {showtime["stock_id_at_provider"] for showtime in state["showtimes"]} == {STOCK, "S2"}
    assert http.post(server.base_url + "/_control/faults", json={"delay_seconds": 1e9}).status_code == 400


def test_the_control_api_can_be_disabled():
    from passculture.demo.reference_ticketing import ReferenceTicketingServer

    with ReferenceTicketingServer(SECRET, control=False) as server, httpx.Client() as http:
        assert http.get(server.base_url + "/_control/state").status_code == 404


# -- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"booking_quantity": 0}, "booking_quantity"),
        ({"booking_quantity": 3}, "booking_quantity"),
        ({"booking_quantity": True}, "booking_quantity"),
        ({"booking_quantity": "1"}, "booking_quantity"),
        ({"stock_id_at_provider": None}, "stock_id_at_provider"),
        ({"stock_id_at_provider": " "}, "stock_id_at_provider"),
        ({"user_birth_date": "14/05/2008"}, "user_birth_date"),
        ({"user_email": "x" * 300}, "user_email"),
        ({"venue_id": None}, "venue_id"),
    ],
)
def test_an_invalid_booking_is_a_400_naming_the_field(server, http, changes, field):
    response = _book(http, server, **changes)
    assert response.status_code == 400
    assert (response.json()["error"], response.json()["field"]) == ("invalid_payload", field)


def test_a_missing_field_is_a_400(server, http):
    payload = booking_payload()
    del payload["user_email"]
    response = signed_post(http, server.booking_url, payload)
    assert (response.status_code, response.json()["field"]) == (400, "user_email")


def test_a_body_over_the_limit_is_refused_unread(server, http):
    raw = b"{" + b" " * MAX_BODY_BYTES + b"}"
    assert signed_post(http, server.booking_url, None, raw=raw).status_code == 413


GARBAGE = [
    b"",
    b"null",
    b"[]",
    b'"just a string"',
    b"\xff\xfe\x00garbage",
    b"{" * 5000,
    b"[" * 5000 + b"]" * 5000,
    b'{"barcodes": "2012345678901"}',
    b'{"barcodes": [1, 2]}',
    b'{"barcodes": []}',
    b'{"booking_quantity": NaN}',
    b'{"booking_quantity": 1e999}',
    b'{"booking_quantity": ' + b"9" * 5000 + b"}",
    json.dumps(json.dumps("nested twice")).encode(),
]


@pytest.mark.parametrize("raw", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_gets_a_4xx_and_the_server_keeps_serving(server, http, raw):
    for url in (server.booking_url, server.cancel_url, server.notification_url):
        signed = signed_post(http, url, None, raw=raw)
        unsigned = http.post(url, content=raw)
        assert 400 <= signed.status_code < 500, (url, signed.text)
        assert unsigned.status_code == 401
    assert http.get(server.booking_url).status_code == 405
    assert http.put(server.cancel_url, content=raw).status_code == 405
    assert http.post(server.base_url + "/elsewhere").status_code == 404
    assert _book(http, server).status_code == 201


def test_a_client_that_never_sends_its_body_does_not_block_the_others(server, http):
    import socket

    host, port = server.httpd.server_address[:2]
    with socket.create_connection((host, port)) as stalled:
        stalled.sendall(b"POST /book HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        started = time.monotonic()
        assert _book(http, server).status_code == 201
        assert time.monotonic() - started < 2


def test_raw_garbage_on_the_socket_never_takes_the_server_down(server, http):
    import random
    import socket

    rng = random.Random(15)
    host, port = server.httpd.server_address[:2]
    for size in (1, 50, 500, 5000, 70000):
        with socket.create_connection((host, port), timeout=2) as raw:
            raw.sendall(bytes(rng.randrange(256) for _ in range(size)) + b"\r\n\r\n")
            try:
                answer = raw.recv(100)
            except OSError:
                answer = b""
            assert not answer.startswith(b"HTTP/1.1 5") and not answer.startswith(b"HTTP/1.0 5")
    assert _book(http, server).status_code == 201


def test_connections_beyond_the_limit_are_closed_and_the_server_recovers(http):
    import socket

    from passculture.demo.reference_ticketing import ReferenceTicketingServer
    from passculture.demo.reference_ticketing.server import _HTTPServer

    _HTTPServer.max_connections = 2
    try:
        with ReferenceTicketingServer(SECRET) as server:
            server.state.add_showtime(STOCK)
            host, port = server.httpd.server_address[:2]
            stalled = [socket.create_connection((host, port)) for _ in range(2)]
            time.sleep(0.2)
            with pytest.raises(httpx.TransportError):
                _book(http, server)
            for sock in stalled:
                sock.close()
            time.sleep(0.2)
            assert _book(http, server).status_code == 201
    finally:
        _HTTPServer.max_connections = MAX_CONNECTIONS
