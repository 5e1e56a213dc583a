"""Network values in requests: cluster CIDRs, firewall CIDRs and security group ids."""

from __future__ import annotations

import re
from ipaddress import IPv4Network

from insta_nb import catalog

__all__ = [
    "SECURITY_GROUP_PATTERN",
    "cluster_network",
    "firewall_network_error",
    "node_private_address",
]

#: ``\A``/``\Z``, not ``^``/``$``: ``$`` also matches before a final newline.
SECURITY_GROUP_PATTERN = re.compile(r"\Asg-([0-9a-fA-F]{8}|[0-9a-fA-F]{17})\Z")

#: RFC 1918 space: the only place a cluster network may live.
_PRIVATE = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
)
_MAX_TEXT = 64
#: ``a.b.c.d/n``: ASCII digits, no spaces, no netmask form (``ipaddress`` would take
#: ``10.0.0.0/255.255.0.0``, ``/016`` and surrounding spaces, which no client sends).
_CIDR = re.compile(r"\A[0-9]{1,3}(?:\.[0-9]{1,3}){3}/[0-9]{1,2}\Z")


def _parse(value: object, example: str) -> IPv4Network | str:
    if not isinstance(value, str):
        return f"must be a string in CIDR notation, e.g. {example}"
    if len(value) > _MAX_TEXT or _CIDR.fullmatch(value) is None:
        return f"'{value[:_MAX_TEXT]}' is not in CIDR notation, e.g. {example}"
    try:
        return IPv4Network(value, strict=True)
    except ValueError:
        pass
    try:
        loose = IPv4Network(value, strict=False)
    except ValueError:
        return f"'{value}' is not a valid IPv4 network in CIDR notation"
    return f"'{value}' has host bits set: use {loose}"


def cluster_network(value: object) -> IPv4Network | str:
    """The network a cluster or data centre asks for, or why it is refused."""
    net = _parse(value, catalog.DEFAULT_CLUSTER_NETWORK)
    if isinstance(net, str):
        return net
    low, high = catalog.NETWORK_PREFIX_MIN, catalog.NETWORK_PREFIX_MAX
    if not low <= net.prefixlen <= high:
        return f"prefix length must be between /{low} and /{high}, not /{net.prefixlen}"
    if not any(net.subnet_of(space) for space in _PRIVATE):
        return "must be in private address space (10/8, 172.16/12 or 192.168/16)"
    return net


def firewall_network_error(value: object) -> str | None:
    """Why a firewall rule's ``network`` is refused, or ``None`` when it is fine.

    Host bits are refused (``1.2.3.4/24``), as the client refuses them: the reference
    does not say what the API does, and the two must agree.
    """
    net = _parse(value, "203.0.113.7/32")
    return net if isinstance(net, str) else None


def node_private_address(network: str, index: int) -> str:
    """The private address of node ``index`` inside a data centre's ``network``."""
    net = IPv4Network(network)
    # Skip the first addresses, as clouds reserve them; a /22 still has room to spare.
    return str(net.network_address + 16 + index)
