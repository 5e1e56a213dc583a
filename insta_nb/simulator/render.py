"""Response bodies, built by hand as plain dicts in the API's spelling.

Every status in one body is computed at one ``now``, so a list item, a status response
and a terraform-description read at the same instant agree with each other.
"""

from __future__ import annotations

from typing import Any

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec, NodeRec
from insta_nb.simulator.state import KeyRec

__all__ = [
    "cluster_details",
    "cluster_summary",
    "encryption_key",
    "firewall_rules",
    "terraform_description",
]

S = ClusterStatus
#: Status responses name Azure ``AZURE`` where create requests say ``AZURE_AZ``.
_STATUS_PROVIDER = {"AZURE_AZ": "AZURE"}
#: Nodes have addresses once they are provisioned.
_ADDRESSED = frozenset(
    {S.PROVISIONED, S.RUNNING, S.DEFERRED, S.FAILED, S.DELETING, S.JOINING, S.DEGRADED}
)


def cluster_summary(cluster: ClusterRec, status: ClusterStatus, now: float) -> dict[str, Any]:
    """One item of ``GET /provisioning/v1``."""
    plan = cluster.plan
    return {
        "id": cluster.id,
        "name": plan.name,
        "cassandraVersion": plan.main_bundle.version,
        "nodeCount": cluster.node_count(),
        "runningNodeCount": cluster.running_node_count(now),
        "derivedStatus": status.value,
        "slaTier": plan.sla_tier,
        "pciCompliance": "ENABLED" if plan.pci else "DISABLED",
    }


def _node(node: NodeRec, status: ClusterStatus, now: float) -> dict[str, Any]:
    addressed = status in _ADDRESSED
    return {
        "id": node.id,
        "size": node.size_at(now),
        "rack": node.rack,
        "publicAddress": node.public_address if addressed else None,
        "privateAddress": node.private_address if addressed else None,
        "nodeStatus": status.value,
        "sparkMaster": node.spark_master,
        "sparkJobserver": node.spark_jobserver,
        "zeppelin": node.zeppelin,
    }


def _data_centre(cluster: ClusterRec, dc: DataCentreRec, now: float) -> dict[str, Any]:
    plan = dc.plan
    deletion = cluster.deletion_status(now)
    nodes = [_node(n, deletion or dc.node_status(n, now), now) for n in dc.nodes]
    return {
        "id": dc.id,
        "name": plan.region,
        "cdcName": dc.name,
        "provider": _STATUS_PROVIDER.get(plan.provider, plan.provider),
        "cdcStatus": (deletion or dc.status(now)).value,
        "cdcNetwork": plan.network,
        "bundles": [b.name for b in cluster.plan.bundles[1:]],
        "clientEncryption": plan.client_encryption,
        "passwordAuthentication": plan.password_authentication,
        "userAuthorization": plan.user_authorization,
        "usePrivateBroadcastRPCAddress": plan.use_private_broadcast_rpc_address,
        "privateIPOnly": plan.private_ip_only,
        "nodeCount": len(dc.nodes),
        "encryptionKeyId": plan.encryption_key_id,
        "resizeTargetNodeSize": None if deletion else dc.resize_target(now),
        "privateLink": None,
        "nodes": nodes,
    }


def cluster_details(cluster: ClusterRec, now: float) -> dict[str, Any]:
    """``GET /provisioning/v1/{id}`` (ClusterDetailsResponse)."""
    plan = cluster.plan
    tags = plan.provider.get("tags") if plan.provider.get("name") == "AWS_VPC" else None
    encrypted = any(dc.plan.client_encryption for dc in cluster.data_centres)
    return {
        "id": cluster.id,
        "clusterName": plan.name,
        "clusterStatus": cluster.status(now).value,
        "cassandraVersion": plan.main_bundle.version,
        "username": cluster.username,
        "instaclustrUserPassword": cluster.password,
        "slaTier": plan.sla_tier,
        "clusterCertificateDownload": (
            f"https://certificates.simulator.invalid/{cluster.id}.zip" if encrypted else "disabled"
        ),
        "pciCompliance": "ENABLED" if plan.pci else "DISABLED",
        "tags": tags or {},
        "description": cluster.description,
        "dataCentres": [_data_centre(cluster, dc, now) for dc in cluster.data_centres],
    }


def terraform_description(cluster: ClusterRec, now: float) -> dict[str, Any]:
    """``GET /provisioning/v1/{id}/terraform-description``: the status plus request echoes."""
    body = cluster_details(cluster, now)
    plan = cluster.plan
    main = plan.main_bundle
    first = cluster.data_centres[0]
    for dc, out in zip(cluster.data_centres, body["dataCentres"], strict=True):
        racks = dc.plan.rack_allocation
        out["dataCentre"] = dc.plan.region
        out["name"] = dc.name
        out["network"] = dc.plan.network
        out["nodeSize"] = dc.plan.node_size
        out["rackAllocation"] = (
            {"numberOfRacks": racks[0], "nodesPerRack": racks[1]} if racks else None
        )
    body.update(
        {
            "cdcId": first.id,
            "cdcid": first.id,
            "bundleType": main.name,
            "bundleVersion": main.requested_version,
            "addonBundles": [
                {"bundle": b.name, "version": b.requested_version, "options": dict(b.options)}
                for b in plan.bundles[1:]
            ],
            "bundleOptions": dict(main.options),
            "dataCentre": first.plan.region,
            "clusterProvider": [dict(plan.provider)],
            "oidcId": None,
            "twoFactorDelete": cluster.two_factor_delete,
        }
    )
    return body


def firewall_rules(cluster: ClusterRec, now: float) -> list[dict[str, Any]]:
    """``GET /provisioning/v1/{id}/firewallRules``."""
    return [
        {
            entry.kind: entry.target,
            "rules": [
                {
                    "type": kind,
                    "status": (S.RUNNING if now >= ready else S.PROVISIONING).value,
                    "deferredReason": None,
                }
                for kind, ready in entry.rules.items()
            ],
        }
        for entry in cluster.firewall.values()
    ]


def encryption_key(key: KeyRec) -> dict[str, Any]:
    """One item of ``GET /provisioning/v1/encryption-keys``."""
    return {"id": key.id, "alias": key.alias, "arn": key.arn, "provider": key.provider}
