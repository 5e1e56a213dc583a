"""The Cluster Management API v2 requests: paths, and product specs → JSON bodies.

Responses are read in :mod:`.parse`. Paths follow Instaclustr's operator, which POSTs to
the collection with a trailing ``/`` and names items without one; the facts document
(§1) says the API takes both.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from insta_nb.errors import ValidationError
from insta_nb.models import FirewallRuleSpec
from insta_nb.products import (
    CassandraClusterSpec,
    CassandraDataCentre,
    KafkaClusterSpec,
    KafkaDataCentre,
    OpenSearchClusterSpec,
    OpenSearchDataCentre,
    PostgresqlClusterSpec,
    PostgresqlDataCentre,
    Product,
    ProductClusterSpec,
    ProductDataCentre,
    RedisClusterSpec,
    RedisDataCentre,
)

__all__ = [
    "FIREWALL_RULES_PATH",
    "LIST_CLUSTERS_PATH",
    "check_path_id",
    "cluster_path",
    "clusters_path",
    "firewall_rule_path",
    "firewall_rule_to_json",
    "firewall_rules_of_cluster_path",
    "search_path",
    "spec_to_json",
]

_ROOT = "/cluster-management/v2"
#: The data source listing every active cluster of the account (ids and products only).
LIST_CLUSTERS_PATH = f"{_ROOT}/data-sources/clusters/v2"
FIREWALL_RULES_PATH = f"{_ROOT}/resources/network-firewall-rules/v2"

#: v2 ids are UUIDs; fakes use simple ids. Nothing that could change the path.
_PATH_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def check_path_id(value: object, field: str = "clusterId") -> str:
    """``value`` if it is safe as one path segment.

    Raises:
        ValidationError: Naming ``field``, when the id is empty or could alter the path.
    """
    if not isinstance(value, str) or not value:
        raise ValidationError({field: "Give an id (a non-empty string)."})
    if _PATH_ID.fullmatch(value) is None or ".." in value:
        raise ValidationError(
            {field: "Not a valid id: use letters, digits, '-', '_', '.' or ':' only, no '..'."}
        )
    return value


def clusters_path(app: Product | str) -> str:
    """A product's collection: ``…/applications/{app}/clusters/v2/`` (POST)."""
    segment = app.value if isinstance(app, Product) else app
    return f"{_ROOT}/resources/applications/{segment}/clusters/v2/"


def cluster_path(app: Product | str, cluster_id: str) -> str:
    """One cluster: ``…/applications/{app}/clusters/v2/{clusterId}`` (GET, PUT, DELETE)."""
    return f"{clusters_path(app)}{check_path_id(cluster_id)}"


def search_path(name: str) -> str:
    """The cluster list filtered by name, as the operator asks before a create."""
    return f"{LIST_CLUSTERS_PATH}/?search={quote('name:' + name, safe=':')}"


def firewall_rules_of_cluster_path(cluster_id: str) -> str:
    """The data source of one cluster's firewall rules."""
    return f"{_ROOT}/data-sources/cluster/{check_path_id(cluster_id)}/network-firewall-rules/v2"


def firewall_rule_path(rule_id: str) -> str:
    """One firewall rule (GET, DELETE)."""
    return f"{FIREWALL_RULES_PATH}/{check_path_id(rule_id, 'firewallRuleId')}"


# --- bodies -------------------------------------------------------------------------------


def firewall_rule_to_json(cluster_id: str, network: str, rule_type: str) -> dict[str, Any]:
    """``{"clusterId", "network", "type"}``: one v2 rule is one type for one network."""
    return {"clusterId": cluster_id, "network": network, "type": rule_type}


def firewall_rule_parts(rule: FirewallRuleSpec) -> tuple[str, str]:
    """``(network, type)`` of a rule v2 can express (validation refuses the others)."""
    return rule.network or "", rule.rule_types[0] if rule.rule_types else ""


def _common_dc(dc: ProductDataCentre) -> dict[str, Any]:
    return {
        "name": dc.name,
        "cloudProvider": dc.cloud_provider,
        "region": dc.region,
        "network": dc.network,
    }


def _cassandra_dc(dc: CassandraDataCentre) -> dict[str, Any]:
    return _common_dc(dc) | {
        "nodeSize": dc.node_size,
        "numberOfNodes": dc.number_of_nodes,
        "replicationFactor": dc.replication_factor,
        "clientToClusterEncryption": dc.client_to_cluster_encryption,
        "continuousBackup": dc.continuous_backup,
        "privateIpBroadcastForDiscovery": dc.private_ip_broadcast_for_discovery,
    }


def _kafka_dc(dc: KafkaDataCentre) -> dict[str, Any]:
    return _common_dc(dc) | {"nodeSize": dc.node_size, "numberOfNodes": dc.number_of_nodes}


def _redis_dc(dc: RedisDataCentre) -> dict[str, Any]:
    out = _common_dc(dc) | {"nodeSize": dc.node_size, "masterNodes": dc.master_nodes}
    if dc.replica_nodes is not None:
        out["replicaNodes"] = dc.replica_nodes
    if dc.replication_factor is not None:
        out["replicationFactor"] = dc.replication_factor
    return out


def _postgresql_dc(dc: PostgresqlDataCentre) -> dict[str, Any]:
    return _common_dc(dc) | {
        "nodeSize": dc.node_size,
        "numberOfNodes": dc.number_of_nodes,
        "clientToClusterEncryption": dc.client_to_cluster_encryption,
        "intraDataCentreReplication": [{"replicationMode": dc.replication_mode}],
    }


def _opensearch_dc(dc: OpenSearchDataCentre) -> dict[str, Any]:
    return _common_dc(dc) | {"numberOfRacks": dc.number_of_racks}


def _dcs(spec: ProductClusterSpec, kind: type[Any], to_json: Any) -> list[dict[str, Any]]:
    # A data centre of another product's type is sent as its common fields only;
    # validation names it first, so this only matters for a preview.
    return [to_json(dc) if isinstance(dc, kind) else _common_dc(dc) for dc in spec.data_centres]


def _product_fields(spec: ProductClusterSpec) -> dict[str, Any]:
    if isinstance(spec, CassandraClusterSpec):
        return {
            "cassandraVersion": spec.version,
            "pciComplianceMode": spec.pci_compliance_mode,
            "passwordAndUserAuth": spec.password_and_user_auth,
            "luceneEnabled": spec.lucene_enabled,
            "dataCentres": _dcs(spec, CassandraDataCentre, _cassandra_dc),
        }
    if isinstance(spec, KafkaClusterSpec):
        out: dict[str, Any] = {
            "kafkaVersion": spec.version,
            "pciComplianceMode": spec.pci_compliance_mode,
            "allowDeleteTopics": spec.allow_delete_topics,
            "autoCreateTopics": spec.auto_create_topics,
            "clientToClusterEncryption": spec.client_to_cluster_encryption,
            "defaultNumberOfPartitions": spec.default_number_of_partitions,
            "defaultReplicationFactor": spec.default_replication_factor,
            "dataCentres": _dcs(spec, KafkaDataCentre, _kafka_dc),
        }
        if spec.dedicated_zookeeper is not None:
            zk = spec.dedicated_zookeeper
            out["dedicatedZookeeper"] = [
                {"zookeeperNodeSize": zk.node_size, "zookeeperNodeCount": zk.node_count}
            ]
        return out
    if isinstance(spec, RedisClusterSpec):
        return {
            "redisVersion": spec.version,
            "pciComplianceMode": spec.pci_compliance_mode,
            "clientToNodeEncryption": spec.client_to_node_encryption,
            "passwordAndUserAuth": spec.password_and_user_auth,
            "dataCentres": _dcs(spec, RedisDataCentre, _redis_dc),
        }
    if isinstance(spec, PostgresqlClusterSpec):
        # pciComplianceMode is read-only for PostgreSQL in the API's schema: not sent.
        return {
            "postgresqlVersion": spec.version,
            "synchronousModeStrict": spec.synchronous_mode_strict,
            "dataCentres": _dcs(spec, PostgresqlDataCentre, _postgresql_dc),
        }
    if isinstance(spec, OpenSearchClusterSpec):
        out = {
            "opensearchVersion": spec.version,
            "pciComplianceMode": spec.pci_compliance_mode,
            "clusterManagerNodes": [
                {
                    "nodeSize": spec.cluster_manager_node_size,
                    "dedicatedManager": spec.dedicated_manager,
                }
            ],
            "dataCentres": _dcs(spec, OpenSearchDataCentre, _opensearch_dc),
        }
        if spec.data_nodes:
            out["dataNodes"] = [
                {"nodeSize": n.node_size, "nodeCount": n.node_count} for n in spec.data_nodes
            ]
        if spec.dashboards:
            out["opensearchDashboards"] = [dict(d) for d in spec.dashboards]
        return out
    raise ValidationError(
        {"product": f"{type(spec).__name__} is not a product this toolkit creates through v2"}
    )


def spec_to_json(spec: ProductClusterSpec) -> dict[str, Any]:
    """The create body of ``spec``'s product, with the API's field names.

    ``spec.extra`` is merged last, so it can add a field the toolkit does not model.
    """
    body: dict[str, Any] = {
        "name": spec.name,
        "slaTier": spec.sla_tier,
        "privateNetworkCluster": bool(spec.private_network_cluster),
    }
    body.update(_product_fields(spec))
    extra: Mapping[str, Any] = spec.extra
    body.update(copy.deepcopy(dict(extra)))
    return body
