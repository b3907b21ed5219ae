"""The Allociné client against a local server replaying the proxy (no network)."""

import threading
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from passculture.core.providers.allocine.client import AllocineClient
from passculture.core.providers.allocine.exceptions import (
    AllocineBadPayload,
    AllocineRequestRejected,
    AllocineUnauthorized,
    AllocineUnavailable,
)

FEED = (Path(__file__).parent / "feeds" / "normal_theater.json").read_text()
PATH = "/api/query/movieShowtimeList"
THEATER = "P0671"
KEY = "test-allocine-key"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(httpserver, waits):
    with AllocineClient(
        base_url=httpserver.url_for("/api/query"), api_key=KEY, timeout=5, sleep=waits.append
    ) as allocine:
        yield allocine


def _serve_feed(httpserver, **kwargs):
    httpserver.expect_request(PATH, query_string={"theater": THEATER}, **kwargs).respond_with_data(
        FEED, content_type="application/json"
    )


def test_a_theater_programme_is_read_from_movie_showtime_list(httpserver, client):
    _serve_feed(httpserver)

    result = client.get_movie_showtimes(THEATER)

    assert [film.movie.internal_id for film in result.films] == [131136, 300001, 300002, 300003, 300004]
    assert result.errors == []


def test_the_api_key_is_sent_as_a_bearer_token(httpserver, client):
    _serve_feed(httpserver)

    client.get_movie_showtimes(THEATER)

    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == f"Bearer {KEY}"


def test_url_key_and_read_timeout_come_from_settings(settings, httpserver):
    settings.ALLOCINE_API_URL = httpserver.url_for("/api/query")
    settings.ALLOCINE_API_KEY = "key-from-settings"
    settings.ALLOCINE_API_TIMEOUT = 7
    _serve_feed(httpserver, headers={"Authorization": "Bearer key-from-settings"})

    with AllocineClient() as allocine:
        result = allocine.get_movie_showtimes(THEATER)

    assert len(result.films) == 5
    assert (allocine.timeout.connect, allocine.timeout.read) == (5.0, 7.0)


def test_the_default_timeouts_are_5_seconds_to_connect_and_20_to_read(settings):
    del settings.ALLOCINE_API_TIMEOUT

    with AllocineClient(api_key=KEY) as allocine:
        assert (allocine.timeout.connect, allocine.timeout.read) == (5.0, 20.0)


def test_the_default_base_url_is_the_allocine_proxy(settings):
    settings.ALLOCINE_API_URL = ""

    with AllocineClient(api_key=KEY) as allocine:
        assert allocine.base_url == "https://graph-api-proxy.allocine.fr/api/query"


def test_a_5xx_is_retried_and_the_next_answer_is_used(httpserver, client, waits):
    httpserver.expect_oneshot_request(PATH).respond_with_data("oops", status=500)
    _serve_feed(httpserver)

    result = client.get_movie_showtimes(THEATER)

    assert len(result.films) == 5
    assert len(httpserver.log) == 2
    assert len(waits) == 1


def test_three_5xx_in_a_row_make_allocine_unavailable(httpserver, client):
    httpserver.expect_request(PATH).respond_with_data("oops", status=502)

    with pytest.raises(AllocineUnavailable) as error:
        client.get_movie_showtimes(THEATER)

    assert error.value.code == "ALLOCINE_UNAVAILABLE"
    assert len(httpserver.log) == 3


def test_the_wait_between_attempts_doubles(httpserver, waits):
    httpserver.expect_request(PATH).respond_with_data("oops", status=503)

    with (
        AllocineClient(
            base_url=httpserver.url_for("/api/query"), api_key=KEY, backoff=0.5, sleep=waits.append
        ) as allocine,
        pytest.raises(AllocineUnavailable),
    ):
        allocine.get_movie_showtimes(THEATER)

    assert waits == [0.5, 1.0]


def test_a_theater_that_times_out_makes_allocine_unavailable(waits):
    # Its own server: the shared one would still answer these requests during the next test.
    released = threading.Event()

    def slow(request: Request) -> Response:
        released.wait(5)
        return Response(FEED, content_type="application/json")

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(PATH).respond_with_handler(slow)
    server.start()
    try:
        with (
            AllocineClient(
                base_url=server.url_for("/api/query"), api_key=KEY, timeout=0.05, sleep=waits.append
            ) as allocine,
            pytest.raises(AllocineUnavailable) as error,
        ):
            allocine.get_movie_showtimes(THEATER)
    finally:
        released.set()
        server.stop()

    assert isinstance(error.value.__cause__, httpx.TimeoutException)
    assert len(waits) == 2


def test_a_network_error_is_retried_then_makes_allocine_unavailable(waits):
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    with (
        AllocineClient(
            base_url="http://allocine.invalid/api/query",
            api_key=KEY,
            transport=httpx.MockTransport(refuse),
            sleep=waits.append,
        ) as allocine,
        pytest.raises(AllocineUnavailable),
    ):
        allocine.get_movie_showtimes(THEATER)

    assert len(calls) == 3


def test_an_injected_transport_replaces_the_network():
    def replay(request: httpx.Request) -> httpx.Response:
        assert request.url.params["theater"] == THEATER
        return httpx.Response(200, content=FEED.encode(), headers={"Content-Type": "application/json"})

    with AllocineClient(
        base_url="http://allocine.invalid/api/query", api_key=KEY, transport=httpx.MockTransport(replay)
    ) as allocine:
        assert len(allocine.get_movie_showtimes(THEATER).films) == 5


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_unauthorized_and_not_retried(httpserver, client, status):
    httpserver.expect_request(PATH).respond_with_json({"error": "invalid token"}, status=status)

    with pytest.raises(AllocineUnauthorized) as error:
        client.get_movie_showtimes(THEATER)

    assert error.value.code == "ALLOCINE_UNAUTHORIZED"
    assert len(httpserver.log) == 1


def test_another_4xx_is_rejected_and_not_retried(httpserver, client):
    httpserver.expect_request(PATH).respond_with_json({"error": "unknown theater"}, status=404)

    with pytest.raises(AllocineRequestRejected):
        client.get_movie_showtimes(THEATER)

    assert len(httpserver.log) == 1


def test_without_api_key_no_request_is_made(httpserver, settings):
    settings.ALLOCINE_API_KEY = ""

    with (
        AllocineClient(base_url=httpserver.url_for("/api/query")) as allocine,
        pytest.raises(AllocineUnauthorized),
    ):
        allocine.get_movie_showtimes(THEATER)

    assert httpserver.log == []


def test_invalid_json_is_a_bad_payload(httpserver, client):
    httpserver.expect_request(PATH).respond_with_data(
        '{"movieShowtimeList": {"edges": [', content_type="application/json"
    )

    with pytest.raises(AllocineBadPayload) as error:
        client.get_movie_showtimes(THEATER)

    assert error.value.code == "ALLOCINE_BAD_PAYLOAD"
    assert len(httpserver.log) == 1


def test_an_invalid_film_in_the_answer_is_reported_and_the_others_kept(httpserver, client):
    feed = (Path(__file__).parent / "feeds" / "invalid_film_among_valid.json").read_text()
    httpserver.expect_request(PATH).respond_with_data(feed, content_type="application/json")

    result = client.get_movie_showtimes(THEATER)

    assert (len(result.films), len(result.errors)) == (2, 2)
