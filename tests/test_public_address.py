"""The address echo behind "My address": one GET, an IP address or a reason, never more.

Answers come from `httpx.MockTransport` (no network) or, for the real exchange, from a
loopback stand-in (`loopback`). The guard that keeps every test on loopback is tested
here too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx
import pytest

from insta_nb.config import DEFAULT_ADDRESS_ECHO_URL, ENV_ADDRESS_ECHO_URL
from insta_nb.errors import ConfigurationError
from insta_nb.public_address import (
    AddressLookup,
    echo_url,
    lookup_public_address,
    parse_echo,
    service_name,
)
from tests.harness import network_guard
from tests.harness.address_echo import address_echo

ECHO = "https://checkip.example.test"


def answered(status: int, body: bytes, seen: list[httpx.Request] | None = None) -> AddressLookup:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, content=body)

    transport = httpx.MockTransport(handler)
    return asyncio.run(lookup_public_address(ECHO, transport=transport))


# -- what counts as an answer ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"203.0.113.7\n", "203.0.113.7"),
        (b"  198.51.100.23 \r\n", "198.51.100.23"),
        (b"2001:db8::1\n", "2001:db8::1"),
    ],
)
def test_an_address_is_taken_as_it_is(body: bytes, expected: str) -> None:
    assert parse_echo(body) == ipaddress.ip_address(expected)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"<html><body>Log in to the hotel wifi</body></html>", "not an IP address"),
        (b"203.0.113.7, 10.0.0.1", "not an IP address"),
        (b"203.0.113.7/32", "not an IP address"),
        (b"", "not an IP address"),
        (b"\xff\xfe1.2.3.4", "not an IP address"),
        (b"1.2.3.4" + b" " * 100, "too long"),
        (b"127.0.0.1", "not an address the internet can see"),
        (b"0.0.0.0", "not an address the internet can see"),
        (b"224.0.0.1", "not an address the internet can see"),
        (b"169.254.10.10", "link-local"),
    ],
)
def test_anything_else_is_refused(body: bytes, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_echo(body)


# -- one GET, and every failure becomes a reason ----------------------------------------


def test_one_get_to_the_echo_gives_the_address_and_its_one_host_network() -> None:
    seen: list[httpx.Request] = []
    lookup = answered(200, b"203.0.113.7\n", seen)
    assert lookup == AddressLookup("checkip.example.test", ipaddress.ip_address("203.0.113.7"))
    assert lookup.cidr == "203.0.113.7/32"
    assert [(r.method, str(r.url)) for r in seen] == [("GET", f"{ECHO}")]
    assert "authorization" not in {k.lower() for k in seen[0].headers}


def test_an_ipv6_answer_is_a_128_network() -> None:
    assert answered(200, b"2001:db8::7").cidr == "2001:db8::7/128"


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (503, b"203.0.113.7", "it answered 503"),
        (301, b"", "it answered 301"),  # a redirect is not followed
        (200, b"<html>captive portal</html>", "the answer is not an IP address"),
        (200, b"9" * 10_000, "the answer is too long to be an address"),
    ],
)
def test_a_bad_answer_is_a_reason_not_an_address(status: int, body: bytes, problem: str) -> None:
    lookup = answered(status, body)
    assert (lookup.address, lookup.cidr, lookup.problem) == (None, None, problem)


@pytest.mark.parametrize(
    ("failure", "problem"),
    [
        (httpx.ConnectError("no route"), "could not connect"),
        (httpx.ReadTimeout("slow"), "no answer within 4 s"),
        (httpx.RemoteProtocolError("broken"), "the exchange failed (RemoteProtocolError)"),
    ],
)
def test_a_failed_exchange_is_a_reason(failure: Exception, problem: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    lookup = asyncio.run(lookup_public_address(ECHO, transport=httpx.MockTransport(handler)))
    assert lookup == AddressLookup("checkip.example.test", problem=problem)


# -- the setting --------------------------------------------------------------------------


def test_the_echo_is_a_setting_with_an_https_default() -> None:
    assert echo_url({}) == DEFAULT_ADDRESS_ECHO_URL == "https://checkip.amazonaws.com"
    assert echo_url({ENV_ADDRESS_ECHO_URL: " "}) == DEFAULT_ADDRESS_ECHO_URL
    assert echo_url({ENV_ADDRESS_ECHO_URL: "https://ip.example.org/raw"}) == (
        "https://ip.example.org/raw"
    )
    assert echo_url({ENV_ADDRESS_ECHO_URL: "http://127.0.0.1:8123/"}) == "http://127.0.0.1:8123/"
    assert echo_url({ENV_ADDRESS_ECHO_URL: "http://[::1]:8123/"}) == "http://[::1]:8123/"
    assert service_name("https://checkip.amazonaws.com") == "checkip.amazonaws.com"
    assert service_name("http://127.0.0.1:8123/") == "127.0.0.1:8123"


@pytest.mark.parametrize(
    "value",
    [
        "http://checkip.example.org",  # anyone on the way could answer
        "ftp://checkip.example.org",
        "checkip.amazonaws.com",
        "https://user:pw@checkip.example.org",
        "https://",
        "http://127.0.0.1:99999/",
    ],
)
def test_a_bad_setting_is_refused_naming_it(value: str) -> None:
    with pytest.raises(ConfigurationError, match=ENV_ADDRESS_ECHO_URL):
        echo_url({ENV_ADDRESS_ECHO_URL: value})


# -- the real exchange, with a loopback stand-in -----------------------------------------


@pytest.mark.loopback
def test_a_real_get_to_a_loopback_echo_sends_one_request() -> None:
    with address_echo(b"198.51.100.23\n") as echo:
        lookup = asyncio.run(lookup_public_address(echo.url, timeout=5))
        assert echo.requests == 1
    assert lookup.cidr == "198.51.100.23/32"
    assert lookup.service == echo.url.removeprefix("http://").rstrip("/")


@pytest.mark.loopback
def test_a_silent_echo_gives_up_within_the_timeout() -> None:
    with address_echo() as echo:
        echo.delay = 2.0
        lookup = asyncio.run(lookup_public_address(echo.url, timeout=0.3))
    assert lookup.address is None
    assert lookup.problem == "no answer within 0.3 s"


# -- the guard that keeps tests on loopback ----------------------------------------------


def test_the_guard_refuses_and_records_a_connection_outside_loopback() -> None:
    with network_guard.refusals_expected() as refused:
        with socket.socket() as sock, pytest.raises(PermissionError, match="loopback only"):
            sock.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
        with socket.socket(socket.AF_INET6) as sock, pytest.raises(PermissionError):
            sock.connect_ex(("2001:db8::1", 9))
    assert refused == ["192.0.2.1:9", "2001:db8::1:9"]
    with socket.socket() as sock:  # loopback is let through (nothing listens on 9)
        assert sock.connect_ex(("127.0.0.1", 9)) != 0
    assert network_guard.is_loopback_host("::ffff:127.0.0.1")
    assert not network_guard.is_loopback_host("example.org")


def test_tests_ask_a_dead_loopback_echo_unless_they_say_otherwise() -> None:
    # Set by the guard for this process and by the harness for kernels it starts.
    assert network_guard.is_loopback_host(httpx.URL(echo_url()).host)
