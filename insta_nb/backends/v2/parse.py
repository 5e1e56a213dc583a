"""The Cluster Management API v2 responses → :mod:`insta_nb.models`.

v2 clusters map onto the toolkit's models where they mean the same thing (facts §4,
§11): ``name``, ``status``, ``slaTier``, data centres with ``cloudProvider``,
``region``, ``network`` and ``nodes``; a node's ``nodeSize`` is its size. The product's
version is read from ``{product}Version``; ``currentClusterOperationStatus`` and every
other field stay in ``raw``. The generated ``defaultUserPassword`` is a secret and is
**not** kept in ``raw`` (it would reach widget state and notebooks).

Parsing is tolerant of ``null`` and of numbers sent as strings; a body of the wrong
shape raises :class:`~insta_nb.errors.UnexpectedResponseError`, never ``KeyError`` or
``TypeError``. The client stamps that error with the status, method and path.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insta_nb.backends.http.shapes import json_array as _array
from insta_nb.backends.http.shapes import json_object as _object
from insta_nb.backends.http.shapes import unexpected as _unexpected
from insta_nb.models import (
    ClusterDetails,
    ClusterStatus,
    ClusterSummary,
    DataCentre,
    FirewallRule,
    Node,
    RuleStatus,
)
from insta_nb.products import Product

__all__ = [
    "APP_PATHS",
    "ListedCluster",
    "parse_cluster",
    "parse_cluster_list",
    "parse_firewall_rule",
    "parse_firewall_rules",
    "rule_id",
    "summary_of",
]

#: Fields that hold secrets and never enter a model.
_SECRETS = frozenset({"defaultUserPassword"})

#: Path segment of each ``application`` the list may name and the v2 paths serve; other
#: products (MongoDB, Couchbase…) are listed but cannot be read through v2.
APP_PATHS = {p.application: p.value for p in Product} | {
    "KAFKA_CONNECT": "kafka-connect",
    "CADENCE": "cadence",
    "APACHE_ZOOKEEPER": "zookeeper",
}


@dataclass(frozen=True)
class ListedCluster:
    """One entry of the v2 cluster list: an id and its product, nothing else."""

    id: str
    application: str

    @property
    def app_path(self) -> str | None:
        """The ``{app}`` path segment of its endpoints (``None``: not served by v2)."""
        return APP_PATHS.get(self.application)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        # ASCII only: "²" is a digit to str.isdigit() but not to int().
        if text.isascii() and text.isdigit() and len(text) <= 18:
            return int(text)
    return None


def _required_id(item: Mapping[str, Any], what: str, body: Any) -> str:
    value = _text(item.get("id"))
    if not value:
        raise _unexpected(f"{what} has no id", body)
    return value


def _raw(item: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return {k: copy.deepcopy(v) for k, v in item.items() if k not in _SECRETS}
    except RecursionError:  # JSON nested deeper than Python can copy
        raise _unexpected("the body is nested too deeply", None) from None


def _accounts(body: Any, key: str, what: str) -> list[Mapping[str, Any]]:
    """The account objects of a data source: an array of them (one object is accepted)."""
    if isinstance(body, Mapping) and key in body:
        return [body]
    return [
        _object(item, f"{what} item {i}", body)
        for i, item in enumerate(_array(body, what, body, null_ok=False))
    ]


def parse_cluster_list(body: Any) -> list[ListedCluster]:
    """``GET …/data-sources/clusters/v2``: ``[{accountId, clusters: [{id, application}]}]``."""
    out: list[ListedCluster] = []
    for account in _accounts(body, "clusters", "the cluster list"):
        for i, item in enumerate(_array(account.get("clusters"), "clusters", body)):
            entry = _object(item, f"cluster list item {i}", body)
            out.append(
                ListedCluster(
                    id=_required_id(entry, f"cluster list item {i}", body),
                    application=_text(entry.get("application")) or "UNKNOWN",
                )
            )
    return out


def _node(item: Any, where: str, body: Any) -> Node:
    node = _object(item, where, body)
    return Node(
        id=_text(node.get("id")) or "",
        size=_text(node.get("nodeSize")),
        rack=_text(node.get("rack")),
        status=ClusterStatus.parse(node.get("status")),
        public_address=_text(node.get("publicAddress")),
        private_address=_text(node.get("privateAddress")),
        raw=_raw(node),
    )


def _planned_nodes(dc: Mapping[str, Any]) -> int | None:
    count = _int(dc.get("numberOfNodes"))
    if count is not None:
        return count
    masters = _int(dc.get("masterNodes"))
    if masters is not None:
        return masters + (_int(dc.get("replicaNodes")) or 0)
    return None


def _resize_target(dc: Mapping[str, Any], nodes: tuple[Node, ...], busy: bool) -> str | None:
    """v2's counterpart of v1's ``resizeTargetNodeSize``: while an operation runs, the
    data centre already names the size its nodes are being replaced with."""
    size = _text(dc.get("nodeSize"))
    if not busy or size is None or all(n.size == size for n in nodes):
        return None
    return size


def _data_centre(item: Any, where: str, body: Any, *, busy: bool) -> DataCentre:
    dc = _object(item, where, body)
    nodes = tuple(
        _node(n, f"{where} node {i}", body)
        for i, n in enumerate(_array(dc.get("nodes"), f"{where} nodes", body))
    )
    planned = _planned_nodes(dc)
    return DataCentre(
        id=_text(dc.get("id")) or "",
        region=_text(dc.get("region")),
        provider=_text(dc.get("cloudProvider")),
        status=ClusterStatus.parse(dc.get("status")),
        name=_text(dc.get("name")),
        network=_text(dc.get("network")),
        node_count=len(nodes) if planned is None else max(planned, len(nodes)),
        nodes=nodes,
        resize_target_node_size=_resize_target(dc, nodes, busy),
        raw=_raw(dc),
    )


def _pci(value: Any) -> str | None:
    if isinstance(value, bool):
        return "ENABLED" if value else "DISABLED"
    return None


def _version(cluster: Mapping[str, Any], app_path: str) -> str | None:
    key = "".join(w.capitalize() if i else w for i, w in enumerate(app_path.split("-")))
    return _text(cluster.get(f"{key}Version"))


def parse_cluster(body: Any, app_path: str, *, cluster_id: str | None = None) -> ClusterDetails:
    """A v2 cluster object (GET, and the 202 of a create) as :class:`ClusterDetails`.

    Args:
        body: The decoded JSON body.
        app_path: Whose endpoint answered, e.g. ``"kafka"`` (names the version field).
        cluster_id: The id asked for, used when the body has none.
    """
    cluster = _object(body, "the cluster", body)
    busy = cluster.get("currentClusterOperationStatus") == "OPERATION_IN_PROGRESS"
    data_centres = tuple(
        _data_centre(dc, f"data centre {i}", body, busy=busy)
        for i, dc in enumerate(_array(cluster.get("dataCentres"), "dataCentres", body))
    )
    found = _text(cluster.get("id")) or cluster_id
    if not found:
        raise _unexpected("the cluster has no id", body)
    return ClusterDetails(
        id=found,
        name=_text(cluster.get("name")),
        status=ClusterStatus.parse(cluster.get("status")),
        version=_version(cluster, app_path),
        sla_tier=_text(cluster.get("slaTier")),
        pci_compliance=_pci(cluster.get("pciComplianceMode")),
        data_centres=data_centres,
        raw=_raw(cluster),
    )


def summary_of(details: ClusterDetails) -> ClusterSummary:
    """The list entry a cluster's details imply (the v2 list itself has no names)."""
    return ClusterSummary(
        id=details.id,
        name=details.name or "",
        status=details.status,
        node_count=details.node_count,
        running_node_count=details.running_node_count,
        version=details.version,
        sla_tier=details.sla_tier,
        pci_compliance=details.pci_compliance,
        raw=details.raw,
    )


def parse_firewall_rule(body: Any, where: str = "the firewall rule") -> FirewallRule:
    """One v2 rule ``{id, clusterId, network, type, status, deferredReason}``."""
    rule = _object(body, where, body)
    kind = _text(rule.get("type"))
    if not kind:
        raise _unexpected(f"{where} has no type", body)
    return FirewallRule(
        rules=(
            RuleStatus(
                type=kind,
                status=ClusterStatus.parse(rule.get("status")),
                deferred_reason=_text(rule.get("deferredReason")),
            ),
        ),
        network=_text(rule.get("network")),
        raw=_raw(rule),
    )


def parse_firewall_rules(body: Any) -> list[FirewallRule]:
    """``GET …/data-sources/cluster/{id}/network-firewall-rules/v2``.

    The answer is ``[{clusterId, firewallRules: [...]}]``; each v2 rule (one type, one
    network) becomes one :class:`FirewallRule` with its own status.
    """
    out: list[FirewallRule] = []
    for account in _accounts(body, "firewallRules", "the firewall rule list"):
        rules = _array(account.get("firewallRules"), "firewallRules", body)
        out.extend(parse_firewall_rule(r, f"firewall rule {i}") for i, r in enumerate(rules))
    return out


def rule_id(rule: FirewallRule) -> str | None:
    """The v2 id of a parsed rule (kept in ``raw``)."""
    return _text(rule.raw.get("id")) or None
