"""The vendor contract's examples, replayed against the reference system: the page cannot drift.

Each ```sh block of docs/ticketing-provider-contract.md that starts with `curl` is sent as written (its
method, headers and body) and the answer is compared with the `# HTTP/1.1 ...` and `# {...}` lines under it.
"""

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from passculture.demo.reference_ticketing import ReferenceTicketingServer, sign

DOC = Path(__file__).resolve().parents[3] / "docs" / "ticketing-provider-contract.md"
SECRET = "demo-secret"


def _sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(), re.S)


def _example(block: str) -> tuple[list[str], int, dict | None]:
    lines = block.splitlines()
    command_lines = []
    while lines and not lines[0].startswith("#"):
        command_lines.append(lines.pop(0).rstrip("\\").strip())
    comments = [line.removeprefix("# ") for line in lines]
    status = int(comments[0].split()[1])
    body = json.loads(comments[1]) if len(comments) > 1 else None
    return shlex.split(" ".join(command_lines)), status, body


def _replay(args: list[str], base: str, http: httpx.Client) -> httpx.Response:
    assert args[0] == "curl"
    method, headers, data, url = "GET", {}, None, None
    rest = iter(args[1:])
    for arg in rest:
        if arg == "-X":
            method = next(rest)
        elif arg == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "--data-raw":
            data = next(rest).encode()
        elif arg in ("-s", "-i"):
            continue
        else:
            url = arg.replace("$BASE", base)
    assert url is not None
    return http.request(method, url, headers=headers, content=data)


def test_every_curl_example_of_the_contract_gives_the_documented_answer():
    examples = [_example(block) for block in _sh_blocks() if block.startswith("curl")]
    assert len(examples) >= 8
    with ReferenceTicketingServer(SECRET, seed=1) as server, httpx.Client(timeout=5) as http:
        server.state.add_showtime("ST-2026-12-12-2030", capacity=3)
        server.state.add_showtime("ST-2026-12-12-2230", capacity=0)
        for args, status, body in examples:
            response = _replay(args, server.base_url, http)
            assert response.status_code == status, args
            assert (response.json() if response.content else None) == body, args


def test_the_documented_payload_table_names_every_field_the_reference_reads():
    from passculture.demo.reference_ticketing.server import BOOKING_FIELDS

    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(), re.M))
    assert set(BOOKING_FIELDS) <= documented


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_documented_openssl_recipe_computes_the_signature():
    (recipe,) = [block for block in _sh_blocks() if block.startswith("printf")]
    body = '{"barcodes": ["2029141777631"]}'
    result = subprocess.run(
        ["sh", "-c", recipe],
        env={"BODY": body, "SECRET": SECRET, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == sign(SECRET, body.encode())


def test_the_command_line_prints_its_urls_and_serves():
    command = [
        sys.executable,
        "-m",
        "passculture.demo.reference_ticketing",
        "--port",
        "0",
        "--secret",
        SECRET,
    ]
    with subprocess.Popen(
        [*command, "--showtime", "S1:2"], stdout=subprocess.PIPE, text=True, env=_env()
    ) as process:
        try:
            urls = dict(process.stdout.readline().split(":", 1) for _ in range(4))
            cancel_url = urls["cancelUrl"].strip()
            body = b'{"barcodes": ["2000000000008"]}'
            response = httpx.post(
                cancel_url, content=body, headers={"PassCulture-Signature": sign(SECRET, body)}
            )
            assert response.json()["error"] == "unknown_barcode"
            assert urls["bookingUrl"].strip().endswith("/book")
        finally:
            process.terminate()
            process.wait(timeout=5)


def test_the_command_line_requires_a_secret():
    result = subprocess.run(
        [sys.executable, "-m", "passculture.demo.reference_ticketing", "--port", "0"],
        capture_output=True,
        text=True,
        env={**_env(), "REFERENCE_TICKETING_SECRET": ""},
        check=False,
    )
    assert result.returncode == 2
    assert "secret" in result.stderr


def _env() -> dict[str, str]:
    import os

    src = str(Path(__file__).resolve().parents[3] / "src")
    return {**os.environ, "PYTHONPATH": src}
