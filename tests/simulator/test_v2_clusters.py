"""v2 clusters: create per product, get, delete 204, the list data source, lifecycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.v2_support import (
    CLUSTER_LIST,
    NODE_COUNTS,
    PRODUCTS,
    V2,
    body,
    collection,
    item,
)

if TYPE_CHECKING:
    from tests.simulator.support import Harness


#: Create to RUNNING at default settings: 30 + 120 + 30 s, then one node every 80 s.
def settle_seconds(nodes: int) -> float:
    return 180 + 80 * nodes


def create(api: Harness, product: str, **overrides: Any) -> dict[str, Any]:
    response = api.post(collection(product), json=body(product, **overrides))
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize("product", PRODUCTS)
def test_create_answers_202_with_the_whole_cluster(api: Harness, product: str) -> None:
    sent = body(product)
    created = create(api, product)
    assert created["status"] == "GENESIS"
    assert created["currentClusterOperationStatus"] == "OPERATION_IN_PROGRESS"
    # The operator keeps the 202 body as its copy: every field sent comes back.
    for key, value in sent.items():
        if key != "dataCentres":
            assert created[key] == value, key
    (dc,) = created["dataCentres"]
    for key, value in sent["dataCentres"][0].items():
        assert dc[key] == value, key
    assert dc["id"]
    assert dc["status"] == "GENESIS"
    assert len(dc["nodes"]) == NODE_COUNTS[product]
    assert dc["deletedNodes"] == []
    assert ("defaultUserPassword" in created) == (product != "redis")


@pytest.mark.parametrize("product", PRODUCTS)
def test_trailing_slash_and_get(api: Harness, product: str) -> None:
    created = create(api, product)
    response = api.get(item(product, created["id"]) + "/")
    assert response.status_code == 200
    assert response.json()["name"] == created["name"]
    assert api.post(collection(product) + "/", json=body(product, name="again")).status_code == 202


@pytest.mark.parametrize("product", PRODUCTS)
def test_lifecycle_on_the_clock(api: Harness, product: str) -> None:
    cluster_id = create(api, product)["id"]
    nodes = NODE_COUNTS[product]
    api.advance(30)
    got = api.get(item(product, cluster_id)).json()
    assert got["status"] == "PROVISIONING"
    assert got["dataCentres"][0]["nodes"][0]["privateAddress"] is None
    api.advance(150)  # PROVISIONED: addresses, nodes still coming up
    got = api.get(item(product, cluster_id)).json()
    assert got["status"] == "PROVISIONED"
    assert got["currentClusterOperationStatus"] == "OPERATION_IN_PROGRESS"
    assert all(n["privateAddress"] for n in got["dataCentres"][0]["nodes"])
    api.advance(80)
    statuses = [
        n["status"] for n in api.get(item(product, cluster_id)).json()["dataCentres"][0]["nodes"]
    ]
    assert statuses.count("RUNNING") == 1
    api.advance(settle_seconds(nodes) - 260 - 1)
    assert api.get(item(product, cluster_id)).json()["status"] == "PROVISIONED"
    api.advance(1)
    got = api.get(item(product, cluster_id)).json()
    # The status and the operation flip together (TF2 polls one, the operator the other).
    assert (got["status"], got["currentClusterOperationStatus"]) == ("RUNNING", "NO_OPERATION")
    assert {n["status"] for n in got["dataCentres"][0]["nodes"]} == {"RUNNING"}
    assert all(n["startTime"].endswith("Z") for n in got["dataCentres"][0]["nodes"])


def test_failed_nodes_fail_the_operation(make_api: Any) -> None:
    from insta_nb.simulator import Faults

    api = make_api(faults=Faults(node_failure_pattern="^doomed"))
    cluster_id = create(api, "kafka", name="doomed-kafka")["id"]
    api.advance(settle_seconds(3))
    got = api.get(item("kafka", cluster_id)).json()
    assert got["currentClusterOperationStatus"] == "OPERATION_FAILED"


def test_node_roles_per_product(api: Harness) -> None:
    kafka = create(
        api,
        "kafka",
        dedicatedZookeeper=[{"zookeeperNodeSize": "KDZ-DEV-t4g.small-30", "zookeeperNodeCount": 3}],
    )
    roles = [n["nodeRoles"] for n in kafka["dataCentres"][0]["nodes"]]
    assert roles == [["KAFKA_BROKER"]] * 3 + [["KAFKA_DEDICATED_ZOOKEEPER"]] * 3
    redis = create(api, "redis")
    roles = [n["nodeRoles"][0] for n in redis["dataCentres"][0]["nodes"]]
    assert roles == ["REDIS_MASTER"] * 3 + ["REDIS_REPLICA"] * 3
    search = create(api, "opensearch")
    roles = [n["nodeRoles"] for n in search["dataCentres"][0]["nodes"]]
    assert roles == [["OPENSEARCH_MASTER"]] * 3 + [["OPENSEARCH_DATA"]] * 3
    assert search["defaultUsername"]


def test_racks_follow_the_replication_factor(api: Harness) -> None:
    created = create(api, "cassandra")
    racks = [n["rack"] for n in created["dataCentres"][0]["nodes"]]
    assert racks == ["us-east-1a", "us-east-1b", "us-east-1c"]


# --- get, delete, 404 ---------------------------------------------------------------


@pytest.mark.parametrize("product", PRODUCTS)
def test_unknown_id_is_404_in_the_list_shape(api: Harness, product: str) -> None:
    for method in ("GET", "DELETE"):
        response = api.call(method, item(product, "4650aa98-e894-4675-9614-558915d5837a"))
        assert response.status_code == 404
        assert response.json() == {
            "errors": [{"name": "clusterId", "message": "Cluster not found."}]
        }


def test_a_cluster_is_404_under_another_product(api: Harness) -> None:
    cluster_id = create(api, "kafka")["id"]
    assert api.get(item("cassandra", cluster_id)).status_code == 404
    assert api.delete(item("redis", cluster_id)).status_code == 404
    assert api.get(item("kafka", cluster_id)).status_code == 200


def test_delete_answers_204_then_deleting_then_404(api: Harness) -> None:
    cluster_id = create(api, "redis")["id"]
    response = api.delete(item("redis", cluster_id))
    assert response.status_code == 204
    assert response.content == b""
    got = api.get(item("redis", cluster_id)).json()
    assert got["status"] == "DELETING"
    assert {n["status"] for n in got["dataCentres"][0]["nodes"]} == {"DELETING"}
    # A retried delete (its first answer lost) is not an error while the teardown runs.
    assert api.delete(item("redis", cluster_id)).status_code == 204
    api.advance(60)
    assert api.get(item("redis", cluster_id)).status_code == 404
    assert api.delete(item("redis", cluster_id)).status_code == 404
    assert [r.status.value for r in api.sim.cluster_records()] == ["DELETED"]


def test_unknown_product_and_method(api: Harness) -> None:
    response = api.post(collection("cadence"), json=body("kafka"))
    assert response.status_code == 404
    assert response.json()["name"] == "NotFound"
    response = api.call("PATCH", collection("kafka"), json=body("kafka"))
    assert response.status_code == 405
    assert response.json() == {"name": "MethodNotAllowed", "message": "Method Not Allowed."}


# --- the list data source -------------------------------------------------------------


def test_list_is_one_account_object_even_when_empty(api: Harness) -> None:
    response = api.get(CLUSTER_LIST)
    assert response.status_code == 200
    (account,) = response.json()
    assert account["clusters"] == []
    assert account["accountId"]


def test_list_names_the_application_and_drops_deleting_clusters(api: Harness) -> None:
    ids = {product: create(api, product)["id"] for product in PRODUCTS}
    (account,) = api.get(CLUSTER_LIST + "/").json()
    assert account["clusters"] == [
        {"id": ids["cassandra"], "application": "APACHE_CASSANDRA"},
        {"id": ids["kafka"], "application": "KAFKA"},
        {"id": ids["redis"], "application": "REDIS"},
        {"id": ids["postgresql"], "application": "POSTGRESQL"},
        {"id": ids["opensearch"], "application": "OPENSEARCH"},
    ]
    api.delete(item("kafka", ids["kafka"]))
    (account,) = api.get(CLUSTER_LIST).json()
    assert ids["kafka"] not in [c["id"] for c in account["clusters"]]


def test_list_search_by_name_as_the_operator_calls_it(api: Harness) -> None:
    kafka = create(api, "kafka", name="events")["id"]
    create(api, "kafka", name="events-2")
    (account,) = api.get(CLUSTER_LIST + "/?search=name:events").json()
    assert account["clusters"] == [{"id": kafka, "application": "KAFKA"}]
    (account,) = api.get(CLUSTER_LIST + "?search=name:nothing").json()
    assert account["clusters"] == []
    response = api.get(CLUSTER_LIST + "?search=events")
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "search"


def test_v2_paths_are_answered_only_under_v2(api: Harness) -> None:
    assert api.get(f"{V2}/resources/applications/kafka/clusters").status_code == 404
