"""The v2 wire format: product specs → the facts' bodies, v2 responses → toolkit models."""

from __future__ import annotations

import json
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.backends.v2 import parse, peering, wire
from insta_nb.models import ClusterStatus, FirewallRuleSpec
from insta_nb.products import Product, ZookeeperNodes
from tests.client.v2_examples import (
    BODIES,
    CDC_ID,
    CLUSTER_ID,
    PASSWORD,
    SPECS,
    cassandra_response,
    kafka,
)


@pytest.mark.parametrize("product", sorted(BODIES))
def test_each_product_spec_sends_the_documented_body(product: str) -> None:
    spec = SPECS[product]
    assert spec.product is Product(product)
    assert wire.spec_to_json(spec) == BODIES[product]


@pytest.mark.parametrize("product", sorted(BODIES))
def test_each_product_posts_to_its_own_collection(product: str) -> None:
    path = wire.clusters_path(SPECS[product].product)
    assert path == f"/cluster-management/v2/resources/applications/{product}/clusters/v2/"


def test_dedicated_zookeeper_and_extra_fields_are_sent() -> None:
    spec = kafka(
        dedicated_zookeeper=ZookeeperNodes("KDZ-DEV-t4g.small-30", 3),
        extra={"twoFactorDelete": [{"confirmationEmail": "ops@example.com"}]},
    )
    body = wire.spec_to_json(spec)
    assert body["dedicatedZookeeper"] == [
        {"zookeeperNodeSize": "KDZ-DEV-t4g.small-30", "zookeeperNodeCount": 3}
    ]
    assert body["twoFactorDelete"] == [{"confirmationEmail": "ops@example.com"}]


def test_paths_refuse_ids_that_would_change_them() -> None:
    for bad in ("", "../x", "a/b", "a?b=1", "a b", "%2e%2e"):
        with pytest.raises(errors.ValidationError) as info:
            wire.cluster_path(Product.KAFKA, bad)
        assert "clusterId" in info.value.field_errors
    with pytest.raises(errors.ValidationError) as info:
        wire.firewall_rule_path("x/../y")
    assert "firewallRuleId" in info.value.field_errors


def test_a_name_search_is_one_query_parameter_whatever_the_name_holds() -> None:
    path = wire.search_path("a&b=c d")
    assert path == "/cluster-management/v2/data-sources/clusters/v2/?search=name:a%26b%3Dc%20d"


def test_a_v2_firewall_rule_is_one_type_for_one_network() -> None:
    rule = FirewallRuleSpec(rule_types=("CASSANDRA_CQL",), network="203.0.113.7/32")
    network, kind = wire.firewall_rule_parts(rule)
    assert wire.firewall_rule_to_json(CLUSTER_ID, network, kind) == {
        "clusterId": CLUSTER_ID,
        "network": "203.0.113.7/32",
        "type": "CASSANDRA_CQL",
    }


# --- responses ----------------------------------------------------------------------------


def test_a_cluster_maps_onto_the_toolkit_models() -> None:
    details = parse.parse_cluster(cassandra_response(), "cassandra")
    assert (details.id, details.name, details.status) == (
        CLUSTER_ID,
        "cass1",
        ClusterStatus.RUNNING,
    )
    assert (details.version, details.sla_tier, details.pci_compliance) == (
        "4.1.3",
        "NON_PRODUCTION",
        "DISABLED",
    )
    (dc,) = details.data_centres
    assert (dc.id, dc.name, dc.provider, dc.region, dc.network) == (
        CDC_ID,
        "AWS_VPC_US_EAST_1",
        "AWS_VPC",
        "US_EAST_1",
        "10.0.0.0/16",
    )
    assert dc.node_count == 3  # numberOfNodes, although one node is reported so far
    (node,) = dc.nodes
    assert (node.size, node.rack, node.status) == (
        "CAS-DEV-t4g.small-30",
        "us-east-1a",
        ClusterStatus.RUNNING,
    )
    assert (node.public_address, node.private_address) == ("52.0.5.140", "10.0.0.10")
    assert details.raw["currentClusterOperationStatus"] == "NO_OPERATION"


def test_the_generated_password_never_enters_a_model() -> None:
    details = parse.parse_cluster(cassandra_response(), "cassandra")
    summary = parse.summary_of(details)
    for shown in (repr(details), repr(summary), json.dumps(details.raw), json.dumps(summary.raw)):
        assert PASSWORD not in shown


def test_an_unknown_status_is_unknown_not_an_error() -> None:
    details = parse.parse_cluster(cassandra_response(status="SOMETHING_NEW"), "cassandra")
    assert details.status is ClusterStatus.UNKNOWN


def test_a_resize_in_progress_shows_its_target_size() -> None:
    body = cassandra_response(currentClusterOperationStatus="OPERATION_IN_PROGRESS")
    body["dataCentres"][0]["nodeSize"] = "CAS-DEV-t4g.medium-30"
    (dc,) = parse.parse_cluster(body, "cassandra").data_centres
    assert dc.resize_target_node_size == "CAS-DEV-t4g.medium-30"
    (idle,) = parse.parse_cluster(cassandra_response(), "cassandra").data_centres
    assert idle.resize_target_node_size is None


def test_the_cluster_list_gives_ids_and_products() -> None:
    body = [
        {
            "accountId": "acc",
            "clusters": [
                {"id": CLUSTER_ID, "application": "APACHE_CASSANDRA"},
                {"id": "k1", "application": "KAFKA"},
                {"id": "m1", "application": "MONGODB"},
            ],
        }
    ]
    listed = parse.parse_cluster_list(body)
    assert [(c.id, c.app_path) for c in listed] == [
        (CLUSTER_ID, "cassandra"),
        ("k1", "kafka"),
        ("m1", None),
    ]


def test_firewall_rules_each_carry_their_own_status_and_id() -> None:
    body = [
        {
            "clusterId": CLUSTER_ID,
            "firewallRules": [
                {
                    "id": "r1",
                    "clusterId": CLUSTER_ID,
                    "network": "203.0.113.7/32",
                    "type": "CASSANDRA_CQL",
                    "status": "GENESIS",
                    "deferredReason": None,
                }
            ],
        }
    ]
    (rule,) = parse.parse_firewall_rules(body)
    assert rule.network == "203.0.113.7/32"
    assert [(r.type, r.status) for r in rule.rules] == [("CASSANDRA_CQL", ClusterStatus.GENESIS)]
    assert parse.rule_id(rule) == "r1"


HOSTILE: list[Any] = [
    None,
    "cluster",
    42,
    [],
    {"name": "no id"},
    {"id": True},
    {"id": CLUSTER_ID, "dataCentres": {"not": "a list"}},
    {"id": CLUSTER_ID, "dataCentres": ["not an object"]},
    {"id": CLUSTER_ID, "dataCentres": [{"nodes": "x"}]},
    {"id": CLUSTER_ID, "dataCentres": [{"nodes": [7]}]},
]


def test_json_nested_deeper_than_python_copies_is_the_toolkits_error() -> None:
    deep = json.loads("[" * 900 + "]" * 900)
    body = cassandra_response()
    body["dataCentres"][0]["nodes"][0]["extra"] = deep
    with pytest.raises(errors.UnexpectedResponseError):
        parse.parse_cluster(body, "cassandra")
    with pytest.raises(errors.UnexpectedResponseError):
        peering.parse_peer({"id": "p", "deep": deep})


@pytest.mark.parametrize("body", HOSTILE, ids=repr)
def test_a_hostile_cluster_body_raises_the_toolkits_error_only(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        parse.parse_cluster(body, "kafka")


@pytest.mark.parametrize(
    "body",
    [None, {}, "x", [1], [{"clusters": {"id": "x"}}], [{"clusters": [{"application": "KAFKA"}]}]],
    ids=repr,
)
def test_a_hostile_list_raises_the_toolkits_error_only(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        parse.parse_cluster_list(body)


@pytest.mark.parametrize(
    "body", [{}, [{"firewallRules": [{"id": "r"}]}], [{"firewallRules": 3}], ["x"]], ids=repr
)
def test_a_hostile_rule_list_raises_the_toolkits_error_only(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        parse.parse_firewall_rules(body)


@pytest.mark.parametrize("count", ["²", "٣", "--5", "1e3", " ", "9" * 40, 1.5, True])
def test_an_unreadable_count_is_absent_not_a_crash(count: Any) -> None:
    body = cassandra_response()
    body["dataCentres"][0]["numberOfNodes"] = count
    (dc,) = parse.parse_cluster(body, "cassandra").data_centres
    assert dc.node_count == 1  # the nodes reported


def test_odd_but_readable_values_are_tolerated() -> None:
    body = cassandra_response()
    body["dataCentres"][0]["numberOfNodes"] = "6"
    body["dataCentres"][0]["nodes"][0]["publicAddress"] = None
    body["slaTier"] = None
    details = parse.parse_cluster(body, "cassandra")
    assert details.data_centres[0].node_count == 6
    assert details.nodes[0].public_address is None
    assert details.sla_tier is None
