"""A client written only from the docs page: it reads the curl commands and the answers shown on
/api/v2/docs, replays each command against a live server and compares what comes back with the page.

The page's situations (examples.SITUATIONS) are set up with the same countermarks, the reader's shell
variables (CLE, EMAIL...) are given values, and nothing else about the API is known here: an example that
drifts from the API fails this test.
"""

import json
import re
import shlex
from dataclasses import dataclass
from html import unescape

import httpx
import pytest

from passculture.core.offerers import api_keys
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import TEST_PASSWORD

from .conftest import build_scenario

ROUTES = {
    ("GET", "/bookings/token/"),
    ("PATCH", "/bookings/use/token/"),
    ("PATCH", "/bookings/keep/token/"),
    ("PATCH", "/bookings/cancel/token/"),
}
ERROR_CODES = {
    "UNAUTHENTICATED",
    "INVALID_API_KEY",
    "API_KEY_REVOKED",
    "INVALID_CREDENTIALS",
    "COUNTERMARK_NOT_FOUND",
    "INVALID_COUNTERMARK",
    "BOOKING_OTHER_OFFERER",
    "BOOKING_CANCELLED",
    "BOOKING_ALREADY_USED",
    "BOOKING_NOT_USED",
    "BOOKING_REIMBURSED",
    "BOOKING_NOT_YET_VALIDATABLE",
    "RATE_LIMITED",
}
# Values that depend on the database or the clock, not on the documented situation.
VARYING = {"bookingId", "offerId", "publicOfferId", "datetime"}


@dataclass
class Documented:
    status: int
    headers: dict[str, str]
    body: dict | None


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str]
    auth: tuple[str, str] | None
    body: str | None = None


def _blocks(html: str, css_class: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'<code class="{css_class}">(.*?)</code>', html, re.S)]


def _variables(html: str) -> dict[str, str]:
    (block,) = _blocks(html, "api-variables")
    return dict(re.findall(r"^([A-Z_]+)=(\S+)", block, re.M))


def _expand(command: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$([A-Z_]+)", lambda m: variables[m[1]], command)


def parse_curl(command: str) -> Call:
    """The subset of curl the pages use: -s -i -o -w -X -H -u -d and one URL (also the public API's page)."""
    args = shlex.split(command)
    assert args[0] == "curl", command
    method, url, headers, auth, body = "GET", "", {}, None, None
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-s", "-i"):
            continue
        if arg in ("-o", "-w"):
            next(rest)
        elif arg == "-X":
            method = next(rest)
        elif arg == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-u":
            user, _, password = next(rest).partition(":")
            auth = (user, password)
        elif arg == "-d":
            body = next(rest)
        else:
            assert not arg.startswith("-"), f"curl option the replay does not know: {arg}"
            url = arg
    return Call(method, url, headers, auth, body)


def commands(block: str, variables: dict[str, str]) -> list[tuple[int, Call]]:
    """(times, call) for each command of a block; `for i in $(seq N); do curl ...; done` repeats."""
    result = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.strip()
        loop = re.fullmatch(r"for i in \$\(seq (\d+)\); do (curl .+); done", line)
        if loop:
            result.append((int(loop[1]), parse_curl(_expand(loop[2], variables))))
        elif line.startswith("curl "):
            result.append((1, parse_curl(_expand(line, variables))))
        else:
            assert not line, f"a line the replay does not understand: {line!r}"
    return result


def parse_response(block: str) -> Documented:
    head, _, body = block.partition("\n\n")
    status_line, *header_lines = head.splitlines()
    status = int(re.fullmatch(r"HTTP/1\.1 (\d{3}) .+", status_line)[1])
    headers = dict(line.split(": ", 1) for line in header_lines)
    return Documented(status, headers, json.loads(body) if body.strip() else None)


def send(client: httpx.Client, call: Call) -> httpx.Response:
    return client.request(call.method, call.url, headers=call.headers, auth=call.auth, content=call.body)


@pytest.fixture
def documented_world(transactional_db):
    """The docs page's situations and the reader's credentials."""
    venue = VenueFactory(name="Cinéma Lumière")
    pro = MembershipFactory(offerer=venue.offerer).user
    build_scenario(venue, pro)
    revoked = api_keys.create_api_key(venue.offerer_id, actor=pro)
    api_keys.revoke_api_key(revoked.key.pk, actor=pro)
    return {
        "CLE": api_keys.create_api_key(venue.offerer_id, actor=pro).clear_key,
        "CLE_REVOQUEE": revoked.clear_key,
        "EMAIL": pro.email,
        "MOT_DE_PASSE": TEST_PASSWORD,
    }


def replay(client: httpx.Client, html: str, variables: dict[str, str]):
    """Replays each curl block of a docs page in order (also the public API's page): yields
    (where, calls, documented answer, response, body or None), the status, the headers and an empty body
    already checked, and for an error body its shape and code."""
    curls, answers = _blocks(html, "api-curl"), _blocks(html, "api-response")
    assert len(curls) == len(answers) > 0
    for curl_block, answer_block in zip(curls, answers, strict=True):
        expected = parse_response(answer_block)
        calls = commands(curl_block, variables)
        response = None
        for times, call in calls:
            for _ in range(times):
                response = send(client, call)
        assert response is not None, curl_block
        where = f"\n{curl_block}\n-> {response.status_code} {response.text}"
        assert response.status_code == expected.status, where
        for name, value in expected.headers.items():
            assert name in response.headers, where
            if name not in ("Retry-After",):
                assert response.headers[name] == value, where
        if expected.body is None:
            assert response.content == b"", where
            yield where, [call for _times, call in calls], expected, response, None
            continue
        body = response.json()
        assert set(body) == set(expected.body), where
        if "code" in expected.body:
            assert body["code"] == expected.body["code"], where
        yield where, [call for _times, call in calls], expected, response, body


def test_every_curl_example_of_the_docs_page_answers_what_the_page_shows(live_server, documented_world):
    with httpx.Client(timeout=10) as client:
        page = client.get(f"{live_server.url}/api/v2/docs")
        assert page.status_code == 200
        html = page.text
        variables = {**_variables(html), **documented_world}
        assert variables["API"] == f"{live_server.url}/api/v2"

        seen_routes, seen_codes = set(), set()
        for where, calls, expected, _response, body in replay(client, html, variables):
            for call in calls:
                path = call.url.removeprefix(variables["API"])
                seen_routes.add((call.method, path[: path.rindex("/") + 1]))
            if body is None:
                continue
            if "code" in expected.body:
                seen_codes.add(body["code"])
                continue
            for name, value in expected.body.items():
                if name == "datetime":
                    assert (body[name] == "") == (value == ""), where
                elif name in VARYING:
                    assert type(body[name]) is type(value), where
                else:
                    assert body[name] == value, f"{name}: {where}"

    assert seen_routes == ROUTES
    assert seen_codes == ERROR_CODES
