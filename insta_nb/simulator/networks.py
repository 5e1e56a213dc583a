"""Network values in requests: cluster CIDRs, firewall CIDRs and security group ids."""

from __future__ import annotations

import ipaddress
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


def _parse(value: object) -> IPv4Network | str:
    if not isinstance(value, str):
        return "must be a string in CIDR notation, e.g. 10.224.0.0/12"
    if len(value) > _MAX_TEXT or "/" not in value:
        return f"'{value[:_MAX_TEXT]}' is not in CIDR notation, e.g. 10.224.0.0/12"
    try:
        return IPv4Network(value.strip(), strict=True)
    except ValueError:
        return f"'{value}' is not a valid IPv4 network in CIDR notation"


def cluster_network(value: object) -> IPv4Network | str:
    """The network a cluster or data centre asks for, or why it is refused."""
    net = _parse(value)
    if isinstance(net, str):
        return net
    low, high = catalog.NETWORK_PREFIX_MIN, catalog.NETWORK_PREFIX_MAX
    if not low <= net.prefixlen <= high:
        return f"prefix length must be between /{low} and /{high}, not /{net.prefixlen}"
    if not any(net.subnet_of(space) for space in _PRIVATE):
        return "must be in private address space (10/8, 172.16/12 or 192.168/16)"
    return net


def firewall_network_error(value: object) -> str | None:
    """Why a firewall rule's ``network`` is refused, or ``None`` when it is fine."""
    if not isinstance(value, str):
        return "must be a string in CIDR notation, e.g. 203.0.113.7/32"
    if len(value) > _MAX_TEXT or "/" not in value:
        return f"'{value[:_MAX_TEXT]}' is not in CIDR notation, e.g. 203.0.113.7/32"
    try:
        # Host bits are tolerated (``1.2.3.4/24``), as a firewall form would.
        ipaddress.IPv4Network(value.strip(), strict=False)
    except ValueError:
        return f"'{value}' is not a valid IPv4 network in CIDR notation"
    return None


def node_private_address(network: str, index: int) -> str:
    """The private address of node ``index`` inside a data centre's ``network``."""
    net = IPv4Network(network)
    # Skip the first addresses, as clouds reserve them; a /22 still has room to spare.
    return str(net.network_address + 16 + index)
