"""The form's "My address": the address the internet sees, or the local one as a fallback.

A click asks an address echo (:mod:`insta_nb.public_address`, named in the button's
tooltip) which address it sees: one HTTPS request, on the engine's thread through the
:class:`~insta_nb.widgets._bridge.Bridge`, so neither the kernel nor the widget waits
for it; the button reads "Looking up…" meanwhile. If the echo cannot be reached, or
answers anything but an address, the form gets this machine's interface address with a
note that a firewall behind NAT will not see it.

The local guess asks the kernel (Linux, ``SIOCGIFADDR``) for the IPv4 address of each
local interface; nothing is sent, not even a DNS query. It prefers a public address,
then a private one, and skips loopback and link-local addresses. Elsewhere: ``None``.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.public_address import AddressLookup, echo_url, lookup_public_address, service_name

if TYPE_CHECKING:
    import ipywidgets as w

    from insta_nb.widgets._bridge import Bridge

__all__ = ["MyAddress", "local_ipv4_addresses", "my_address_guess"]

#: ``show(cidr, note, tone)``: put ``cidr`` (if any) in the rule field and ``note`` by it.
Show = Callable[[str | None, str, str], None]

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


class MyAddress:
    """Drives the "My address" button: look up on click, fill in the rule field, explain.

    Args:
        button: The form's button; its tooltip is set here to name the echo service.
        bridge: Runs the lookup on the engine thread and brings the answer back.
        show: Fills in the rule field and the note beside it (see :data:`Show`).
    """

    IDLE = "My address"
    BUSY = "Looking up…"

    def __init__(self, button: w.Button, bridge: Bridge, show: Show) -> None:
        self.button = button
        self.bridge = bridge
        self._show = show
        self.looking_up = False
        self.button.tooltip = self._tooltip()
        button.on_click(self.look_up)

    def look_up(self, _: object = None) -> None:
        """Start one lookup (a click while one is running does nothing)."""
        if self.looking_up:
            return
        try:
            url = echo_url()
        except errors.ConfigurationError as bad:
            self._fall_back(f"{bad.message}.")
            return
        service = service_name(url)
        self.looking_up = True
        self.button.disabled = True
        self.button.description = self.BUSY
        self.button.tooltip = self._tooltip(url)
        self._show(None, f"Asking {service} which address it sees you from…", "muted")
        self.bridge.run(
            lambda: lookup_public_address(url),
            on_result=self._answered,
            on_error=lambda _exc: self._answered(AddressLookup(service, problem="it failed")),
            what="address lookup",
        )

    def _answered(self, lookup: AddressLookup) -> None:
        self.looking_up = False
        self.button.disabled = False
        self.button.description = self.IDLE
        if lookup.address is None:
            self._fall_back(f"Could not reach {lookup.service} ({lookup.problem}).")
            return
        self._show(
            lookup.cidr,
            f"{lookup.address} is the address {lookup.service} sees you from: the one a "
            "cluster's firewall sees too, unless your traffic leaves by another route.",
            "muted",
        )

    def _fall_back(self, why: str) -> None:
        local = my_address_guess()
        if local is None:
            note = f"{why} No local address was found either: type your public address."
            self._show(None, note, "warn")
            return
        self._show(
            f"{local}/32",
            f"{why} {local} is your local address, which a firewall behind NAT will not "
            "see: check it before adding.",
            "warn",
        )

    @staticmethod
    def _tooltip(url: str | None = None) -> str:
        try:
            url = url or echo_url()
        except errors.ConfigurationError:
            url = "https://the-address-echo (its setting is invalid)"
        kind = url.partition(":")[0].upper()  # HTTPS, or HTTP for a loopback stand-in
        return (
            f"Fill in the address the internet sees you from: one {kind} request to "
            f"{service_name(url)}, "
            "sent only when you click. If it cannot be reached, this machine's local "
            "address is used instead."
        )
