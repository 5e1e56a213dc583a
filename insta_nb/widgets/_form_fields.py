"""What the create form knows about fields: where messages go, options, rule types.

API field names (``clusterName``, ``bundles[0].options.clientEncryption``…) map to the
form's *slots*, the message areas next to each group of controls, so local validation
and the API's 400 bodies land next to the same control.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insta_nb import catalog
from insta_nb.catalog import NO_PCI_WITH

__all__ = [
    "BOOL_OPTIONS",
    "NO_PCI_WITH",
    "RULE_TYPE",
    "SLOT_NAMES",
    "flatten",
    "precise_field",
    "slot_of",
]

#: Simple true/false options offered per main bundle: option key → label.
BOOL_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "APACHE_CASSANDRA": (
        ("authnAuthz", "Password authentication (authnAuthz)"),
        ("clientEncryption", "Client encryption (clientEncryption)"),
    ),
    "KAFKA": (("clientEncryption", "Client encryption (clientEncryption)"),),
    "REDIS": (
        ("clientEncryption", "Client encryption (clientEncryption)"),
        ("passwordAuth", "Password authentication (passwordAuth)"),
    ),
    "POSTGRESQL": (("clientEncryption", "Client encryption (clientEncryption)"),),
    "OPENSEARCH": (),
}
#: Firewall rule type opened for each bundle of the cluster.
RULE_TYPE = {name: name for name in catalog.RULE_TYPES} | {"APACHE_CASSANDRA": "CASSANDRA"}

#: API field prefix → the form slot whose message area shows it (first match wins).
SLOTS: tuple[tuple[str, str], ...] = (
    ("clusterName", "name"),
    ("bundles[0].options.masterNodeSize", "size"),
    ("bundles[0].options", "options"),
    ("bundles[0]", "bundle"),
    ("bundles[", "addons"),
    ("bundles", "bundle"),
    ("provider.diskEncryptionKey", "key"),
    ("provider", "provider"),
    ("dataCentre", "region"),
    ("nodeSize", "size"),
    ("rackAllocation", "racks"),
    ("clusterNetwork", "network"),
    ("slaTier", "sla"),
    ("privateNetworkCluster", "private"),
    ("pciCompliantCluster", "pci"),
    ("firewallRules", "rules"),
)
SLOT_NAMES = (
    "name", "bundle", "addons", "options", "provider", "region", "size", "racks",
    "network", "sla", "private", "pci", "key", "rules", "general",
)  # fmt: skip


def slot_of(field: str) -> str:
    """The form slot that shows messages about API field ``field``."""
    for prefix, slot in SLOTS:
        if field == prefix or field.startswith(prefix):
            return slot
    return "general"


def precise_field(field: str, message: str) -> tuple[str, str]:
    """``("bundles", "bundles[0].options.x must…")`` → ``("bundles[0].options.x", …)``."""
    token = message.split(" ", 1)[0].rstrip(":")
    if token.startswith(field) and token[len(field) : len(field) + 1] in (".", "["):
        return token, message
    return field, message


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c": [2]}`` → ``{"a.b": 1, "c[0]": 2}`` (API field spelling)."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        if not value:
            out[prefix] = []
    else:
        out[prefix] = value
    return out
