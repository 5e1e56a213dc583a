"""Tests reach loopback only: a socket connection anywhere else is refused and recorded.

The rule of the house (only 127.0.0.1) enforced in the test process: once `install()`ed,
`socket.socket.connect`/`connect_ex` to an address that is not loopback raises
`PermissionError` (an `OSError`, as a firewall would cause) and is recorded, and the
autouse fixture in tests/conftest.py fails the test that tried, even when the code under
test handled the error. Unix sockets and loopback (127.0.0.0/8, ::1, "localhost") pass.

It also points "My address" (`INSTA_NB_ADDRESS_ECHO_URL`) at a dead loopback port unless a
test sets it, so no test and no kernel a test starts asks the real echo service.
Subprocesses (kernels, servers) are not guarded by the patch; the harness gives them the
same setting and only loopback URLs.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from insta_nb.config import ENV_ADDRESS_ECHO_URL

#: Nothing listens on port 9 (discard) here: a request there fails at once.
DEAD_ECHO_URL = "http://127.0.0.1:9/"

_attempts: list[str] = []
_lock = threading.Lock()
_installed = False


def install() -> None:
    """Patch `socket.socket` once for this process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        os.environ.setdefault(ENV_ADDRESS_ECHO_URL, DEAD_ECHO_URL)
        original_connect = socket.socket.connect
        original_connect_ex = socket.socket.connect_ex

        def connect(self: socket.socket, address: Any) -> None:
            _check(self, address)
            original_connect(self, address)

        def connect_ex(self: socket.socket, address: Any) -> int:
            _check(self, address)
            return original_connect_ex(self, address)

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        _installed = True


def attempts() -> list[str]:
    """Every refused destination so far ("host:port"), oldest first."""
    with _lock:
        return list(_attempts)


def is_loopback_host(host: str) -> bool:
    """True for "localhost" and any loopback address (IPv4-mapped ones too)."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _check(sock: socket.socket, address: Any) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets and the like never leave the machine
    host, port = str(address[0]), address[1]
    if is_loopback_host(host):
        return
    with _lock:
        _attempts.append(f"{host}:{port}")
    raise PermissionError(f"tests may connect to loopback only, not {host}:{port}")


@contextmanager
def refusals_expected() -> Iterator[list[str]]:
    """For a test of the guard itself: refusals inside the block are kept out of the record.

    Yields the list they are collected in.
    """
    install()
    seen: list[str] = []
    with _lock:
        before = len(_attempts)
    try:
        yield seen
    finally:
        with _lock:
            seen.extend(_attempts[before:])
            del _attempts[before:]
