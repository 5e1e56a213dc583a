"""A best guess at "my address" for a firewall rule, found without any network traffic.

On Linux we ask the kernel for the IPv4 address of each local interface
(``SIOCGIFADDR``); nothing is sent anywhere, not even a DNS query. We prefer a public
address, then a private one, and skip loopback and link-local addresses. Behind NAT
(home routers, most clouds, containers) the API sees a *different* public address,
so the form says so and lets the user type it. Elsewhere we return ``None``.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys

__all__ = ["local_ipv4_addresses", "my_address_guess"]

_SIOCGIFADDR = 0x8915


def local_ipv4_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces (Linux only; ``[]`` elsewhere)."""
    if not sys.platform.startswith("linux"):
        return []
    import fcntl

    found: list[str] = []
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:  # never sends
        for name in names:
            request = struct.pack("256s", name[:15].encode())
            try:
                reply = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            found.append(socket.inet_ntoa(reply[20:24]))
    return found


def my_address_guess(addresses: list[str] | None = None) -> str | None:
    """The most useful of :func:`local_ipv4_addresses`: public first, then private."""
    candidates = local_ipv4_addresses() if addresses is None else addresses
    usable = []
    for text in candidates:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        usable.append(address)
    usable.sort(key=lambda a: (not a.is_global, a.is_private, int(a)))
    return str(usable[0]) if usable else None
