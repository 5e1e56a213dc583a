# ruff: noqa: E501 — the facts' bodies are kept as the document prints them.
"""The facts document's v2 bodies (``instaclustr-cluster-management-v2.md`` §3, §4) and the
product specs that should produce them, shared by the v2 tests."""

from __future__ import annotations

from typing import Any

from insta_nb.products import (
    CassandraClusterSpec,
    CassandraDataCentre,
    KafkaClusterSpec,
    KafkaDataCentre,
    OpenSearchClusterSpec,
    OpenSearchDataCentre,
    OpenSearchNodes,
    PostgresqlClusterSpec,
    PostgresqlDataCentre,
    ProductClusterSpec,
    RedisClusterSpec,
    RedisDataCentre,
)

DC = "AWS_VPC_US_EAST_1"

#: §3, verbatim.
BODIES: dict[str, dict[str, Any]] = {
    "cassandra": {"name":"cass1","cassandraVersion":"4.1.3","slaTier":"NON_PRODUCTION","privateNetworkCluster":False,
 "pciComplianceMode":False,"passwordAndUserAuth":True,"luceneEnabled":False,
 "dataCentres":[{"name":"AWS_VPC_US_EAST_1","cloudProvider":"AWS_VPC","region":"US_EAST_1","network":"10.0.0.0/16",
   "nodeSize":"CAS-DEV-t4g.small-30","numberOfNodes":3,"replicationFactor":3,
   "clientToClusterEncryption":False,"continuousBackup":False,"privateIpBroadcastForDiscovery":False}]},
    "kafka": {"name":"kafka1","kafkaVersion":"3.5.1","slaTier":"NON_PRODUCTION","privateNetworkCluster":False,"pciComplianceMode":False,
 "allowDeleteTopics":True,"autoCreateTopics":True,"clientToClusterEncryption":False,
 "defaultNumberOfPartitions":3,"defaultReplicationFactor":3,
 "dataCentres":[{"name":"AWS_VPC_US_EAST_1","cloudProvider":"AWS_VPC","region":"US_EAST_1","network":"10.1.0.0/16",
   "nodeSize":"KFK-DEV-t4g.small-5","numberOfNodes":3}]},
    "redis": {"name":"redis1","redisVersion":"7.0.12","slaTier":"NON_PRODUCTION","privateNetworkCluster":False,"pciComplianceMode":False,
 "clientToNodeEncryption":False,"passwordAndUserAuth":True,
 "dataCentres":[{"name":"AWS_VPC_US_EAST_1","cloudProvider":"AWS_VPC","region":"US_EAST_1","network":"10.2.0.0/16",
   "nodeSize":"t3.small-20-r","masterNodes":3,"replicaNodes":3}]},
    "postgresql": {"name":"pg1","postgresqlVersion":"15.4.0","slaTier":"NON_PRODUCTION","privateNetworkCluster":False,"synchronousModeStrict":False,
 "dataCentres":[{"name":"AWS_VPC_US_EAST_1","cloudProvider":"AWS_VPC","region":"US_EAST_1","network":"10.3.0.0/16",
   "nodeSize":"PGS-DEV-t4g.small-5","numberOfNodes":2,"clientToClusterEncryption":True,
   "intraDataCentreReplication":[{"replicationMode":"SYNCHRONOUS"}]}]},
    "opensearch": {"name":"os1","opensearchVersion":"2.7.0","slaTier":"NON_PRODUCTION","privateNetworkCluster":False,"pciComplianceMode":False,
 "clusterManagerNodes":[{"nodeSize":"SRH-DM-DEV-t4g.small-5","dedicatedManager":True}],
 "dataNodes":[{"nodeSize":"SRH-DEV-t4g.small-5","nodeCount":3}],
 "dataCentres":[{"name":"AWS_VPC_US_EAST_1","cloudProvider":"AWS_VPC","region":"US_EAST_1","network":"10.4.0.0/16","numberOfRacks":3}]},
}  # fmt: skip


def cassandra(name: str = "cass1", **changes: Any) -> CassandraClusterSpec:
    dc = CassandraDataCentre(
        name=DC,
        region="US_EAST_1",
        network="10.0.0.0/16",
        node_size="CAS-DEV-t4g.small-30",
        number_of_nodes=changes.pop("number_of_nodes", 3),
        replication_factor=changes.pop("replication_factor", 3),
    )
    return CassandraClusterSpec(name=name, version="4.1.3", data_centres=(dc,), **changes)


def kafka(name: str = "kafka1", **changes: Any) -> KafkaClusterSpec:
    dc = KafkaDataCentre(
        name=DC,
        region="US_EAST_1",
        network=changes.pop("network", "10.1.0.0/16"),
        node_size="KFK-DEV-t4g.small-5",
        number_of_nodes=changes.pop("number_of_nodes", 3),
    )
    return KafkaClusterSpec(name=name, version="3.5.1", data_centres=(dc,), **changes)


def redis(name: str = "redis1", **changes: Any) -> RedisClusterSpec:
    dc = RedisDataCentre(
        name=DC,
        region="US_EAST_1",
        network="10.2.0.0/16",
        node_size="t3.small-20-r",
        master_nodes=changes.pop("master_nodes", 3),
        replica_nodes=3,
    )
    return RedisClusterSpec(name=name, version="7.0.12", data_centres=(dc,), **changes)


def postgresql(name: str = "pg1", **changes: Any) -> PostgresqlClusterSpec:
    dc = PostgresqlDataCentre(
        name=DC,
        region="US_EAST_1",
        network="10.3.0.0/16",
        node_size="PGS-DEV-t4g.small-5",
        number_of_nodes=changes.pop("number_of_nodes", 2),
        replication_mode=changes.pop("replication_mode", "SYNCHRONOUS"),
    )
    return PostgresqlClusterSpec(name=name, version="15.4.0", data_centres=(dc,), **changes)


def opensearch(name: str = "os1", **changes: Any) -> OpenSearchClusterSpec:
    dc = OpenSearchDataCentre(
        name=DC,
        region="US_EAST_1",
        network="10.4.0.0/16",
        number_of_racks=changes.pop("number_of_racks", 3),
    )
    return OpenSearchClusterSpec(
        name=name,
        version="2.7.0",
        data_centres=(dc,),
        **(
            {
                "cluster_manager_node_size": "SRH-DM-DEV-t4g.small-5",
                "data_nodes": (OpenSearchNodes("SRH-DEV-t4g.small-5", 3),),
            }
            | changes
        ),
    )


SPECS: dict[str, ProductClusterSpec] = {
    "cassandra": cassandra(),
    "kafka": kafka(),
    "redis": redis(),
    "postgresql": postgresql(),
    "opensearch": opensearch(),
}

CLUSTER_ID = "4650aa98-e894-4675-9614-558915d5837a"
CDC_ID = "aabc665c-8916-40ae-978c-96d39a3a1364"
PASSWORD = "v2-default-password-Zq81"


def cassandra_response(status: str = "RUNNING", **top: Any) -> dict[str, Any]:
    """§4's GET example, with the create fields filled in from §3."""
    body: dict[str, Any] = dict(BODIES["cassandra"])
    dc = dict(body["dataCentres"][0])
    dc |= {
        "id": CDC_ID,
        "status": status,
        "nodes": [
            {
                "id": "9a27373a-0451-4121-94ba-873fc441f313",
                "rack": "us-east-1a",
                "nodeSize": "CAS-DEV-t4g.small-30",
                "publicAddress": "52.0.5.140",
                "privateAddress": "10.0.0.10",
                "status": status,
                "nodeRoles": ["CASSANDRA"],
                "startTime": "2019-08-24T14:15:22Z",
            }
        ],
        "deletedNodes": [],
        "awsSettings": [{"customVirtualNetworkId": None, "diskEncryptionKey": None}],
    }
    body |= {
        "id": CLUSTER_ID,
        "status": status,
        "currentClusterOperationStatus": "NO_OPERATION",
        "defaultUserPassword": PASSWORD,
        "dataCentres": [dc],
    }
    return body | top
