"""v1 response bodies → :mod:`insta_nb.models`: cluster lists and details, firewall rules,
encryption keys, created ids and messages. A body of the wrong shape raises
:class:`~insta_nb.errors.UnexpectedResponseError`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from insta_nb.backends.http.shapes import json_array as _array
from insta_nb.backends.http.shapes import json_object as _object
from insta_nb.backends.http.shapes import unexpected as _unexpected
from insta_nb.backends.v1.wire_scalars import _bool, _first_text, _int, _network, _text
from insta_nb.models import (
    ClusterDetails,
    ClusterStatus,
    ClusterSummary,
    DataCentre,
    EncryptionKey,
    FirewallRule,
    Node,
    RuleStatus,
)


def _required_id(item: Mapping[str, Any], what: str, body: Any) -> str:
    value = _text(item.get("id"))
    if not value:
        raise _unexpected(f"{what} has no id", body)
    return value


def _raw(item: Mapping[str, Any]) -> dict[str, Any]:
    # A private copy: the model is frozen and must not change when the caller's dict does.
    return copy.deepcopy(dict(item))


def parse_cluster_list(body: Any) -> list[ClusterSummary]:
    """Items of ``GET /provisioning/v1`` (a JSON array)."""
    out = []
    for index, item in enumerate(_array(body, "the cluster list", body, null_ok=False)):
        entry = _object(item, f"cluster list item {index}", body)
        out.append(
            ClusterSummary(
                id=_required_id(entry, f"cluster list item {index}", body),
                name=_text(entry.get("name")) or _text(entry.get("clusterName")) or "",
                status=ClusterStatus.parse(
                    entry.get("derivedStatus") or entry.get("clusterStatus")
                ),
                node_count=_int(entry.get("nodeCount")) or 0,
                running_node_count=_int(entry.get("runningNodeCount")) or 0,
                version=_text(entry.get("cassandraVersion")) or _text(entry.get("bundleVersion")),
                sla_tier=_text(entry.get("slaTier")),
                pci_compliance=_text(entry.get("pciCompliance")),
                raw=_raw(entry),
            )
        )
    return out


def _parse_node(item: Any, where: str, body: Any) -> Node:
    node = _object(item, where, body)
    return Node(
        id=_text(node.get("id")) or "",
        size=_text(node.get("size")),
        rack=_text(node.get("rack")),
        status=ClusterStatus.parse(node.get("nodeStatus") or node.get("status")),
        public_address=_first_text(node.get("publicAddress")),
        private_address=_first_text(node.get("privateAddress")),
        spark_master=bool(_bool(node.get("sparkMaster"))),
        spark_jobserver=bool(_bool(node.get("sparkJobserver"))),
        zeppelin=bool(_bool(node.get("zeppelin"))),
        raw=_raw(node),
    )


def _bundle_names(value: Any) -> tuple[str, ...]:
    names = []
    for item in value if isinstance(value, list) else []:
        name = _text(item.get("bundle")) if isinstance(item, Mapping) else _text(item)
        if name:
            names.append(name)
    return tuple(names)


def _parse_data_centre(item: Any, where: str, body: Any) -> DataCentre:
    dc = _object(item, where, body)
    nodes = tuple(
        _parse_node(n, f"{where} node {i}", body)
        for i, n in enumerate(_array(dc.get("nodes"), f"{where} nodes", body))
    )
    provider = dc.get("provider")
    if isinstance(provider, Mapping):
        provider = provider.get("name")
    node_count = _int(dc.get("nodeCount"))
    return DataCentre(
        id=_text(dc.get("id")) or "",
        # v1 status calls the region "name"; terraform-description calls it "dataCentre".
        region=_text(dc.get("dataCentre")) or _text(dc.get("name")),
        provider=_text(provider),
        status=ClusterStatus.parse(dc.get("cdcStatus") or dc.get("status")),
        name=_text(dc.get("cdcName")),
        network=_network(dc.get("cdcNetwork") or dc.get("network")),
        node_count=node_count if node_count is not None else len(nodes),
        nodes=nodes,
        bundles=_bundle_names(dc.get("bundles")),
        encryption_key_id=_first_text(dc.get("encryptionKeyId")),
        resize_target_node_size=_text(dc.get("resizeTargetNodeSize")),
        private_ip_only=_bool(dc.get("privateIPOnly")),
        raw=_raw(dc),
    )


def parse_cluster_details(body: Any, *, cluster_id: str | None = None) -> ClusterDetails:
    """A cluster status (``GET /provisioning/v1/{id}``, or its terraform-description).

    Args:
        body: The decoded JSON body.
        cluster_id: The id that was asked for, used when the body has none (some fakes
            return only ``dataCentres``).
    """
    cluster = _object(body, "the cluster status", body)
    data_centres = tuple(
        _parse_data_centre(dc, f"data centre {i}", body)
        for i, dc in enumerate(_array(cluster.get("dataCentres"), "dataCentres", body))
    )
    return ClusterDetails(
        id=_text(cluster.get("id")) or cluster_id or "",
        name=_text(cluster.get("clusterName")) or _text(cluster.get("name")),
        status=ClusterStatus.parse(cluster.get("clusterStatus") or cluster.get("derivedStatus")),
        version=_text(cluster.get("cassandraVersion")) or _text(cluster.get("bundleVersion")),
        sla_tier=_text(cluster.get("slaTier")),
        pci_compliance=_text(cluster.get("pciCompliance")),
        data_centres=data_centres,
        raw=_raw(cluster),
    )


def _parse_rule_status(item: Any) -> RuleStatus | None:
    if isinstance(item, str):
        return RuleStatus(type=item)
    if isinstance(item, Mapping):
        kind = _text(item.get("type"))
        if kind:
            return RuleStatus(
                type=kind,
                status=ClusterStatus.parse(item.get("status")),
                deferred_reason=_text(item.get("deferredReason")),
            )
    return None


def parse_firewall_rules(body: Any) -> list[FirewallRule]:
    """Items of ``GET /provisioning/v1/{id}/firewallRules``."""
    out = []
    for index, item in enumerate(_array(body, "the firewall rule list", body, null_ok=False)):
        rule = _object(item, f"firewall rule {index}", body)
        statuses = (
            _parse_rule_status(r)
            for r in _array(rule.get("rules"), f"firewall rule {index} rules", body)
        )
        out.append(
            FirewallRule(
                rules=tuple(s for s in statuses if s is not None),
                network=_text(rule.get("network")),
                security_group_id=_text(rule.get("securityGroupId")),
                raw=_raw(rule),
            )
        )
    return out


def parse_encryption_keys(body: Any) -> list[EncryptionKey]:
    """Items of ``GET /provisioning/v1/encryption-keys``."""
    out = []
    for index, item in enumerate(_array(body, "the encryption key list", body, null_ok=False)):
        key = _object(item, f"encryption key {index}", body)
        out.append(
            EncryptionKey(
                id=_required_id(key, f"encryption key {index}", body),
                alias=_text(key.get("alias")) or "",
                arn=_text(key.get("arn")),
                provider=_text(key.get("provider")),
                raw=_raw(key),
            )
        )
    return out


def parse_created_id(body: Any) -> str:
    """The new resource's id from ``{"id": "..."}``.

    Like the Terraform provider, a body with one key gives that key's value whatever the
    key is called; with several keys, ``id`` is used.
    """
    created = _object(body, "the create response", body)
    if "id" in created:
        value = created["id"]
    elif len(created) == 1:
        (value,) = created.values()
    else:
        raise _unexpected("the create response has no id", body)
    text = _text(value)
    if not text or isinstance(value, bool):
        raise _unexpected("the create response's id is not a string", body)
    return text


def parse_message(body: Any) -> str:
    """The ``message`` of a ``{"message": ...}`` body; ``""`` when there is none."""
    if isinstance(body, Mapping):
        return _text(body.get("message")) or ""
    return ""
