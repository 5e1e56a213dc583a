"""Requests no client should send, to the simulator: a 4xx with a JSON body, never a 500,
and the server stays up. In-process, and once over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock

ROOT = "/provisioning/v1"
LIMIT = 10_000
VALID = {
    "clusterName": "robust",
    "bundles": [{"bundle": "APACHE_CASSANDRA", "version": "4.0.1"}],
    "provider": {"name": "AWS_VPC"},
    "slaTier": "NON_PRODUCTION",
    "nodeSize": "t3.small-v2",
    "dataCentre": "US_WEST_2",
    "clusterNetwork": "10.224.0.0/16",
    "rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 1},
}
VALID_BYTES = json.dumps(VALID).encode()
JSON = {"content-type": "application/json"}
CID = "{cid}"  # replaced by a real cluster id


class Bad(NamedTuple):
    method: str
    path: str
    content: bytes = b""
    headers: dict[str, str] = JSON


def bad_requests() -> dict[str, Bad]:
    """Every kind of bad request, by name."""
    cases: dict[str, Bad] = {}
    for index, cut in enumerate(range(1, len(VALID_BYTES), 23)):
        cases[f"truncated create {index}"] = Bad("POST", f"{ROOT}/extended/", VALID_BYTES[:cut])
    malformed = {
        "brace": b"{",
        "single quotes": b"{'a': 1}",
        "trailing comma": b'{"clusterName": "x",}',
        "two documents": b'{"a": 1}{"b": 2}',
        "NaN": b'{"clusterName": NaN}',
        "bad utf-8": b'{"clusterName": "\xff\xfe"}',
        "deep nesting": b"[" * 50_000 + b"]" * 50_000,
        "huge number": b'{"rackAllocation": {"numberOfRacks": 1' + b"0" * 5000 + b"}}",
        "null": b"null",
        "string": b'"create me"',
        "nul bytes": b"\x00" * 100,
    }
    for name, body in malformed.items():
        cases[f"malformed: {name}"] = Bad("POST", f"{ROOT}/extended/", body)
        cases[f"malformed rule: {name}"] = Bad("POST", f"{ROOT}/{CID}/firewallRules/", body)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        cases[f"content-type {content_type}"] = Bad(
            "POST", f"{ROOT}/extended/", VALID_BYTES, {"content-type": content_type}
        )
    cases["oversized body"] = Bad("POST", f"{ROOT}/extended/", b" " * (LIMIT + 1) + VALID_BYTES)
    cases["oversized rule body"] = Bad("POST", f"{ROOT}/{CID}/firewallRules/", b"[" * (LIMIT + 1))
    for path in (
        "/",
        "/provisioning/v2",
        f"{ROOT}/{CID}/nodes",
        f"{ROOT}/../admin",
        f"{ROOT}/%00",
        f"{ROOT}/" + "a" * 3000,
        "/provisioning/v1/encryption-keys/x/y",
    ):
        cases[f"unknown path {path[:30]}"] = Bad("GET", path)
    for method in ("PATCH", "OPTIONS", "TRACE", "BREW", "PROPFIND"):
        cases[f"method {method}"] = Bad(method, f"{ROOT}/{CID}")
    cases["PUT on the list"] = Bad("PUT", ROOT, VALID_BYTES)
    cases["DELETE on the list"] = Bad("DELETE", ROOT)
    cases["POST on a cluster"] = Bad("POST", f"{ROOT}/{CID}", VALID_BYTES)
    return cases


CASES = bad_requests()


def check(response: httpx.Response, name: str) -> None:
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:200])
    assert response.headers["content-type"].startswith("application/json"), name
    body = response.json()
    assert isinstance(body, dict), name
    assert isinstance(body.get("message"), str), (name, body)
    assert body["message"], name


def in_process() -> tuple[Simulator, FakeClock]:
    clock = FakeClock()
    sim = Simulator(clock=clock, settings=SimulatorSettings(interval=None, max_body_bytes=LIMIT))
    return sim, clock


async def send_all(
    client: httpx.AsyncClient, cases: dict[str, Bad], cid: str
) -> dict[str, httpx.Response]:
    out = {}
    for name, bad in cases.items():
        out[name] = await client.request(
            bad.method, bad.path.replace(CID, cid), content=bad.content, headers=bad.headers
        )
        # The server is still up and still right after every one of them.
        alive = await client.get(ROOT)
        assert alive.status_code == 200, (name, alive.status_code)
    return out


def auth(sim: Simulator) -> tuple[str, str]:
    return sim.credentials.username, sim.credentials.api_key


def test_bad_requests_in_process(figure: Callable[[str, object], None]) -> None:
    """Injected: malformed and truncated JSON (23 cuts of a valid create), wrong content
    types, unknown paths and methods, bodies over the size limit, to the in-process
    simulator.
    Checked: each gets a 4xx whose JSON body has a message; after each one the list
    still answers; the simulator recorded no internal error; no cluster was created by
    any of them."""
    sim, _ = in_process()

    async def go() -> dict[str, httpx.Response]:
        async with httpx.AsyncClient(
            transport=sim.transport(), base_url=sim.url, auth=auth(sim)
        ) as client:
            created = await client.post(f"{ROOT}/extended/", json=VALID)
            cid = created.json()["id"]
            return await send_all(client, CASES, cid)

    responses = asyncio.run(go())
    for name, response in responses.items():
        check(response, name)
    assert sim.app_errors == []
    assert [c.name for c in sim.cluster_records()] == ["robust"]
    figure("bad requests", len(responses))
    figure("distinct 4xx statuses", sorted({r.status_code for r in responses.values()}))


@pytest.fixture
def served() -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(settings=SimulatorSettings(interval=None, max_body_bytes=LIMIT))
    with sim.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        yield sim, url
    assert sim.app_errors == []


@pytest.mark.loopback
def test_bad_requests_over_loopback_http(
    served: tuple[Simulator, str], figure: Callable[[str, object], None]
) -> None:
    """Injected: the same bad requests over real HTTP to the simulator served on
    127.0.0.1, then raw bytes no HTTP client sends (garbage, a truncated body, a huge
    header, a body longer than declared), each on its own connection.
    Checked: every request the application sees gets a 4xx JSON body; the raw ones get
    a 4xx or a closed connection; the server keeps answering; no internal error."""
    sim, url = served

    async def go() -> dict[str, httpx.Response]:
        async with httpx.AsyncClient(base_url=url, auth=auth(sim), timeout=10) as client:
            created = await client.post(f"{ROOT}/extended/", json=VALID)
            return await send_all(client, CASES, created.json()["id"])

    responses = asyncio.run(go())
    for name, response in responses.items():
        check(response, name)
    raw = raw_exchanges(url)
    for name, status in raw.items():
        assert status is None or 400 <= status < 500, (name, status)
    assert httpx.get(f"{url}{ROOT}", auth=auth(sim), timeout=10).status_code == 200
    figure("bad requests over HTTP", len(responses) + len(raw))


RAW: dict[str, bytes] = {
    "garbage": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    "no version": b"GET /provisioning/v1\r\n\r\n",
    "bad header": b"GET /provisioning/v1 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
    "huge header": b"GET /provisioning/v1 HTTP/1.1\r\nHost: x\r\nX-A: "
    + b"a" * 200_000
    + b"\r\n\r\n",
    "truncated body": (
        b"POST /provisioning/v1/extended/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
        b"\r\nContent-Length: 500\r\n\r\n" + VALID_BYTES[:40]
    ),
    "negative length": (
        b"POST /provisioning/v1/extended/ HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"
    ),
}


def raw_exchanges(url: str) -> dict[str, int | None]:
    """Send each raw request on its own connection; the status line's code, or None."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    out: dict[str, int | None] = {}
    for name, payload in RAW.items():
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=5) as conn:
            try:
                conn.sendall(payload)
                conn.shutdown(socket.SHUT_WR)
                answer = conn.recv(200)
            except OSError:
                answer = b""
        status = None
        if answer.startswith(b"HTTP/1.1 "):
            status = int(answer[9:12])
        out[name] = status
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.integers(0, len(VALID_BYTES)).map(lambda n: VALID_BYTES[:n]),
        st.tuples(st.integers(0, len(VALID_BYTES)), st.binary(min_size=1, max_size=5)).map(
            lambda t: VALID_BYTES[: t[0]] + t[1] + VALID_BYTES[t[0] :]
        ),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=latin-1", "text/html", "", "*/*"]
    ),
    endpoint=st.sampled_from(["create", "legacy", "rule", "rule-delete", "key", "put"]),
)
def test_fuzzed_bodies_never_get_a_500(body: bytes, content_type: str, endpoint: str) -> None:
    """Injected: random bytes, valid bodies cut anywhere, valid bodies with random bytes
    spliced in, under several content types, to every endpoint that reads a body.
    Checked: never a 5xx; a 4xx always has a JSON message; a 2xx only for a body that
    is valid JSON."""
    sim, _ = in_process()

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=sim.transport(), base_url=sim.url, auth=auth(sim)
        ) as client:
            cid = (await client.post(f"{ROOT}/extended/", json=VALID)).json()["id"]
            method, path = {
                "create": ("POST", f"{ROOT}/extended/"),
                "legacy": ("POST", f"{ROOT}/"),
                "rule": ("POST", f"{ROOT}/{cid}/firewallRules/"),
                "rule-delete": ("DELETE", f"{ROOT}/{cid}/firewallRules/"),
                "key": ("POST", f"{ROOT}/encryption-keys"),
                "put": ("PUT", f"{ROOT}/{cid}"),
            }[endpoint]
            headers = {"content-type": content_type} if content_type else {}
            return await client.request(method, path, content=body, headers=headers)

    response = asyncio.run(go())
    assert response.status_code < 500, response.text
    assert sim.app_errors == []
    if response.status_code >= 400:
        check(response, endpoint)
    else:
        json.loads(body)
