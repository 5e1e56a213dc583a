"""The address the internet sees this machine as: one GET to a plain-text address echo.

A firewall rule must name the address a cluster sees connections come from. Behind NAT
(a laptop at home, a cloud notebook, a CI runner) that is not any local interface's
address, so the create form's "My address" asks a service that answers with the
caller's address as plain text. It asks only when a person clicks, once per click:
nothing here runs on import or on a timer, and no API credentials are involved.

The answer must parse as one IP address (:mod:`ipaddress`); anything else — a captive
portal's HTML page, a proxy's error text, an oversized body — is refused, so it can never
become a firewall rule. The service is a setting, ``INSTA_NB_ADDRESS_ECHO_URL``
(default ``https://checkip.amazonaws.com``). It must be HTTPS unless it is on loopback
(a test's stand-in): over plain HTTP anyone on the path could answer with an address of
their choosing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from insta_nb.config import (
    DEFAULT_ADDRESS_ECHO_URL,
    DEFAULT_ADDRESS_LOOKUP_TIMEOUT,
    ENV_ADDRESS_ECHO_URL,
)
from insta_nb.errors import ConfigurationError

__all__ = ["AddressLookup", "echo_url", "lookup_public_address", "parse_echo", "service_name"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: "255.255.255.255\n" is 16 bytes and the longest IPv6 text 45: anything much longer is
#: not an address, and we stop reading there.
MAX_ECHO_BYTES = 64
_LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class AddressLookup:
    """What one lookup found.

    Attributes:
        service: The echo's host (and port), as a person would recognise it.
        address: The address the echo saw, or ``None``.
        problem: Why there is no address ("timed out after 4 s", "answered 503", …).
    """

    service: str
    address: IPAddress | None = None
    problem: str | None = None

    @property
    def cidr(self) -> str | None:
        """The address as a one-host network (``/32``, or ``/128`` for IPv6)."""
        if self.address is None:
            return None
        return f"{self.address}/{self.address.max_prefixlen}"


def echo_url(environ: Mapping[str, str] | None = None) -> str:
    """The address echo to ask: ``INSTA_NB_ADDRESS_ECHO_URL``, else the default.

    Raises:
        ConfigurationError: The setting is not an ``https://`` URL with a host (``http://``
            is accepted for loopback only); the message names the setting.
    """
    text = (os.environ if environ is None else environ).get(ENV_ADDRESS_ECHO_URL, "").strip()
    if not text:
        return DEFAULT_ADDRESS_ECHO_URL
    try:
        parts = urllib.parse.urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises here
    except ValueError:
        host, parts = "", urllib.parse.urlsplit("")
    if not host or parts.scheme not in ("https", "http") or parts.username or parts.password:
        raise ConfigurationError(
            f"{ENV_ADDRESS_ECHO_URL} must be an https:// URL of a plain-text address echo, "
            f"such as {DEFAULT_ADDRESS_ECHO_URL}"
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise ConfigurationError(
            f"{ENV_ADDRESS_ECHO_URL} must use https:// (plain http:// is accepted only on "
            "loopback): over http anyone on the way could answer with another address"
        )
    return text


def service_name(url: str) -> str:
    """The part of an echo URL a person recognises: its host, and its port if it has one."""
    parts = urllib.parse.urlsplit(url)
    return parts.netloc.rpartition("@")[2] or url


def parse_echo(body: bytes) -> IPAddress:
    """The address in an echo's answer: one IP address as text, surrounding space allowed.

    Raises:
        ValueError: The answer is anything else, or an address no firewall rule can use
            (loopback, unspecified, multicast, link-local); the message says which.
    """
    if len(body) > MAX_ECHO_BYTES:
        raise ValueError("the answer is too long to be an address")
    try:
        text = body.decode("ascii").strip()
        address = ipaddress.ip_address(text)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the answer is not an IP address") from None
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        raise ValueError(f"the answer {address} is not an address the internet can see")
    if address.is_link_local:
        raise ValueError(f"the answer {address} is a link-local address")
    return address


async def lookup_public_address(
    url: str,
    *,
    timeout: float = DEFAULT_ADDRESS_LOOKUP_TIMEOUT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AddressLookup:
    """Ask the echo at ``url`` once which address it sees; never raises for its failures.

    Args:
        url: An echo URL, as :func:`echo_url` returns.
        timeout: Seconds for the whole exchange (connect, TLS, answer).
        transport: For tests; default: a real connection (proxies from the environment
            are honoured, except for loopback).

    Returns:
        The address, or the reason there is none, in words for the person who clicked.
    """
    service = service_name(url)
    host = urllib.parse.urlsplit(url).hostname or ""
    client = httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,  # an echo answers itself; a redirect is not an answer
        trust_env=not _is_loopback(host),
        headers={"Accept": "text/plain", "User-Agent": "insta_nb (My address)"},
    )
    try:
        async with asyncio.timeout(timeout), client, client.stream("GET", url) as response:
            if response.status_code != 200:
                return AddressLookup(service, problem=f"it answered {response.status_code}")
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ECHO_BYTES:
                    break
        return AddressLookup(service, address=parse_echo(body))
    except ValueError as refused:
        return AddressLookup(service, problem=str(refused))
    except TimeoutError:
        return AddressLookup(service, problem=f"no answer within {timeout:g} s")
    except httpx.TimeoutException:
        return AddressLookup(service, problem=f"no answer within {timeout:g} s")
    except httpx.HTTPError as failed:
        return AddressLookup(service, problem=_describe(failed))
    except OSError as failed:
        return AddressLookup(service, problem=f"{type(failed).__name__}")


def _describe(failed: httpx.HTTPError) -> str:
    if isinstance(failed, httpx.ConnectError):
        return "could not connect"
    if isinstance(failed, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "the URL cannot be used"
    return f"the exchange failed ({type(failed).__name__})"


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
