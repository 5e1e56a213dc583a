"""v2 response bodies, built by hand in the API's spelling; one ``now`` per body.

A cluster body is the request echo plus the read-only fields [C SPEC §4]: ``id``,
``status``, ``currentClusterOperationStatus``, ``defaultUserPassword`` (not Redis),
``defaultUsername`` (OpenSearch), and per data centre ``id``, ``status``, ``nodes``,
``deletedNodes`` and, for AWS, the all-null ``awsSettings`` entry the real API sends
[C OP ``apiv2.go``].
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec
from insta_nb.simulator.v2.build import data_centre_echo
from insta_nb.simulator.v2.products import PRODUCTS, application_of
from insta_nb.simulator.v2.registry import RuleRec, V2Cluster

__all__ = ["account_clusters", "cluster", "firewall_rule", "iso", "operation_status"]

S = ClusterStatus
_ADDRESSED = frozenset({S.PROVISIONED, S.RUNNING, S.DEFERRED, S.FAILED, S.DELETING, S.JOINING})
_SETTLING = frozenset({S.GENESIS, S.PROVISIONING, S.PROVISIONED, S.JOINING, S.DELETING})
_AWS_SETTINGS = {
    "customVirtualNetworkId": None,
    "ebsEncryptionKey": None,
    "backupBucketCustomSuffix": None,
}


def iso(wall: float) -> str:
    """UTC ISO-8601 with a ``Z``."""
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def operation_status(cluster: ClusterRec, now: float) -> str:
    """``currentClusterOperationStatus``: in progress until the work is done [I, §10]."""
    status = cluster.status(now)
    if status in (S.FAILED, S.DEFERRED):
        return "OPERATION_FAILED"
    if status in _SETTLING or any(dc.resize_target(now) for dc in cluster.data_centres):
        return "OPERATION_IN_PROGRESS"
    return "NO_OPERATION"


def _nodes(
    cluster: ClusterRec, dc: DataCentreRec, facts: V2Cluster, now: float, wall: float
) -> list[dict[str, Any]]:
    deletion = cluster.deletion_status(now)
    out = []
    for node in dc.nodes:
        status = deletion or dc.node_status(node, now)
        # A node out of service for a resize keeps its addresses (it is being replaced).
        addressed = status in _ADDRESSED or node.resizing(now)
        out.append(
            {
                "id": node.id,
                "rack": node.rack,
                "nodeSize": node.size_at(now),
                "publicAddress": node.public_address if addressed else None,
                "privateAddress": node.private_address if addressed else None,
                "status": status.value,
                "nodeRoles": list(facts.roles.get(node.id) or PRODUCTS[facts.app].roles),
                "startTime": iso(wall - (now - dc.provisioned_at)) if addressed else None,
                "deletionTime": None,
            }
        )
    return out


def cluster(rec: ClusterRec, facts: V2Cluster, now: float, wall: float) -> dict[str, Any]:
    """A v2 cluster body (POST 202, GET 200, PUT 202)."""
    body = copy.deepcopy(facts.echo)
    echoes = body.pop("dataCentres", [])
    body.update(
        {
            "id": rec.id,
            "status": rec.status(now).value,
            "currentClusterOperationStatus": operation_status(rec, now),
            "description": rec.description,
        }
    )
    if PRODUCTS[facts.app].has_password:
        body["defaultUserPassword"] = rec.password
    if facts.app == "opensearch":
        body["defaultUsername"] = rec.username
    deletion = rec.deletion_status(now)
    dcs = []
    for index, dc in enumerate(rec.data_centres):
        # A data centre added through v1 has no v2 create body to echo.
        item = dict(echoes[index]) if index < len(echoes) else data_centre_echo(dc, now)
        item.update(
            {
                "id": dc.id,
                "status": (deletion or dc.status(now)).value,
                "nodes": _nodes(rec, dc, facts, now, wall),
                "deletedNodes": [],
            }
        )
        if dc.plan.provider == "AWS_VPC":
            item.setdefault("awsSettings", [dict(_AWS_SETTINGS)])
        dcs.append(item)
    body["dataCentres"] = dcs
    return body


def account_clusters(account_id: str, clusters: list[ClusterRec]) -> list[dict[str, Any]]:
    """``GET /data-sources/clusters/v2``: one account object [I, §2]."""
    items = [{"id": c.id, "application": application_of(c.plan.main_bundle.name)} for c in clusters]
    return [{"accountId": account_id, "clusters": items}]


def rule_status(rule: RuleRec, now: float) -> str:
    """GENESIS until the rule is open, then RUNNING; DELETED once deleted [C SPEC, OP]."""
    if rule.deleted_at is not None:
        return "DELETED"
    return "RUNNING" if now >= rule.ready_at else "GENESIS"


def firewall_rule(rule: RuleRec, now: float) -> dict[str, Any]:
    """One network firewall rule."""
    return {
        "id": rule.id,
        "clusterId": rule.cluster_id,
        "network": rule.network,
        "type": rule.type,
        "status": rule_status(rule, now),
        "deferredReason": None,
    }
