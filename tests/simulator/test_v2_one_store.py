"""One account behind both APIs: clusters seen from either, one gate, one rate limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT, create_body
from tests.simulator.v2_support import (
    CLUSTER_LIST,
    PEERS,
    PRODUCTS,
    RULES,
    V2,
    body,
    collection,
    item,
)

if TYPE_CHECKING:
    from tests.simulator.conftest import MakeApi
    from tests.simulator.support import Harness

V1_BUNDLES = {
    "cassandra": "APACHE_CASSANDRA",
    "kafka": "KAFKA",
    "redis": "REDIS",
    "postgresql": "POSTGRESQL",
    "opensearch": "OPENSEARCH",
}


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_v2_cluster_is_read_by_v1_at_once(api: Harness, product: str) -> None:
    created = api.post(collection(product), json=body(product)).json()
    # The operator reads v1 GET /{v2 id} right after its v2 create and expects 202.
    details = api.details(created["id"])
    assert details["clusterName"] == created["name"]
    assert details["clusterStatus"] == "GENESIS"
    assert details["username"]
    assert details["instaclustrUserPassword"]
    (dc,) = details["dataCentres"]
    assert dc["id"] == created["dataCentres"][0]["id"]
    assert dc["cdcNetwork"] == body(product)["dataCentres"][0]["network"]
    assert [n["id"] for n in dc["nodes"]] == [n["id"] for n in created["dataCentres"][0]["nodes"]]
    (listed,) = api.listing()
    assert (listed["id"], listed["name"]) == (created["id"], created["name"])
    api.advance(2000)
    assert api.details(created["id"])["clusterStatus"] == "RUNNING"
    got = api.get(item(product, created["id"])).json()
    assert got["status"] == "RUNNING"


def test_description_is_one_field_for_both_apis(api: Harness) -> None:
    created = api.post(collection("redis"), json=body("redis", description="cache")).json()
    assert created["description"] == "cache"
    assert api.details(created["id"])["description"] == "cache"
    assert api.put(f"{ROOT}/{created['id']}", json={"description": "sessions"}).status_code == 200
    assert api.get(item("redis", created["id"])).json()["description"] == "sessions"


def test_v2_delete_is_seen_by_v1_and_v1_delete_by_v2(api: Harness) -> None:
    one = api.post(collection("kafka"), json=body("kafka")).json()["id"]
    two = api.post(collection("kafka"), json=body("kafka", name="kafka2")).json()["id"]
    assert api.delete(item("kafka", one)).status_code == 204
    assert api.details(one)["clusterStatus"] == "DELETING"
    assert api.delete(f"{ROOT}/{two}").status_code == 202
    assert api.get(item("kafka", two)).json()["status"] == "DELETING"
    api.advance(60)
    assert api.get(item("kafka", two)).status_code == 404
    assert api.details(one)["clusterStatus"] == "DELETED"


def test_a_data_centre_added_through_v1_shows_in_v2(api: Harness) -> None:
    sent = body("cassandra")
    sent["dataCentres"][0]["nodeSize"] = "CAS-DEV-t4g.small-5"  # a size v1 knows too
    cluster_id = api.post(collection("cassandra"), json=sent).json()["id"]
    api.advance(2000)
    added = {"dataCentre": "US_WEST_2", "network": "10.9.0.0/16", "name": "west"}
    assert api.post(f"{ROOT}/{cluster_id}/cluster-data-centres", json=added).status_code == 202
    got = api.get(item("cassandra", cluster_id)).json()
    assert (got["status"], got["currentClusterOperationStatus"]) == (
        "JOINING",
        "OPERATION_IN_PROGRESS",
    )
    assert [dc["name"] for dc in got["dataCentres"]] == ["AWS_VPC_US_EAST_1", "west"]
    west = got["dataCentres"][1]
    assert (west["region"], west["network"], west["status"]) == (
        "US_WEST_2",
        "10.9.0.0/16",
        "GENESIS",
    )
    assert {tuple(n["nodeRoles"]) for n in west["nodes"]} == {("CASSANDRA",)}
    api.advance(2000)
    assert api.get(item("cassandra", cluster_id)).json()["status"] == "RUNNING"
    # A resize names the data centres v2 created; the added one keeps its size.
    sent["dataCentres"][0]["nodeSize"] = "CAS-DEV-t4g.medium-30"
    response = api.put(item("cassandra", cluster_id), json={"dataCentres": sent["dataCentres"]})
    assert response.status_code == 202, response.text
    api.advance(3 * 300)
    sizes = [
        {n["nodeSize"] for n in dc["nodes"]}
        for dc in api.get(item("cassandra", cluster_id)).json()["dataCentres"]
    ]
    assert sizes == [{"CAS-DEV-t4g.medium-30"}, {"CAS-DEV-t4g.small-5"}]


def test_a_v1_cluster_is_read_by_v2_under_its_product(api: Harness) -> None:
    cluster_id = api.create()  # v1 extended create: APACHE_CASSANDRA 3.11.4
    got = api.get(item("cassandra", cluster_id))
    assert got.status_code == 200
    cluster = got.json()
    assert cluster["name"] == "cassandra-spark-zeppelin"
    assert cluster["cassandraVersion"] == "3.11.4"
    assert cluster["status"] == "GENESIS"
    (dc,) = cluster["dataCentres"]
    assert dc["region"] == "US_WEST_2"
    assert dc["numberOfNodes"] == 3
    assert {tuple(n["nodeRoles"]) for n in dc["nodes"]} == {("CASSANDRA",)}
    assert api.get(item("kafka", cluster_id)).status_code == 404
    (account,) = api.get(CLUSTER_LIST).json()
    assert account["clusters"] == [{"id": cluster_id, "application": "APACHE_CASSANDRA"}]


def test_a_v1_kafka_cluster_is_listed_as_kafka(api: Harness) -> None:
    kafka = create_body(
        clusterName="events",
        bundles=[{"bundle": "KAFKA", "version": "3.1.2", "options": {}}],
        nodeSize="KFK-DEV-t4g.small-5",
    )
    response = api.post(f"{ROOT}/extended/", json=kafka)
    assert response.status_code == 202, response.text
    (account,) = api.get(CLUSTER_LIST + "?search=name:events").json()
    assert account["clusters"] == [{"id": response.json()["id"], "application": "KAFKA"}]


# --- the gate: auth, read-only keys, one rate limit -----------------------------------


def mutations(api: Harness) -> list[tuple[str, str, Any]]:
    cluster_id = api.post(collection("kafka"), json=body("kafka")).json()["id"]
    rule = {"clusterId": cluster_id, "network": "203.0.113.7/32", "type": "KAFKA"}
    return [
        *[("POST", collection(p), body(p)) for p in PRODUCTS],
        ("DELETE", item("kafka", cluster_id), None),
        ("PUT", item("kafka", cluster_id), {"dataCentres": body("kafka")["dataCentres"]}),
        ("POST", RULES, rule),
        ("DELETE", f"{RULES}/{cluster_id}", None),
        ("POST", PEERS, {}),
        ("PUT", f"{PEERS}/{cluster_id}", {"peerSubnets": ["10.9.0.0/16"]}),
        ("DELETE", f"{PEERS}/{cluster_id}", None),
    ]


def test_read_only_key_gets_403_on_every_v2_mutation(api: Harness) -> None:
    for method, path, sent in mutations(api):
        kwargs = {"json": sent} if sent is not None else {}
        response = api.call(method, path, auth=api.auth_read_only, **kwargs)
        assert response.status_code == 403, (method, path)
        assert response.json() == {
            "name": "Forbidden",
            "message": "Missing permissions: the read-only API key can only read.",
        }
    assert len(api.sim.cluster_records()) == 1
    assert api.get(CLUSTER_LIST, auth=api.auth_read_only).status_code == 200


def test_bad_credentials_are_401_in_the_single_shape(api: Harness) -> None:
    response = api.get(CLUSTER_LIST, auth=("simulator", "wrong"))
    assert response.status_code == 401
    assert response.json() == {"name": "Unauthorized", "message": "Not Authorized"}
    assert response.headers["www-authenticate"].startswith("Basic")


def test_one_rate_limit_covers_both_apis(make_api: MakeApi) -> None:
    api = make_api(interval=2.5)
    assert api.get(CLUSTER_LIST).status_code == 200
    limited = api.get(ROOT)
    assert limited.status_code == 429
    assert "message" in limited.json()
    api.advance(2.5)
    assert api.get(ROOT).status_code == 404  # v1: no clusters yet
    limited = api.get(CLUSTER_LIST)
    assert limited.status_code == 429
    assert limited.json()["name"] == "TooManyRequests"
    # Another machine has its own window, whichever API it speaks.
    assert api.get(CLUSTER_LIST, client_ip="10.9.9.9").status_code == 200
    assert api.sim.stats.rate_limited == 2


def test_a_lost_v2_create_response_still_creates(make_api: MakeApi) -> None:
    from insta_nb.simulator import Faults

    api = make_api(faults=Faults(lose_create_response=1))
    with pytest.raises(Exception, match="lost it on purpose"):
        api.post(collection("kafka"), json=body("kafka"))
    (record,) = api.sim.cluster_records()
    assert record.name == "kafka1"
    # A client reconciles by name through the list, as the operator does.
    (account,) = api.get(CLUSTER_LIST + "?search=name:kafka1").json()
    assert account["clusters"] == [{"id": record.id, "application": "KAFKA"}]
    assert api.sim.stats.lost_responses == 1


def test_v2_unknown_paths_are_json_404s(api: Harness) -> None:
    response = api.get(f"{V2}/resources/applications/kafka/clusters/v3")
    assert response.status_code == 404
    assert response.json() == {"name": "NotFound", "message": "Not Found: no such endpoint."}
    assert api.get(f"{ROOT}/nothing/else").json() == {"message": "Not Found: no such endpoint."}
