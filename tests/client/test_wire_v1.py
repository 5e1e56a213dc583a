"""The v1 wire format: request bodies, tolerant parsing, shapes that must be refused."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insta_nb import errors
from insta_nb.backends.v1 import wire as wire_v1
from insta_nb.models import (
    BundleSpec,
    ClusterSpec,
    ClusterStatus,
    FirewallRuleSpec,
    LegacyClusterSpec,
    LegacyRack,
    ProviderSpec,
    RackAllocation,
)

# --- paths ------------------------------------------------------------------------------------


def test_paths() -> None:
    cid = "7c6a0f5e-3c1b-4a5d-9f1e-0d2b8c4e6f10"
    assert wire_v1.LIST_CLUSTERS_PATH == "/provisioning/v1"
    assert wire_v1.CREATE_EXTENDED_PATH == "/provisioning/v1/extended/"
    assert wire_v1.CREATE_LEGACY_PATH == "/provisioning/v1/"
    assert wire_v1.cluster_path(cid) == f"/provisioning/v1/{cid}"
    assert wire_v1.firewall_rules_path(cid) == f"/provisioning/v1/{cid}/firewallRules/"
    assert wire_v1.encryption_key_path("k-1") == "/provisioning/v1/encryption-keys/k-1"


@pytest.mark.parametrize("good", ["cluster-uuid-1", "ABC_def.9", "a" * 128, "0:1"])
def test_path_ids_accepted(good: str) -> None:
    assert wire_v1.check_path_id(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "a/b",
        "..",
        ".",
        "a..b",
        "../other",
        "%2e%2e",
        "a?b=1",
        "a#b",
        "a b",
        "a\n",
        "\x00",
        "é",
        "a" * 129,
        "-leading",
        None,
        42,
    ],
)
def test_path_ids_refused(bad: Any) -> None:
    with pytest.raises(errors.ValidationError) as info:
        wire_v1.check_path_id(bad)
    assert set(info.value.field_errors) == {"clusterId"}


def test_key_id_errors_name_the_key_field() -> None:
    with pytest.raises(errors.ValidationError) as info:
        wire_v1.encryption_key_path("a/b")
    assert set(info.value.field_errors) == {"keyId"}


# --- request bodies ---------------------------------------------------------------------------


def _spec(**overrides: Any) -> ClusterSpec:
    values: dict[str, Any] = {
        "cluster_name": "demo_1",
        "bundles": (
            BundleSpec("APACHE_CASSANDRA", "4.0.1", {"authnAuthz": True}),
            BundleSpec("SPARK", "2.3.2"),
        ),
        "provider": ProviderSpec("AWS_VPC", account_name="acct", tags={"team": "data"}),
        "data_centre": "US_WEST_2",
        "node_size": "m5l-250-v2",
        "cluster_network": "10.224.0.0/16",
        "rack_allocation": RackAllocation(3, 2),
    }
    values.update(overrides)
    return ClusterSpec(**values)


def test_spec_to_json_extended_body() -> None:
    body = wire_v1.spec_to_json(
        _spec(
            firewall_rules=(FirewallRuleSpec(("CASSANDRA",), network="203.0.113.7/32"),),
            pci_compliant_cluster=True,
        )
    )
    assert body == {
        "clusterName": "demo_1",
        "bundles": [
            {"bundle": "APACHE_CASSANDRA", "version": "4.0.1", "options": {"authnAuthz": True}},
            {"bundle": "SPARK", "version": "2.3.2"},
        ],
        "provider": {"name": "AWS_VPC", "accountName": "acct", "tags": {"team": "data"}},
        "slaTier": "NON_PRODUCTION",
        "nodeSize": "m5l-250-v2",
        "dataCentre": "US_WEST_2",
        "clusterNetwork": "10.224.0.0/16",
        "privateNetworkCluster": False,
        "pciCompliantCluster": True,
        "rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 2},
        "firewallRules": [{"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA"}]}],
    }
    assert type(body["rackAllocation"]["numberOfRacks"]) is int
    assert body["privateNetworkCluster"] is False


def test_spec_to_json_omits_unset_fields_and_merges_extra() -> None:
    body = wire_v1.spec_to_json(
        _spec(
            node_size=None,
            cluster_network=None,
            rack_allocation=None,
            extra={"twoFactorDelete": {"deleteVerifyEmail": "a@b.c"}, "slaTier": "PRODUCTION"},
        )
    )
    assert "nodeSize" not in body
    assert "clusterNetwork" not in body
    assert "rackAllocation" not in body
    assert body["twoFactorDelete"] == {"deleteVerifyEmail": "a@b.c"}
    assert body["slaTier"] == "PRODUCTION"  # extra wins: it is the escape hatch


def test_spec_to_json_does_not_share_mutable_state() -> None:
    options = {"nested": {"x": 1}}
    spec = _spec(extra={"more": options})
    body = wire_v1.spec_to_json(spec)
    body["more"]["nested"]["x"] = 2
    assert options["nested"]["x"] == 1


def test_firewall_rule_to_json() -> None:
    assert wire_v1.firewall_rule_to_json(
        FirewallRuleSpec(("KAFKA", "KAFKA_REST_PROXY"), security_group_id="sg-0123abcd")
    ) == {
        "securityGroupId": "sg-0123abcd",
        "rules": [{"type": "KAFKA"}, {"type": "KAFKA_REST_PROXY"}],
    }


def test_legacy_spec_to_json() -> None:
    spec = LegacyClusterSpec(
        cluster_name="legacy",
        provider="AWS_VPC",
        version="apache-cassandra-3.11.4",
        size="t2.small",
        data_centre="US_WEST_2",
        racks=(LegacyRack("us-west-2a", 2), LegacyRack("us-west-2b", 2)),
        authn_authz=True,
        disk_encryption_key="key-1",
        tags={"env": "test"},
    )
    assert wire_v1.legacy_spec_to_json(spec) == {
        "clusterName": "legacy",
        "provider": "AWS_VPC",
        "version": "apache-cassandra-3.11.4",
        "size": "t2.small",
        "region": {
            "dataCentre": "US_WEST_2",
            "authnAuthz": "true",
            "clientEncryption": "false",
            "usePrivateBroadcastRPCAddress": "false",
            "defaultNetwork": "",
            "firewallRules": [],
            "rackAllocation": [
                {"name": "us-west-2a", "nodeCount": "2"},
                {"name": "us-west-2b", "nodeCount": "2"},
            ],
            "diskEncryptionKey": "key-1",
        },
        "tags": {"env": "test"},
    }


def test_encryption_key_body() -> None:
    assert wire_v1.encryption_key_to_json("virginia 1", "arn:aws:kms:x", None) == {
        "alias": "virginia 1",
        "arn": "arn:aws:kms:x",
    }
    assert wire_v1.encryption_key_to_json("a", "b", "ACME")["providerAccount"] == "ACME"


def test_spec_from_json_round_trips_our_own_bodies() -> None:
    spec = _spec(
        firewall_rules=(FirewallRuleSpec(("CASSANDRA",), network="10.0.0.0/16"),),
        extra={"oidcProvider": "okta"},
    )
    body = wire_v1.spec_to_json(spec)
    again = wire_v1.spec_from_json(body)
    assert again == spec
    assert wire_v1.spec_to_json(again) == body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"bundles": {}}, "bundles"),
        ({"bundles": [1]}, "bundles[0]"),
        ({"bundles": [], "provider": "AWS_VPC"}, "provider"),
        ({"bundles": [], "provider": {}, "rackAllocation": {"numberOfRacks": "x"}}, None),
        ({"bundles": [{"options": []}], "provider": {}}, "bundles[0].options"),
        (
            {"bundles": [], "provider": {}, "firewallRules": [{"rules": "x"}]},
            "firewallRules[0].rules",
        ),
    ],
)
def test_spec_from_json_refuses_bad_shapes(body: Any, field: str | None) -> None:
    with pytest.raises(errors.ValidationError) as info:
        wire_v1.spec_from_json(body)
    if field is not None:
        assert field in info.value.field_errors


# --- responses --------------------------------------------------------------------------------

LIST_ITEM = {
    "id": "c-1",
    "name": "one",
    "cassandraVersion": "3.11.4",
    "nodeCount": 4,
    "runningNodeCount": 3,
    "derivedStatus": "PROVISIONING",
    "slaTier": "PRODUCTION",
    "pciCompliance": "DISABLED",
    "someFutureField": {"x": [1, 2]},
}


def test_parse_cluster_list() -> None:
    (summary,) = wire_v1.parse_cluster_list([LIST_ITEM])
    assert summary.id == "c-1"
    assert summary.name == "one"
    assert summary.status is ClusterStatus.PROVISIONING
    assert (summary.node_count, summary.running_node_count) == (4, 3)
    assert (summary.version, summary.sla_tier, summary.pci_compliance) == (
        "3.11.4",
        "PRODUCTION",
        "DISABLED",
    )
    assert summary.raw == LIST_ITEM


def test_parse_cluster_list_tolerates_strings_nulls_and_unknown_statuses() -> None:
    item = {
        "id": "c-2",
        "clusterName": "two",
        "nodeCount": "3",
        "runningNodeCount": None,
        "derivedStatus": "SOMETHING_NEW",
        "slaTier": None,
    }
    (summary,) = wire_v1.parse_cluster_list([item])
    assert (summary.name, summary.node_count, summary.running_node_count) == ("two", 3, 0)
    assert summary.status is ClusterStatus.UNKNOWN
    assert summary.raw["derivedStatus"] == "SOMETHING_NEW"
    assert summary.sla_tier is None
    assert wire_v1.parse_cluster_list([]) == []


def test_parsed_raw_is_a_private_copy() -> None:
    item = dict(LIST_ITEM)
    (summary,) = wire_v1.parse_cluster_list([item])
    item["name"] = "changed"
    assert summary.raw["name"] == "one"


@pytest.mark.parametrize(
    "body",
    [None, {}, "text", [1], [None], [{"name": "no id"}], [{"id": None}], [{"id": {"a": 1}}]],
)
def test_parse_cluster_list_refuses_bad_shapes(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        wire_v1.parse_cluster_list(body)


STATUS = {
    "id": "c-1",
    "clusterName": "instaclustr-test-cluster",
    "clusterStatus": "RUNNING",
    "cassandraVersion": "3.11.4",
    "username": "iccassandra",
    "slaTier": "PRODUCTION",
    "clusterCertificateDownload": "disabled",
    "pciCompliance": "DISABLED",
    "tags": {"environment": "production"},
    "dataCentres": [
        {
            "id": "dc-1",
            "name": "US_EAST_1",
            "cdcName": "DC1",
            "provider": "AWS_VPC",
            "cdcStatus": "RUNNING",
            "cdcNetwork": "10.224.0.0/16",
            "bundles": ["SPARK"],
            "clientEncryption": True,
            "privateIPOnly": "false",
            "nodeCount": "2",
            "encryptionKeyId": None,
            "resizeTargetNodeSize": "i3.2xlarge",
            "nodes": [
                {
                    "id": "n-1",
                    "size": "t3.small",
                    "rack": "us-east-1a",
                    "publicAddress": "50.0.0.1",
                    "privateAddress": "10.0.0.1",
                    "nodeStatus": "RUNNING",
                    "sparkMaster": "true",
                    "sparkJobserver": False,
                    "zeppelin": None,
                },
                {
                    "id": "n-2",
                    "size": "t3.small",
                    "rack": "us-east-1b",
                    "publicAddress": ["50.0.0.2"],
                    "privateAddress": None,
                    "nodeStatus": "PROVISIONING",
                },
            ],
        }
    ],
}


def test_parse_cluster_details() -> None:
    details = wire_v1.parse_cluster_details(STATUS)
    assert (details.id, details.name, details.status) == (
        "c-1",
        "instaclustr-test-cluster",
        ClusterStatus.RUNNING,
    )
    assert details.raw == STATUS
    (dc,) = details.data_centres
    assert (dc.id, dc.region, dc.name, dc.provider, dc.status) == (
        "dc-1",
        "US_EAST_1",
        "DC1",
        "AWS_VPC",
        ClusterStatus.RUNNING,
    )
    assert (dc.network, dc.node_count, dc.bundles) == ("10.224.0.0/16", 2, ("SPARK",))
    assert (dc.encryption_key_id, dc.resize_target_node_size, dc.private_ip_only) == (
        None,
        "i3.2xlarge",
        False,
    )
    assert dc.raw == STATUS["dataCentres"][0]  # type: ignore[index]
    first, second = dc.nodes
    assert first.spark_master is True
    assert first.zeppelin is False
    assert second.public_address == "50.0.0.2"
    assert second.private_address is None
    assert (details.node_count, details.running_node_count, dc.running_node_count) == (2, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.224.0.0/16", "10.224.0.0/16"),
        ({"network": "10.224.0.0", "prefixLength": 16}, "10.224.0.0/16"),
        ({"network": "10.224.0.0", "prefixLength": "16"}, "10.224.0.0/16"),
        ({"network": "10.224.0.0"}, "10.224.0.0"),
        ({}, None),
        (None, None),
        (42, None),
    ],
)
def test_cdc_network_forms_are_normalised(value: Any, expected: str | None) -> None:
    details = wire_v1.parse_cluster_details({"dataCentres": [{"id": "d", "cdcNetwork": value}]})
    assert details.data_centres[0].network == expected


def test_terraform_description_fields_are_understood() -> None:
    body = {
        "id": "c-9",
        "clusterName": "tf",
        "clusterStatus": "RUNNING",
        "bundleVersion": "4.0.1",
        "dataCentres": [
            {
                "id": "d",
                "name": "DC-custom",
                "dataCentre": "US_WEST_2",
                "provider": {"name": "AWS_VPC"},
                "bundles": [{"bundle": "SPARK", "version": "apache-spark:2.3.2.ic3"}],
                "encryptionKeyId": ["k-1"],
            }
        ],
    }
    details = wire_v1.parse_cluster_details(body)
    dc = details.data_centres[0]
    assert details.version == "4.0.1"
    assert (dc.region, dc.provider, dc.bundles, dc.encryption_key_id) == (
        "US_WEST_2",
        "AWS_VPC",
        ("SPARK",),
        "k-1",
    )


def test_parse_cluster_details_takes_the_asked_id_when_the_body_has_none() -> None:
    details = wire_v1.parse_cluster_details({"dataCentres": None}, cluster_id="c-7")
    assert details.id == "c-7"
    assert details.data_centres == ()
    assert details.status is ClusterStatus.UNKNOWN


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "RUNNING",
        {"dataCentres": {}},
        {"dataCentres": ["dc"]},
        {"dataCentres": [{"nodes": {}}]},
        {"dataCentres": [{"nodes": [3]}]},
    ],
)
def test_parse_cluster_details_refuses_bad_shapes(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        wire_v1.parse_cluster_details(body)


def test_parse_firewall_rules() -> None:
    body = [
        {
            "network": "1.2.3.4/32",
            "rules": [
                {"type": "CASSANDRA", "status": "RUNNING"},
                {"type": "SPARK", "status": "DEFERRED", "deferredReason": "quota"},
            ],
        },
        {"securityGroupId": "sg-0123abcd", "rules": ["KAFKA", {"no": "type"}]},
        {"network": "5.6.7.8/32", "rules": None},
    ]
    first, second, third = wire_v1.parse_firewall_rules(body)
    assert first.target == "1.2.3.4/32"
    assert [(r.type, r.status) for r in first.rules] == [
        ("CASSANDRA", ClusterStatus.RUNNING),
        ("SPARK", ClusterStatus.DEFERRED),
    ]
    assert first.rules[1].deferred_reason == "quota"
    assert second.target == "sg-0123abcd"
    assert [r.type for r in second.rules] == ["KAFKA"]
    assert second.raw == body[1]
    assert third.rules == ()


@pytest.mark.parametrize("body", [None, {}, [1], [{"rules": {}}]])
def test_parse_firewall_rules_refuses_bad_shapes(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        wire_v1.parse_firewall_rules(body)


def test_parse_encryption_keys() -> None:
    body = [{"id": "k-1", "alias": "virginia 1", "arn": "arn:aws:kms:x", "provider": "AWS_VPC"}]
    (key,) = wire_v1.parse_encryption_keys(body)
    assert (key.id, key.alias, key.arn, key.provider) == (
        "k-1",
        "virginia 1",
        "arn:aws:kms:x",
        "AWS_VPC",
    )
    assert key.raw == body[0]
    with pytest.raises(errors.UnexpectedResponseError):
        wire_v1.parse_encryption_keys([{"alias": "no id"}])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": "abc"}, "abc"),
        ({"clusterId": "abc"}, "abc"),  # one key, whatever its name (as Terraform reads it)
        ({"id": "abc", "message": "accepted"}, "abc"),
        ({"id": 12}, "12"),
    ],
)
def test_parse_created_id(body: Any, expected: str) -> None:
    assert wire_v1.parse_created_id(body) == expected


@pytest.mark.parametrize(
    "body", [None, [], "abc", {}, {"a": "1", "b": "2"}, {"id": None}, {"id": True}, {"id": ""}]
)
def test_parse_created_id_refuses_bad_shapes(body: Any) -> None:
    with pytest.raises(errors.UnexpectedResponseError):
        wire_v1.parse_created_id(body)


def test_parse_message() -> None:
    assert wire_v1.parse_message({"message": "Cluster has been marked for deletion."}) == (
        "Cluster has been marked for deletion."
    )
    assert wire_v1.parse_message({"other": 1}) == ""
    assert wire_v1.parse_message([]) == ""


# --- no body, however odd, makes a parser fail with anything but UnexpectedResponseError ------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "clusterName",
                    "dataCentres",
                    "nodes",
                    "cdcNetwork",
                    "network",
                    "prefixLength",
                    "rules",
                    "type",
                    "nodeCount",
                    "provider",
                    "bundles",
                    "publicAddress",
                    "encryptionKeyId",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)

PARSERS = [
    wire_v1.parse_cluster_list,
    wire_v1.parse_cluster_details,
    wire_v1.parse_firewall_rules,
    wire_v1.parse_encryption_keys,
    wire_v1.parse_created_id,
    wire_v1.parse_message,
]


@settings(max_examples=300, deadline=None)
@given(body=json_values, parser=st.sampled_from(PARSERS))
def test_parsers_only_ever_raise_unexpected_response(body: Any, parser: Any) -> None:
    with contextlib.suppress(errors.UnexpectedResponseError):
        parser(body)


@settings(max_examples=200, deadline=None)
@given(body=json_values)
def test_spec_from_json_only_ever_raises_validation_error(body: Any) -> None:
    with contextlib.suppress(errors.ValidationError):
        wire_v1.spec_from_json(body)
