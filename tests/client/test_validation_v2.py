"""What v2 would refuse, per product, by the API's own field names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from insta_nb.backends.v2.validation import validate_firewall_rule, validate_spec
from insta_nb.models import BundleSpec, ClusterSpec, FirewallRuleSpec, ProviderSpec
from insta_nb.products import (
    CassandraDataCentre,
    KafkaDataCentre,
    OpenSearchNodes,
    ProductClusterSpec,
    ZookeeperNodes,
)
from tests.client.v2_examples import SPECS, cassandra, kafka, opensearch, postgresql, redis


@pytest.mark.parametrize("product", sorted(SPECS))
def test_the_documented_examples_are_valid(product: str) -> None:
    assert validate_spec(SPECS[product]) == {}


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (kafka(name="ab"), "name"),
        (kafka(name="-starts-with-dash"), "name"),
        (kafka(name="x" * 49), "name"),
        (kafka(name="has space"), "name"),
        (replace(kafka(), version="3.5"), "kafkaVersion"),
        (replace(redis(), version="latest"), "redisVersion"),
        (replace(kafka(), sla_tier="GOLD"), "slaTier"),
        (replace(kafka(), sla_tier="PRODUCTION"), "slaTier"),  # a developer size
        (kafka(network="8.8.0.0/16"), "dataCentres[0].network"),
        (kafka(network="10.1.0.1/16"), "dataCentres[0].network"),
        (kafka(network="10.0.0.0/8"), "dataCentres[0].network"),
        (kafka(number_of_nodes=4), "dataCentres[0].numberOfNodes"),
        (kafka(default_replication_factor=0), "defaultReplicationFactor"),
        (kafka(dedicated_zookeeper=ZookeeperNodes("KDZ-DEV-t4g.small-30", 4)),
         "dedicatedZookeeper[0].zookeeperNodeCount"),
        (cassandra(number_of_nodes=4), "dataCentres[0].numberOfNodes"),
        (cassandra(replication_factor=0), "dataCentres[0].replicationFactor"),
        (redis(master_nodes=2), "dataCentres[0].masterNodes"),
        (postgresql(number_of_nodes=6), "dataCentres[0].numberOfNodes"),
        (postgresql(replication_mode="SOMETIMES"),
         "dataCentres[0].intraDataCentreReplication[0].replicationMode"),
        (opensearch(number_of_racks=1), "dataCentres[0].numberOfRacks"),
        (opensearch(data_nodes=(OpenSearchNodes("SRH-DEV-t4g.small-5", 0),)),
         "dataNodes[0].nodeCount"),
        (opensearch(cluster_manager_node_size=""), "clusterManagerNodes[0].nodeSize"),
    ],
    ids=lambda v: v if isinstance(v, str) else type(v).__name__,
)  # fmt: skip
def test_each_rule_names_the_api_field(spec: ProductClusterSpec, field: str) -> None:
    assert field in validate_spec(spec)


def test_kafka_takes_exactly_one_data_centre_and_names_must_differ() -> None:
    spec = kafka()
    two = replace(spec, data_centres=spec.data_centres * 2)
    assert "dataCentres" in validate_spec(two)
    cass = cassandra()
    twice = replace(cass, data_centres=cass.data_centres * 2)
    assert validate_spec(twice) == {
        "dataCentres[1].name": "Another data centre is already named 'AWS_VPC_US_EAST_1'."
    }


def test_a_data_centre_of_another_product_is_named() -> None:
    dc = CassandraDataCentre(
        name="dc", region="US_EAST_1", network="10.9.0.0/16", node_size="x", number_of_nodes=3
    )
    spec = replace(kafka(), data_centres=(dc,))  # type: ignore[arg-type]
    assert "KafkaDataCentre" in validate_spec(spec)["dataCentres[0]"]


def test_wrong_types_are_messages_not_exceptions() -> None:
    dc = KafkaDataCentre(
        name="dc",
        region="US_EAST_1",
        network=None,  # type: ignore[arg-type]
        node_size="KFK-DEV-t4g.small-5",
        number_of_nodes="3",  # type: ignore[arg-type]
    )
    problems = validate_spec(replace(kafka(), data_centres=(dc,), name=None))  # type: ignore[arg-type]
    assert {"name", "dataCentres[0].network", "dataCentres[0].numberOfNodes"} <= set(problems)


def test_a_v1_spec_is_refused_as_a_whole_with_what_to_use() -> None:
    v1 = ClusterSpec("demo", (BundleSpec("KAFKA", "3.5.1"),), ProviderSpec("AWS_VPC"), "US_EAST_1")
    problems = validate_spec(v1)
    assert list(problems) == ["spec"]
    assert "KafkaClusterSpec" in problems["spec"]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (FirewallRuleSpec(("CASSANDRA_CQL", "KAFKA"), network="203.0.113.7/32"), "type"),
        (FirewallRuleSpec(("NOT_A_TYPE",), network="203.0.113.7/32"), "type"),
        (FirewallRuleSpec(("KAFKA",), network="203.0.113.7"), None),
        (FirewallRuleSpec(("KAFKA",), network="203.0.113.7/24"), "network"),
        (FirewallRuleSpec(("KAFKA",), security_group_id="sg-1"), "securityGroupId"),
        (FirewallRuleSpec(("KAFKA",)), "network"),
    ],
)
def test_firewall_rules(rule: FirewallRuleSpec, field: str | None) -> None:
    problems = validate_firewall_rule(rule)
    assert (field in problems) if field else problems == {}
