"""Create validation: each rule names its field; loose typing is accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT, create_body

if TYPE_CHECKING:
    from tests.simulator.support import Harness

CASSANDRA_SECURE = {
    "bundle": "APACHE_CASSANDRA",
    "version": "4.0.1",
    "options": {"authnAuthz": True, "clientEncryption": True},
}


def errors(api: Harness, body: Any) -> dict[str, str]:
    response = api.post(f"{ROOT}/extended/", json=body)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert payload["message"]
    result: dict[str, str] = payload["errors"]
    return result


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"clusterName": "invalid!!!"}, "clusterName"),
        ({"clusterName": "demo\n"}, "clusterName"),  # the catalogue's ``$`` let it through
        ({"clusterName": "x" * 33}, "clusterName"),
        ({"clusterName": ""}, "clusterName"),
        ({"clusterName": 12}, "clusterName"),
        ({"nodeSize": "m9.huge"}, "nodeSize"),
        ({"nodeSize": None}, "nodeSize"),
        ({"dataCentre": "MARS_1"}, "dataCentre"),
        ({"dataCentre": None}, "dataCentre"),
        ({"clusterNetwork": "8.8.0.0/16"}, "clusterNetwork"),
        ({"clusterNetwork": "10.0.0.0/8"}, "clusterNetwork"),
        ({"clusterNetwork": "10.0.0.0/24"}, "clusterNetwork"),
        ({"clusterNetwork": "10.0.0.1/16"}, "clusterNetwork"),
        ({"clusterNetwork": "banana"}, "clusterNetwork"),
        # ipaddress took these (after a strip); the client refuses them.
        ({"clusterNetwork": " 10.224.0.0/16"}, "clusterNetwork"),
        ({"clusterNetwork": "10.224.0.0/16\n"}, "clusterNetwork"),
        ({"clusterNetwork": "10.224.0.0/255.255.0.0"}, "clusterNetwork"),
        ({"clusterNetwork": "10.224.0.0/016"}, "clusterNetwork"),
        ({"rackAllocation": {"numberOfRacks": 6, "nodesPerRack": 1}}, "rackAllocation"),
        ({"rackAllocation": {"numberOfRacks": 3, "nodesPerRack": 11}}, "rackAllocation"),
        ({"rackAllocation": {"numberOfRacks": "three", "nodesPerRack": 1}}, "rackAllocation"),
        ({"rackAllocation": [3, 1]}, "rackAllocation"),
        ({"provider": {"name": "AZURE"}}, "provider.name"),
        ({"provider": "AWS_VPC"}, "provider"),
        ({"provider": {"name": "AWS_VPC", "tags": {"a": 1}}}, "provider.tags"),
        (
            {"provider": {"name": "AWS_VPC", "diskEncryptionKey": "nope"}},
            "provider.diskEncryptionKey",
        ),
        ({"bundles": []}, "bundles"),
        ({"bundles": [{"bundle": "NOSQL", "version": "1"}]}, "bundles"),
        ({"bundles": [{"bundle": "APACHE_CASSANDRA", "version": "9.9"}]}, "bundles"),
        ({"bundles": [{"bundle": "SPARK", "version": "2.3.2"}]}, "bundles"),
        (
            {
                "bundles": [
                    {"bundle": "APACHE_CASSANDRA", "version": "3.11.4"},
                    {"bundle": "KAFKA_REST_PROXY", "version": "5.0.0"},
                ]
            },
            "bundles",
        ),
        (
            {
                "bundles": [
                    {"bundle": "APACHE_CASSANDRA", "version": "3.11.4"},
                    {"bundle": "APACHE_CASSANDRA", "version": "3.11.4"},
                ]
            },
            "bundles",
        ),
        (
            {"bundles": [{"bundle": "APACHE_CASSANDRA", "version": "3.11.4", "options": []}]},
            "bundles",
        ),
        (
            {
                "bundles": [
                    {
                        "bundle": "APACHE_CASSANDRA",
                        "version": "3.11.4",
                        "options": {"authnAuthz": "yes"},
                    }
                ]
            },
            "bundles",
        ),
        ({"slaTier": "GOLD"}, "slaTier"),
        ({"slaTier": "PRODUCTION", "nodeSize": "CAS-DEV-t4g.small-5"}, "slaTier"),
        ({"pciCompliantCluster": "maybe"}, "pciCompliantCluster"),
        ({"privateNetworkCluster": 1}, "privateNetworkCluster"),
        ({"firewallRules": [{"rules": [{"type": "CASSANDRA"}]}]}, "firewallRules"),
        ({"dataCentres": "US_WEST_2"}, "dataCentres"),
    ],
)
def test_each_rule_names_its_field(api: Harness, overrides: dict[str, Any], field: str) -> None:
    assert field in errors(api, create_body(**overrides))


def test_every_offending_field_is_named_at_once(api: Harness) -> None:
    body = create_body(
        clusterName="bad name",
        nodeSize="nope",
        clusterNetwork="1.0.0.0/16",
        slaTier="X",
        rackAllocation={"numberOfRacks": 0, "nodesPerRack": 0},
        pciCompliantCluster="true",
    )
    assert set(errors(api, body)) == {
        "clusterName",
        "nodeSize",
        "clusterNetwork",
        "slaTier",
        "rackAllocation",
        "pciCompliantCluster",
    }


def test_unusable_bundles_do_not_hide_other_fields(api: Harness) -> None:
    body = create_body(bundles="x", rackAllocation={"numberOfRacks": "x"}, dataCentre=None)
    assert set(errors(api, body)) >= {"bundles", "rackAllocation", "dataCentre"}


def test_loose_typing_is_accepted(api: Harness) -> None:
    body = create_body(
        privateNetworkCluster="true",
        pciCompliantCluster="false",
        rackAllocation={"numberOfRacks": "2", "nodesPerRack": "2"},
        bundles=[
            {
                "bundle": "APACHE_CASSANDRA",
                "version": "3.11.4",
                "options": {"authnAuthz": "TRUE", "clientEncryption": "false", "lucene_enabled": 1},
            }
        ],
    )
    cluster_id = api.create(body)
    (dc,) = api.details(cluster_id)["dataCentres"]
    assert dc["nodeCount"] == 4
    assert dc["privateIPOnly"] is True
    assert dc["passwordAuthentication"] is True
    assert dc["clientEncryption"] is False


@pytest.mark.parametrize(
    "version", ["3.11.4", "apache-cassandra-3.11.4", "apache-cassandra-3.11.4.ic2", " 4.0.1 "]
)
def test_plain_and_prefixed_versions(api: Harness, version: str) -> None:
    api.create(bundles=[{"bundle": "APACHE_CASSANDRA", "version": version}])


def test_missing_rack_allocation_is_refused(api: Harness) -> None:
    # Reference §2.2: "needed by most bundles"; the client requires it too (it used to
    # default to three racks here, so the two disagreed).
    body = create_body()
    del body["rackAllocation"]
    assert "required" in errors(api, body)["rackAllocation"]


def test_missing_network_is_the_default_but_empty_is_refused(api: Harness) -> None:
    body = create_body()
    del body["clusterNetwork"]
    (dc,) = api.details(api.create(body))["dataCentres"]
    assert dc["cdcNetwork"] == "10.224.0.0/12"
    assert api.create(create_body(clusterNetwork=None))
    # "" used to mean the default here while the client refused it.
    assert "clusterNetwork" in errors(api, create_body(clusterNetwork=""))


def test_redis_rejects_rack_allocation(api: Harness) -> None:
    body = create_body(bundles=[{"bundle": "REDIS", "version": "6.2.7"}], nodeSize="t3.small-20-r")
    assert errors(api, body)["rackAllocation"] == "'rackAllocation' is not supported in REDIS"
    del body["rackAllocation"]
    body["bundles"][0]["options"] = {"masterNodes": "3", "replicaNodes": 3}
    (dc,) = api.details(api.create(body))["dataCentres"]
    assert dc["nodeCount"] == 6


def test_redis_refuses_multi_dc(api: Harness) -> None:
    dcs = [
        {"dataCentre": "US_WEST_2", "network": "10.0.0.0/16"},
        {"dataCentre": "US_EAST_1", "network": "10.1.0.0/16"},
    ]
    body = create_body(bundles=[{"bundle": "REDIS", "version": "6.2.7"}], dataCentres=dcs)
    del body["rackAllocation"]
    assert "Redis does not support multi-dc" in errors(api, body)["dataCentres"]


def test_cassandra_multi_dc(api: Harness) -> None:
    dcs = [
        {"dataCentre": "US_WEST_2", "network": "10.0.0.0/16", "name": "west"},
        {
            "dataCentre": "US_EAST_1",
            "network": "10.1.0.0/16",
            "name": "east",
            "nodeSize": "t3.small",
        },
    ]
    details = api.details(api.create(create_body(dataCentres=dcs)))
    assert [dc["cdcName"] for dc in details["dataCentres"]] == ["west", "east"]
    assert [dc["nodes"][0]["size"] for dc in details["dataCentres"]] == ["t3-small", "t3.small"]
    dcs[1]["network"] = "10.0.128.0/17"
    assert "overlap" in errors(api, create_body(dataCentres=dcs))["dataCentres"]


def test_pci_rules(api: Harness) -> None:
    secure = create_body(
        pciCompliantCluster=True, bundles=[CASSANDRA_SECURE], nodeSize="m5l-250-v2"
    )
    api.create(secure)
    on_gcp = dict(secure, provider={"name": "GCP"}, dataCentre="us-east1", nodeSize="n1-standard-2")
    assert "AWS_VPC" in errors(api, on_gcp)["pciCompliantCluster"]
    with_spark = dict(secure, bundles=[CASSANDRA_SECURE, {"bundle": "SPARK", "version": "2.3.2"}])
    assert "SPARK" in errors(api, with_spark)["pciCompliantCluster"]
    bare = create_body(pciCompliantCluster="true")
    assert "pciCompliantCluster" in errors(api, bare)


def test_spark_refused_with_cassandra_client_encryption(api: Harness) -> None:
    body = create_body(
        bundles=[
            {
                "bundle": "APACHE_CASSANDRA",
                "version": "3.11.4",
                "options": {"clientEncryption": True},
            },
            {"bundle": "SPARK", "version": "2.3.2"},
        ]
    )
    assert "clientEncryption" in errors(api, body)["bundles"]


def test_disk_encryption_key_must_be_registered_and_on_aws(api: Harness) -> None:
    key = {"alias": "virginia 1", "arn": "arn:aws:kms:us-east-1:123456789012:key/abc-123"}
    key_id = api.post(f"{ROOT}/encryption-keys", json=key).json()["id"]
    body = create_body(provider={"name": "AWS_VPC", "diskEncryptionKey": key_id})
    (dc,) = api.details(api.create(body))["dataCentres"]
    assert dc["encryptionKeyId"] == key_id
    on_gcp = create_body(
        provider={"name": "GCP", "diskEncryptionKey": key_id},
        dataCentre="us-east1",
        nodeSize="n1-standard-2",
    )
    assert "AWS_VPC" in errors(api, on_gcp)["provider.diskEncryptionKey"]


def test_opensearch_sizes_live_in_options(api: Harness) -> None:
    size = "SRH-DEV-t4g.small-5"
    base = create_body(nodeSize=None)
    good = dict(
        base,
        bundles=[{"bundle": "OPENSEARCH", "version": "2.2.1", "options": {"masterNodeSize": size}}],
    )
    (dc,) = api.details(api.create(good))["dataCentres"]
    assert {n["size"] for n in dc["nodes"]} == {size}
    missing = dict(base, bundles=[{"bundle": "OPENSEARCH", "version": "2.2.1"}])
    assert "masterNodeSize" in errors(api, missing)["bundles"]
    mismatch = dict(
        base,
        bundles=[
            {
                "bundle": "OPENSEARCH",
                "version": "2.2.1",
                "options": {"masterNodeSize": size, "dataNodeSize": "SRH-PRD-m6g.large-120"},
            }
        ],
    )
    assert "dedicatedMasterNodes" in errors(api, mismatch)["bundles"]
    mismatch["bundles"][0]["options"]["dedicatedMasterNodes"] = "true"
    (dc,) = api.details(api.create(mismatch))["dataCentres"]
    assert dc["nodeCount"] == 6  # 3 data nodes + 3 dedicated masters


def test_pgbouncer_pool_mode(api: Harness) -> None:
    body = create_body(
        nodeSize="PGS-DEV-t3.small-5",
        bundles=[
            {"bundle": "POSTGRESQL", "version": "14.6"},
            {"bundle": "PGBOUNCER", "version": "pgbouncer:1.17.0", "options": {"poolMode": "X"}},
        ],
        rackAllocation={"numberOfRacks": 1, "nodesPerRack": 2},
    )
    assert "Invalid poolMode" in errors(api, body)["bundles"]
    body["bundles"][1]["options"]["poolMode"] = "SESSION"
    api.create(body)


def test_body_that_is_not_an_object(api: Harness) -> None:
    for body in ([], "text", 3, None):
        response = api.post(f"{ROOT}/extended", json=body)
        assert response.status_code == 400
        assert "body" in response.json()["errors"]


def test_custom_data_centre_name_is_free_text(api: Harness) -> None:
    # No length limit in the reference (§2.2, §2.4), and the client sets none: the
    # simulator's unsourced 1–64 rule made the two disagree. Empty means the default.
    api.create(create_body(dataCentreCustomName="x" * 65))
    api.create(create_body(dataCentreCustomName=""))
    assert "dataCentreCustomName" in errors(api, create_body(dataCentreCustomName=5))


def test_opensearch_checks_a_given_node_size(api: Harness) -> None:
    """OpenSearch is sized in options; a nodeSize it is given must still be one of its
    sizes (the client checks it), and counts against PRODUCTION."""
    bundles = [
        {
            "bundle": "OPENSEARCH",
            "version": "2.2.1",
            "options": {"masterNodeSize": "SRH-PRD-m6g.large-120"},
        }
    ]
    body = create_body(bundles=bundles)
    del body["nodeSize"]
    api.create(body)
    api.create(dict(body, nodeSize=" "))  # blank is absent, as for the client
    assert "nodeSize" in errors(api, dict(body, nodeSize="t3-small"))
    api.create(dict(body, nodeSize="SRH-DEV-t4g.small-5"))
    dev = dict(body, nodeSize="SRH-DEV-t4g.small-5", slaTier="PRODUCTION")
    assert "slaTier" in errors(api, dev)
