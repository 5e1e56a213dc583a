"""Valid v2 create bodies per product (the facts' minimal examples) and path helpers."""

from __future__ import annotations

import copy
from typing import Any

V2 = "/cluster-management/v2"
CLUSTER_LIST = f"{V2}/data-sources/clusters/v2"
RULES = f"{V2}/resources/network-firewall-rules/v2"
PEERS = f"{V2}/resources/providers/aws/vpc-peers/v2"
PEER_LIST = f"{V2}/data-sources/providers/aws/vpc-peers/v2"
PRODUCTS = ("cassandra", "kafka", "redis", "postgresql", "opensearch")

_BODIES: dict[str, dict[str, Any]] = {
    "cassandra": {
        "name": "cass1",
        "cassandraVersion": "4.1.3",
        "slaTier": "NON_PRODUCTION",
        "privateNetworkCluster": False,
        "pciComplianceMode": False,
        "passwordAndUserAuth": True,
        "luceneEnabled": False,
        "dataCentres": [
            {
                "name": "AWS_VPC_US_EAST_1",
                "cloudProvider": "AWS_VPC",
                "region": "US_EAST_1",
                "network": "10.0.0.0/16",
                "nodeSize": "CAS-DEV-t4g.small-30",
                "numberOfNodes": 3,
                "replicationFactor": 3,
                "clientToClusterEncryption": False,
                "continuousBackup": False,
                "privateIpBroadcastForDiscovery": False,
            }
        ],
    },
    "kafka": {
        "name": "kafka1",
        "kafkaVersion": "3.5.1",
        "slaTier": "NON_PRODUCTION",
        "privateNetworkCluster": False,
        "pciComplianceMode": False,
        "allowDeleteTopics": True,
        "autoCreateTopics": True,
        "clientToClusterEncryption": False,
        "defaultNumberOfPartitions": 3,
        "defaultReplicationFactor": 3,
        "dataCentres": [
            {
                "name": "AWS_VPC_US_EAST_1",
                "cloudProvider": "AWS_VPC",
                "region": "US_EAST_1",
                "network": "10.1.0.0/16",
                "nodeSize": "KFK-DEV-t4g.small-5",
                "numberOfNodes": 3,
            }
        ],
    },
    "redis": {
        "name": "redis1",
        "redisVersion": "7.0.12",
        "slaTier": "NON_PRODUCTION",
        "privateNetworkCluster": False,
        "pciComplianceMode": False,
        "clientToNodeEncryption": False,
        "passwordAndUserAuth": True,
        "dataCentres": [
            {
                "name": "AWS_VPC_US_EAST_1",
                "cloudProvider": "AWS_VPC",
                "region": "US_EAST_1",
                "network": "10.2.0.0/16",
                "nodeSize": "t3.small-20-r",
                "masterNodes": 3,
                "replicaNodes": 3,
            }
        ],
    },
    "postgresql": {
        "name": "pg1",
        "postgresqlVersion": "15.4.0",
        "slaTier": "NON_PRODUCTION",
        "privateNetworkCluster": False,
        "synchronousModeStrict": False,
        "dataCentres": [
            {
                "name": "AWS_VPC_US_EAST_1",
                "cloudProvider": "AWS_VPC",
                "region": "US_EAST_1",
                "network": "10.3.0.0/16",
                "nodeSize": "PGS-DEV-t4g.small-5",
                "numberOfNodes": 2,
                "clientToClusterEncryption": True,
                "intraDataCentreReplication": [{"replicationMode": "SYNCHRONOUS"}],
            }
        ],
    },
    "opensearch": {
        "name": "os1",
        "opensearchVersion": "2.7.0",
        "slaTier": "NON_PRODUCTION",
        "privateNetworkCluster": False,
        "pciComplianceMode": False,
        "clusterManagerNodes": [{"nodeSize": "SRH-DM-DEV-t4g.small-5", "dedicatedManager": True}],
        "dataNodes": [{"nodeSize": "SRH-DEV-t4g.small-5", "nodeCount": 3}],
        "dataCentres": [
            {
                "name": "AWS_VPC_US_EAST_1",
                "cloudProvider": "AWS_VPC",
                "region": "US_EAST_1",
                "network": "10.4.0.0/16",
                "numberOfRacks": 3,
            }
        ],
    },
}

#: Nodes each minimal body builds.
NODE_COUNTS = {"cassandra": 3, "kafka": 3, "redis": 6, "postgresql": 2, "opensearch": 6}


def body(product: str, **overrides: Any) -> dict[str, Any]:
    """A deep copy of the product's minimal body with top-level fields replaced."""
    result = copy.deepcopy(_BODIES[product])
    result.update(overrides)
    return result


def dc_body(product: str, **overrides: Any) -> dict[str, Any]:
    """The product's minimal body with fields of its first data centre replaced."""
    result = body(product)
    result["dataCentres"][0].update(overrides)
    return result


def collection(product: str) -> str:
    """The product's cluster collection path."""
    return f"{V2}/resources/applications/{product}/clusters/v2"


def item(product: str, cluster_id: str) -> str:
    """One cluster's path."""
    return f"{collection(product)}/{cluster_id}"


def error_names(response_json: dict[str, Any]) -> set[str]:
    """The ``name`` of every entry of a list-shaped v2 error."""
    return {entry["name"] for entry in response_json["errors"]}
