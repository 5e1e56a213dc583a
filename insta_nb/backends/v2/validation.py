"""What the Cluster Management API v2 would refuse, keyed by its own field names.

Rules come from the facts document (§3, §7): shared rules for every product, then each
product's own (how many data centres, node counts, racks). Keys are the body's paths,
e.g. ``dataCentres[0].numberOfNodes``, so a form shows each message beside its field.
Version *lists* are not enforced (they change every month); their ``x.y.z`` form is.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from insta_nb.models import ClusterSpec, FirewallRuleSpec
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
    ProductDataCentre,
    RedisClusterSpec,
    RedisDataCentre,
    ZookeeperNodes,
)

__all__ = ["FIREWALL_RULE_TYPES", "shape_problems", "validate_firewall_rule", "validate_spec"]

_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]*")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_SLA_TIERS = ("PRODUCTION", "NON_PRODUCTION")
_CLOUD_PROVIDERS = ("AWS_VPC", "GCP", "AZURE", "AZURE_AZ", "ONPREMISES")
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
#: SPEC allows /12–/22; Terraform's 2026 docs allow up to /26 (Cassandra): the union.
_PREFIXES = range(12, 27)
_REPLICATION_MODES = ("SYNCHRONOUS", "ASYNCHRONOUS")

#: ``FirewallRuleTypesV2`` (facts §7).
# fmt: off
FIREWALL_RULE_TYPES = frozenset(
    {
        "KAFKA", "KAFKA_CONNECT", "KAFKA_ENCRYPTION", "KAFKA_MTLS", "KAFKA_NO_ENCRYPTION",
        "KAFKA_PRIVATE_SASL_PLAINTEXT_LISTENER", "KAFKA_PRIVATE_PLAINTEXT_LISTENER",
        "KAFKA_PRIVATE_SSL_LISTENER", "KAFKA_PUBLIC_SASL_PLAINTEXT_LISTENER",
        "KAFKA_PUBLIC_PLAINTEXT_LISTENER", "KAFKA_PUBLIC_SSL_LISTENER", "KAFKA_REST_PROXY",
        "KAFKA_SCHEMA_REGISTRY", "KARAPACE_REST_PROXY", "KARAPACE_SCHEMA_REGISTRY", "CASSANDRA",
        "CASSANDRA_CQL", "SPARK", "SPARK_JOBSERVER", "SHOTOVER_PROXY",
        "DEBEZIUM_CONNECTOR_CASSANDRA_KAFKA", "DEBEZIUM_CONNECTOR_CASSANDRA_SCHEMA",
        "ELASTICSEARCH", "OPENSEARCH", "OPENSEARCH_DASHBOARDS", "SEARCH_DASHBOARDS",
        "APACHE_ZOOKEEPER", "SECURE_APACHE_ZOOKEEPER", "CADENCE", "CADENCE_GRPC", "CADENCE_WEB",
        "COUCHBASE", "COUCHBASE_MEMCACHED_SSL", "MONGODB", "PGBOUNCER", "POSTGRESQL", "REDIS",
    }
)
# fmt: on


def _count(value: Any, low: int, high: int | None = None) -> str | None:
    """A message when ``value`` is not a whole number in ``low..high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "Give a whole number."
    if value < low or (high is not None and value > high):
        span = f"{low} to {high}" if high is not None else f"at least {low}"
        return f"Must be {span}, not {value}."
    return None


def _network_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "Give a private network in CIDR form, e.g. 10.0.0.0/16."
    try:
        net = ipaddress.ip_network(value.strip(), strict=True)
    except ValueError:
        return f"{value!r} is not a network in CIDR form with its host bits zero."
    if net.version != 4 or not any(net.subnet_of(p) for p in _PRIVATE):  # type: ignore[arg-type]
        return "Use a private IPv4 range (10/8, 172.16/12 or 192.168/16)."
    if net.prefixlen not in _PREFIXES:
        return f"Use a prefix from /{_PREFIXES[0]} to /{_PREFIXES[-1]}, not /{net.prefixlen}."
    return None


def _text_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"Give the {what}."
    return None


def _data_centres(spec: ProductClusterSpec, kind: type[Any], out: dict[str, str]) -> None:
    names: set[str] = set()
    for i, dc in enumerate(spec.data_centres):
        at = f"dataCentres[{i}]"
        if not isinstance(dc, kind):
            out[at] = f"Use a {kind.__name__} for a {type(spec).__name__}."
            continue
        if problem := _text_problem(dc.name, "data centre's name"):
            out[f"{at}.name"] = problem
        elif dc.name in names:
            out[f"{at}.name"] = f"Another data centre is already named {dc.name!r}."
        names.add(dc.name)
        if dc.cloud_provider not in _CLOUD_PROVIDERS:
            out[f"{at}.cloudProvider"] = f"Choose one of {', '.join(_CLOUD_PROVIDERS)}."
        if problem := _text_problem(dc.region, "region, e.g. US_EAST_1"):
            out[f"{at}.region"] = problem
        if problem := _network_problem(dc.network):
            out[f"{at}.network"] = problem
        size = getattr(dc, "node_size", "")
        if kind is not OpenSearchDataCentre and (problem := _text_problem(size, "node size")):
            out[f"{at}.nodeSize"] = problem


def _dc_count(spec: ProductClusterSpec, low: int, high: int, out: dict[str, str]) -> None:
    n = len(spec.data_centres)
    if not low <= n <= high:
        span = f"exactly {low}" if low == high else f"{low} to {high}"
        out["dataCentres"] = f"A {type(spec).__name__} needs {span} data centre(s), not {n}."


def _multiple(out: dict[str, str], at: str, nodes: Any, racks: Any, rack_field: str) -> None:
    if (problem := _count(nodes, 1)) is not None:
        out[f"{at}.numberOfNodes"] = problem
    elif isinstance(racks, int) and racks > 0 and nodes % racks:
        out[f"{at}.numberOfNodes"] = f"Must be a multiple of {rack_field} ({racks}), not {nodes}."


def _cassandra(spec: CassandraClusterSpec, out: dict[str, str]) -> None:
    _dc_count(spec, 1, 100, out)
    for i, dc in enumerate(spec.data_centres):
        if isinstance(dc, CassandraDataCentre):
            at = f"dataCentres[{i}]"
            if (problem := _count(dc.replication_factor, 1, 5)) is not None:
                out[f"{at}.replicationFactor"] = problem
            rf = dc.replication_factor
            _multiple(out, at, dc.number_of_nodes, rf, "replicationFactor")


def _kafka(spec: KafkaClusterSpec, out: dict[str, str]) -> None:
    _dc_count(spec, 1, 1, out)
    if (problem := _count(spec.default_replication_factor, 1, 5)) is not None:
        out["defaultReplicationFactor"] = problem
    if (problem := _count(spec.default_number_of_partitions, 1)) is not None:
        out["defaultNumberOfPartitions"] = problem
    for i, dc in enumerate(spec.data_centres):
        if isinstance(dc, KafkaDataCentre):
            rf = spec.default_replication_factor
            _multiple(out, f"dataCentres[{i}]", dc.number_of_nodes, rf, "defaultReplicationFactor")
    zk = spec.dedicated_zookeeper
    if zk is not None:
        if zk.node_count not in (3, 5):
            out["dedicatedZookeeper[0].zookeeperNodeCount"] = "Must be 3 or 5."
        if problem := _text_problem(zk.node_size, "ZooKeeper node size"):
            out["dedicatedZookeeper[0].zookeeperNodeSize"] = problem


def _redis(spec: RedisClusterSpec, out: dict[str, str]) -> None:
    _dc_count(spec, 1, 2, out)
    for i, dc in enumerate(spec.data_centres):
        if not isinstance(dc, RedisDataCentre):
            continue
        at = f"dataCentres[{i}]"
        if (problem := _count(dc.master_nodes, 3, 100)) is not None:
            out[f"{at}.masterNodes"] = problem
        if dc.replica_nodes is not None and (problem := _count(dc.replica_nodes, 0, 100)):
            out[f"{at}.replicaNodes"] = problem
        if dc.replication_factor is not None and (problem := _count(dc.replication_factor, 0, 5)):
            out[f"{at}.replicationFactor"] = problem


def _postgresql(spec: PostgresqlClusterSpec, out: dict[str, str]) -> None:
    _dc_count(spec, 1, 2, out)
    for i, dc in enumerate(spec.data_centres):
        if not isinstance(dc, PostgresqlDataCentre):
            continue
        at = f"dataCentres[{i}]"
        if (problem := _count(dc.number_of_nodes, 1, 5)) is not None:
            out[f"{at}.numberOfNodes"] = problem
        if dc.replication_mode not in _REPLICATION_MODES:
            out[f"{at}.intraDataCentreReplication[0].replicationMode"] = (
                f"Choose {' or '.join(_REPLICATION_MODES)}."
            )


def _opensearch(spec: OpenSearchClusterSpec, out: dict[str, str]) -> None:
    _dc_count(spec, 1, 1, out)
    for i, dc in enumerate(spec.data_centres):
        racks = dc.number_of_racks if isinstance(dc, OpenSearchDataCentre) else 3
        if (problem := _count(racks, 2, 5)) is not None:
            out[f"dataCentres[{i}].numberOfRacks"] = problem
    if problem := _text_problem(spec.cluster_manager_node_size, "cluster-manager node size"):
        out["clusterManagerNodes[0].nodeSize"] = problem
    for i, group in enumerate(spec.data_nodes):
        if problem := _text_problem(group.node_size, "data node size"):
            out[f"dataNodes[{i}].nodeSize"] = problem
        if (problem := _count(group.node_count, 1)) is not None:
            out[f"dataNodes[{i}].nodeCount"] = problem


_PRODUCT_RULES: tuple[tuple[type[Any], type[Any], Any], ...] = (
    (CassandraClusterSpec, CassandraDataCentre, _cassandra),
    (KafkaClusterSpec, KafkaDataCentre, _kafka),
    (RedisClusterSpec, RedisDataCentre, _redis),
    (PostgresqlClusterSpec, PostgresqlDataCentre, _postgresql),
    (OpenSearchClusterSpec, OpenSearchDataCentre, _opensearch),
)


def shape_problems(spec: ProductClusterSpec) -> dict[str, str]:
    """Parts of ``spec`` of the wrong *kind* (a text where a data centre or a node group
    belongs), keyed by the API field. Checked first: the other rules, and the body
    preview, read attributes of those parts."""
    out: dict[str, str] = {}
    rules = next((r for r in _PRODUCT_RULES if type(spec) is r[0]), None)
    kind = rules[1] if rules else ProductDataCentre
    if not isinstance(spec.data_centres, tuple | list):
        out["dataCentres"] = f"Give a tuple of {kind.__name__}."
    else:
        for i, dc in enumerate(spec.data_centres):
            if not isinstance(dc, kind):
                out[f"dataCentres[{i}]"] = f"Use a {kind.__name__} for a {type(spec).__name__}."
    zookeeper = getattr(spec, "dedicated_zookeeper", None)
    if zookeeper is not None and not isinstance(zookeeper, ZookeeperNodes):
        out["dedicatedZookeeper"] = "Give ZookeeperNodes(node_size=..., node_count=3), or None."
    groups = getattr(spec, "data_nodes", ())
    if not isinstance(groups, tuple | list) or not all(
        isinstance(g, OpenSearchNodes) for g in groups
    ):
        out["dataNodes"] = "Give a tuple of OpenSearchNodes(node_size=..., node_count=...)."
    dashboards = getattr(spec, "dashboards", ())
    if not isinstance(dashboards, tuple | list) or not all(
        isinstance(d, Mapping) for d in dashboards
    ):
        out["opensearchDashboards"] = "Give a tuple of {'nodeSize': ..., 'version': ...}."
    if not isinstance(spec.extra, Mapping) or not all(isinstance(k, str) for k in spec.extra):
        out["extra"] = "Give a mapping of API field names (text) to values."
    return out


def _is_developer_size(size: str | None) -> bool:
    return isinstance(size, str) and "-DEV-" in size.upper()


def validate_spec(spec: object) -> dict[str, str]:
    """``{v2 field: message}`` for what the API would refuse in ``spec``; empty when valid.

    A v1 :class:`~insta_nb.models.ClusterSpec` is refused as a whole (key ``spec``): v2
    has one body per product, and v1's bundles and rack allocation do not map onto it.
    """
    if isinstance(spec, ClusterSpec):
        return {
            "spec": "The Cluster Management API v2 creates one product per request: use "
            "CassandraClusterSpec, KafkaClusterSpec, RedisClusterSpec, PostgresqlClusterSpec "
            "or OpenSearchClusterSpec (insta_nb.products), or connect(api='v1')."
        }
    rules = next((r for r in _PRODUCT_RULES if type(spec) is r[0]), None)
    if not isinstance(spec, ProductClusterSpec) or rules is None:
        return {"spec": f"{type(spec).__name__} is not a v2 product spec."}
    out = shape_problems(spec)
    if out:
        return out
    name = spec.name
    if not isinstance(name, str) or not 3 <= len(name) <= 48 or not _NAME.fullmatch(name):
        out["name"] = (
            "Use 3 to 48 characters: letters, digits, '_' or '-', starting with a letter or digit."
        )
    version_field = f"{spec.product.value}Version"
    if not isinstance(spec.version, str) or not _VERSION.fullmatch(spec.version):
        out[version_field] = "Give a version as x.y.z, e.g. 3.5.1."
    if spec.sla_tier not in _SLA_TIERS:
        out["slaTier"] = f"Choose {' or '.join(_SLA_TIERS)}."
    elif spec.sla_tier == "PRODUCTION" and _is_developer_size(spec.node_size):
        out["slaTier"] = "PRODUCTION is not allowed with developer node sizes (…-DEV-…)."
    _, data_centre, product_rules = rules
    _data_centres(spec, data_centre, out)
    product_rules(spec, out)
    return out


def validate_firewall_rule(rule: FirewallRuleSpec) -> dict[str, str]:
    """What v2 would refuse in ``rule``: one type and one network per rule."""
    out: dict[str, str] = {}
    if rule.security_group_id is not None:
        out["securityGroupId"] = "v2 rules name a network (CIDR), not a security group."
    if not rule.network:
        out["network"] = "Give the network to allow, in CIDR form (e.g. 203.0.113.7/32)."
    else:
        try:
            ipaddress.ip_network(rule.network, strict=True)
        except ValueError:
            out["network"] = f"{rule.network!r} is not a network in CIDR form."
    if len(rule.rule_types) != 1:
        out["type"] = "A v2 rule has exactly one type: add one rule per type."
    elif rule.rule_types[0] not in FIREWALL_RULE_TYPES:
        out["type"] = f"{rule.rule_types[0]!r} is not a v2 firewall rule type."
    return out
