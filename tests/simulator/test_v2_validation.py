"""v2 create bodies: a 400 in the list shape naming every offending field, per product."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.v2_support import PRODUCTS, body, collection, dc_body, error_names

if TYPE_CHECKING:
    from tests.simulator.support import Harness

#: Top-level fields each product requires [C SPEC]; OpenSearch defaults slaTier and
#: privateNetworkCluster.
REQUIRED = {
    "cassandra": {
        "name", "cassandraVersion", "slaTier", "privateNetworkCluster", "pciComplianceMode",
        "passwordAndUserAuth", "luceneEnabled", "dataCentres",
    },
    "kafka": {
        "name", "kafkaVersion", "slaTier", "privateNetworkCluster", "pciComplianceMode",
        "allowDeleteTopics", "autoCreateTopics", "clientToClusterEncryption",
        "defaultNumberOfPartitions", "defaultReplicationFactor", "dataCentres",
    },
    "redis": {
        "name", "redisVersion", "slaTier", "privateNetworkCluster", "clientToNodeEncryption",
        "passwordAndUserAuth", "dataCentres",
    },
    "postgresql": {
        "name", "postgresqlVersion", "slaTier", "privateNetworkCluster",
        "synchronousModeStrict", "dataCentres",
    },
    "opensearch": {
        "name", "opensearchVersion", "pciComplianceMode", "clusterManagerNodes", "dataCentres",
    },
}  # fmt: skip
#: Data centre fields each product requires.
DC_REQUIRED = {
    "cassandra": {
        "name", "cloudProvider", "region", "network", "nodeSize", "numberOfNodes",
        "replicationFactor", "clientToClusterEncryption", "continuousBackup",
        "privateIpBroadcastForDiscovery",
    },
    "kafka": {"name", "cloudProvider", "region", "network", "nodeSize", "numberOfNodes"},
    "redis": {"name", "cloudProvider", "region", "network", "nodeSize", "masterNodes"},
    "postgresql": {
        "name", "cloudProvider", "region", "network", "nodeSize", "numberOfNodes",
        "clientToClusterEncryption", "intraDataCentreReplication",
    },
    "opensearch": {"name", "cloudProvider", "region", "network", "numberOfRacks"},
}  # fmt: skip


def refused(api: Harness, product: str, sent: Any) -> set[str]:
    before = len(api.sim.cluster_records())
    response = api.post(collection(product), json=sent)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    for entry in response.json()["errors"]:
        assert entry["message"]
    assert len(api.sim.cluster_records()) == before
    return error_names(response.json())


@pytest.mark.parametrize("product", PRODUCTS)
def test_an_empty_body_names_every_required_field(api: Harness, product: str) -> None:
    assert refused(api, product, {}) == REQUIRED[product]


@pytest.mark.parametrize("product", PRODUCTS)
def test_an_empty_data_centre_names_its_required_fields(api: Harness, product: str) -> None:
    sent = body(product, dataCentres=[{}])
    assert refused(api, product, sent) == {f"dataCentres[0].{k}" for k in DC_REQUIRED[product]}


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"name": "ab"}, {"name"}),
        ({"name": "x" * 49}, {"name"}),
        ({"name": "-leading"}, {"name"}),
        ({"name": "bad name"}, {"name"}),
        ({"slaTier": "GOLD"}, {"slaTier"}),
        ({"privateNetworkCluster": "maybe"}, {"privateNetworkCluster"}),
        ({"dataCentres": "AWS"}, {"dataCentres"}),
        ({"dataCentres": []}, {"dataCentres"}),
    ],
)
def test_shared_rules(
    api: Harness, product: str, overrides: dict[str, Any], fields: set[str]
) -> None:
    assert refused(api, product, body(product, **overrides)) == fields


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cloudProvider": "IBM"}, "cloudProvider"),
        ({"region": "MOON_1"}, "region"),
        ({"network": "8.8.0.0/16"}, "network"),
        ({"network": "10.0.0.0/8"}, "network"),
        ({"network": "10.0.0.1/16"}, "network"),
        ({"network": "10.0.0.0/16\n"}, "network"),
        ({"name": 7}, "name"),
    ],
)
def test_data_centre_rules(
    api: Harness, product: str, overrides: dict[str, Any], field: str
) -> None:
    assert refused(api, product, dc_body(product, **overrides)) == {f"dataCentres[0].{field}"}


@pytest.mark.parametrize("product", PRODUCTS)
def test_unknown_version_names_the_products_version_field(api: Harness, product: str) -> None:
    field = f"{product}Version"
    assert refused(api, product, body(product, **{field: "0.0.1"})) == {field}


@pytest.mark.parametrize(
    ("product", "sent", "fields"),
    [
        ("cassandra", dc_body("cassandra", numberOfNodes=4), {"dataCentres[0].numberOfNodes"}),
        (
            "cassandra",
            dc_body("cassandra", replicationFactor=9),
            {"dataCentres[0].replicationFactor"},
        ),
        (
            "cassandra",
            dc_body("cassandra", numberOfNodes=100_000),
            {"dataCentres[0].numberOfNodes"},
        ),
        ("kafka", dc_body("kafka", numberOfNodes=4), {"dataCentres[0].numberOfNodes"}),
        (
            "kafka",
            body("kafka", dataCentres=body("kafka")["dataCentres"] * 2),
            {"dataCentres"},
        ),
        (
            "kafka",
            body(
                "kafka",
                dedicatedZookeeper=[
                    {"zookeeperNodeSize": "KDZ-DEV-t4g.small-30", "zookeeperNodeCount": 4}
                ],
            ),
            {"dedicatedZookeeper[0].zookeeperNodeCount"},
        ),
        ("redis", dc_body("redis", masterNodes=2), {"dataCentres[0].masterNodes"}),
        ("redis", dc_body("redis", replicaNodes=-1), {"dataCentres[0].replicaNodes"}),
        ("redis", dc_body("redis", clientToClusterEncryption=True), set()),
        ("postgresql", dc_body("postgresql", numberOfNodes=6), {"dataCentres[0].numberOfNodes"}),
        (
            "postgresql",
            dc_body("postgresql", intraDataCentreReplication=[]),
            {"dataCentres[0].intraDataCentreReplication"},
        ),
        (
            "postgresql",
            dc_body("postgresql", intraDataCentreReplication=[{"replicationMode": "SOMETIMES"}]),
            {"dataCentres[0].intraDataCentreReplication[0].replicationMode"},
        ),
        ("opensearch", dc_body("opensearch", numberOfRacks=1), {"dataCentres[0].numberOfRacks"}),
        (
            "opensearch",
            body("opensearch", clusterManagerNodes=[]),
            {"clusterManagerNodes"},
        ),
        (
            "opensearch",
            body("opensearch", dataNodes=[{"nodeSize": "SRH-DEV-t4g.small-5"}]),
            {"dataNodes[0].nodeCount"},
        ),
        ("cassandra", body("cassandra", slaTier="PRODUCTION"), {"slaTier"}),
    ],
)
def test_product_rules(api: Harness, product: str, sent: dict[str, Any], fields: set[str]) -> None:
    if not fields:  # an unknown key is ignored, as the real API ignores it
        assert api.post(collection(product), json=sent).status_code == 202
        return
    assert refused(api, product, sent) == fields


def test_data_centre_names_and_networks_across_the_cluster(api: Harness) -> None:
    first = body("cassandra")["dataCentres"][0]
    twin = dict(first)
    assert refused(api, "cassandra", body("cassandra", dataCentres=[first, twin])) == {
        "dataCentres"
    }
    second = {
        **first,
        "name": "AWS_VPC_US_WEST_2",
        "region": "US_WEST_2",
        "network": "10.10.0.0/16",
    }
    created = api.post(collection("cassandra"), json=body("cassandra", dataCentres=[first, second]))
    assert created.status_code == 202
    assert len(created.json()["dataCentres"]) == 2


def test_cassandra_takes_networks_down_to_26_others_to_22(api: Harness) -> None:
    assert (
        api.post(
            collection("cassandra"), json=dc_body("cassandra", network="10.0.0.0/26")
        ).status_code
        == 202
    )
    assert refused(api, "kafka", dc_body("kafka", network="10.0.0.0/26")) == {
        "dataCentres[0].network"
    }


@pytest.mark.parametrize("product", PRODUCTS)
def test_loose_typing_as_terraform_sends_it(api: Harness, product: str) -> None:
    sent = body(product, privateNetworkCluster="false")
    if product == "kafka":
        sent["defaultReplicationFactor"] = "3"
        sent["dataCentres"][0]["numberOfNodes"] = "3"
    if product == "cassandra":
        sent["dataCentres"][0]["replicationFactor"] = "3"
        sent["dataCentres"][0]["continuousBackup"] = "FALSE"
    response = api.post(collection(product), json=sent)
    assert response.status_code == 202, response.text
    created = response.json()
    # The echo is typed as the schema types it.
    assert created["privateNetworkCluster"] is False
    if product == "kafka":
        assert created["dataCentres"][0]["numberOfNodes"] == 3
    if product == "cassandra":
        assert created["dataCentres"][0]["continuousBackup"] is False


def test_opensearch_defaults_what_spec_does_not_require(api: Harness) -> None:
    sent = body("opensearch")
    del sent["slaTier"], sent["privateNetworkCluster"]
    created = api.post(collection("opensearch"), json=sent).json()
    assert (created["slaTier"], created["privateNetworkCluster"]) == ("NON_PRODUCTION", False)


def test_postgresql_pci_is_read_only(api: Harness) -> None:
    created = api.post(collection("postgresql"), json=body("postgresql", pciComplianceMode=True))
    assert created.status_code == 202
    assert created.json()["pciComplianceMode"] is False


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b"null", b'"x"', b"NaN", b"[" * 10_000])
def test_malformed_bodies_are_400_in_the_list_shape(api: Harness, content: bytes) -> None:
    response = api.post(
        collection("kafka"), content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert error_names(response.json()) == {"body"}


def test_wrong_media_type_is_415_in_the_single_shape(api: Harness) -> None:
    response = api.post(collection("kafka"), content=b"a=1", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["name"] == "UnsupportedMediaType"
