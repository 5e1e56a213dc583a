"""v2 resize through the cluster PUT: a rolling node-size change on the clock, 409, 400."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT, create_body
from tests.simulator.v2_support import V2, body, collection, error_names, item

if TYPE_CHECKING:
    from tests.simulator.support import Harness

RUNNING = 2000  # every minimal cluster is RUNNING by then
STEP = 300  # resize_node_seconds


def running(api: Harness, product: str) -> dict[str, Any]:
    created: dict[str, Any] = api.post(collection(product), json=body(product)).json()
    api.advance(RUNNING)
    return created


def dcs(product: str, **changes: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = body(product)["dataCentres"]
    result[0].update(changes)
    return result


def nodes(api: Harness, product: str, cluster_id: str) -> list[tuple[str, str]]:
    got = api.get(item(product, cluster_id)).json()
    return [(n["nodeSize"], n["status"]) for n in got["dataCentres"][0]["nodes"]]


def operation(api: Harness, product: str, cluster_id: str) -> tuple[str, str]:
    got = api.get(item(product, cluster_id)).json()
    return got["status"], got["currentClusterOperationStatus"]


def test_rolling_resize_one_node_at_a_time(api: Harness) -> None:
    cluster_id = running(api, "cassandra")["id"]
    big = "CAS-DEV-t4g.medium-30"
    response = api.put(
        item("cassandra", cluster_id), json={"dataCentres": dcs("cassandra", nodeSize=big)}
    )
    assert response.status_code == 202
    assert response.json()["currentClusterOperationStatus"] == "OPERATION_IN_PROGRESS"
    assert response.json()["dataCentres"][0]["nodeSize"] == big
    small = "CAS-DEV-t4g.small-30"
    resizing = api.get(item("cassandra", cluster_id)).json()["dataCentres"][0]["nodes"][0]
    assert resizing["privateAddress"]
    assert resizing["startTime"]
    assert nodes(api, "cassandra", cluster_id) == [
        (small, "PROVISIONING"),
        (small, "RUNNING"),
        (small, "RUNNING"),
    ]
    # The cluster stays RUNNING while the operation runs (the operator then reads the
    # resize operations).
    assert operation(api, "cassandra", cluster_id) == ("RUNNING", "OPERATION_IN_PROGRESS")
    api.advance(STEP)
    assert nodes(api, "cassandra", cluster_id) == [
        (big, "RUNNING"),
        (small, "PROVISIONING"),
        (small, "RUNNING"),
    ]
    api.advance(2 * STEP - 1)
    assert operation(api, "cassandra", cluster_id) == ("RUNNING", "OPERATION_IN_PROGRESS")
    api.advance(1)
    assert operation(api, "cassandra", cluster_id) == ("RUNNING", "NO_OPERATION")
    assert nodes(api, "cassandra", cluster_id) == [(big, "RUNNING")] * 3


def test_v1_sees_the_same_resize(api: Harness) -> None:
    cluster_id = running(api, "kafka")["id"]
    big = "KFK-DEV-t4g.medium-80"
    api.put(item("kafka", cluster_id), json={"dataCentres": dcs("kafka", nodeSize=big)})
    (dc,) = api.details(cluster_id)["dataCentres"]
    assert dc["resizeTargetNodeSize"] == big
    assert [n["nodeStatus"] for n in dc["nodes"]] == ["PROVISIONING", "RUNNING", "RUNNING"]
    api.advance(3 * STEP)
    (dc,) = api.details(cluster_id)["dataCentres"]
    assert dc["resizeTargetNodeSize"] is None
    assert {n["size"] for n in dc["nodes"]} == {big}


def test_concurrency_and_the_operations_data_source(api: Harness) -> None:
    created = running(api, "redis")
    cluster_id, cdc_id = created["id"], created["dataCentres"][0]["id"]
    sent = {
        "dataCentres": dcs("redis", nodeSize="t3.medium-40-r"),
        "resizeSettings": [{"concurrency": "3", "notifySupportContacts": "false"}],
    }
    assert api.put(item("redis", cluster_id), json=sent).status_code == 202
    statuses = [status for _, status in nodes(api, "redis", cluster_id)]
    assert statuses == ["PROVISIONING"] * 3 + ["RUNNING"] * 3
    path = f"{V2}/data-sources/cluster-data-centres/v2/{cdc_id}/resize/operations/v2"
    (op,) = api.get(path + "?activeOnly=true").json()["operations"]
    assert op["newNodeSize"] == "t3.medium-40-r"
    assert op["concurrentResizes"] == 3
    assert op["status"] == "IN_PROGRESS"
    assert [r["status"] for r in op["replaceOperations"]] == ["IN_PROGRESS"] * 3 + ["GENESIS"] * 3
    api.advance(2 * STEP)
    assert api.get(path + "?activeOnly=true").json() == {"operations": []}
    (op,) = api.get(path).json()["operations"]
    assert op["status"] == "COMPLETED"
    assert op["completed"].endswith("Z")
    assert (
        api.get(
            f"{V2}/data-sources/cluster-data-centres/v2/nothing/resize/operations/v2"
        ).status_code
        == 404
    )


def test_kafka_zookeeper_and_opensearch_groups_resize_their_own_nodes(api: Harness) -> None:
    created = api.post(
        collection("kafka"),
        json=body(
            "kafka",
            dedicatedZookeeper=[
                {"zookeeperNodeSize": "KDZ-DEV-t4g.small-30", "zookeeperNodeCount": 3}
            ],
        ),
    ).json()
    api.advance(RUNNING)
    sent = {
        "dataCentres": dcs("kafka"),
        "dedicatedZookeeper": [{"zookeeperNodeSize": "KDZ-DEV-t4g.medium-30"}],
    }
    assert api.put(item("kafka", created["id"]), json=sent).status_code == 202
    api.advance(3 * STEP)
    sizes = [size for size, _ in nodes(api, "kafka", created["id"])]
    assert sizes == ["KFK-DEV-t4g.small-5"] * 3 + ["KDZ-DEV-t4g.medium-30"] * 3
    search = running(api, "opensearch")["id"]
    sent = {"dataNodes": [{"nodeSize": "SRH-DEV-t4g.medium-80", "nodeCount": 3}]}
    assert api.put(item("opensearch", search), json=sent).status_code == 202
    api.advance(3 * STEP)
    sizes = [size for size, _ in nodes(api, "opensearch", search)]
    assert sizes == ["SRH-DM-DEV-t4g.small-5"] * 3 + ["SRH-DEV-t4g.medium-80"] * 3


def test_not_running_or_busy_is_409_and_changes_nothing(api: Harness) -> None:
    created = api.post(collection("postgresql"), json=body("postgresql")).json()
    path = item("postgresql", created["id"])
    sent = {"dataCentres": dcs("postgresql", nodeSize="PGS-DEV-t4g.medium-30"), "description": "x"}
    response = api.put(path, json=sent)
    assert response.status_code == 409
    assert response.json()["name"] == "Conflict"
    assert api.get(path).json()["description"] is None
    api.advance(RUNNING)
    assert api.put(path, json=sent).status_code == 202
    assert api.get(path).json()["description"] == "x"
    assert api.put(path, json=sent).status_code == 409  # already resizing
    api.advance(2 * STEP)
    api.delete(path)
    assert api.put(path, json=sent).status_code == 409  # being deleted


def test_an_unchanged_put_is_accepted_without_an_operation(api: Harness) -> None:
    cluster_id = running(api, "kafka")["id"]
    response = api.put(item("kafka", cluster_id), json={"dataCentres": dcs("kafka")})
    assert response.status_code == 202
    assert response.json()["currentClusterOperationStatus"] == "NO_OPERATION"


@pytest.mark.parametrize(
    ("product", "sent", "fields"),
    [
        ("cassandra", {}, {"dataCentres"}),
        (
            "cassandra",
            {"dataCentres": dcs("cassandra", region="US_WEST_2")},
            {"dataCentres[0].region"},
        ),
        (
            "cassandra",
            {"dataCentres": dcs("cassandra", numberOfNodes=6)},
            {"dataCentres[0].numberOfNodes"},
        ),
        (
            "cassandra",
            {"dataCentres": dcs("cassandra", replicationFactor=1)},
            {"dataCentres[0].replicationFactor"},
        ),
        (
            "cassandra",
            {"dataCentres": dcs("cassandra", nodeSize="bad size")},
            {"dataCentres[0].nodeSize"},
        ),
        ("cassandra", {"dataCentres": dcs("cassandra") * 2}, {"dataCentres"}),
        ("kafka", {"dataCentres": dcs("kafka", network="10.9.0.0/16")}, {"dataCentres[0].network"}),
        (
            "postgresql",
            {"dataCentres": dcs("postgresql", numberOfNodes=3)},
            {"dataCentres[0].numberOfNodes"},
        ),
        ("redis", {"dataCentres": dcs("redis", masterNodes=5)}, {"dataCentres[0].masterNodes"}),
        (
            "cassandra",
            {"dataCentres": dcs("cassandra"), "resizeSettings": [{"concurrency": 0}]},
            {"resizeSettings[0].concurrency"},
        ),
        (
            "opensearch",
            {
                "clusterManagerNodes": [
                    {"nodeSize": "SRH-DM-DEV-t4g.small-5", "dedicatedManager": False}
                ]
            },
            {"clusterManagerNodes[0].dedicatedManager"},
        ),
        ("kafka", [], {"body"}),
        (
            "kafka",
            {
                "dataCentres": dcs("kafka"),
                "dedicatedZookeeper": [{"zookeeperNodeSize": "KDZ-DEV-t4g.small-30"}],
            },
            {"dedicatedZookeeper"},
        ),
        (
            "opensearch",
            {"ingestNodes": [{"nodeSize": "SRH-DEV-t4g.small-5", "nodeCount": 2}]},
            {"ingestNodes"},
        ),
    ],
)
def test_bad_updates_are_400_naming_fields(
    api: Harness, product: str, sent: Any, fields: set[str]
) -> None:
    cluster_id = running(api, product)["id"]
    response = api.put(item(product, cluster_id), json=sent)
    assert response.status_code == 400, response.text
    assert error_names(response.json()) == fields
    assert operation(api, product, cluster_id) == ("RUNNING", "NO_OPERATION")


def test_unknown_cluster_is_404(api: Harness) -> None:
    response = api.put(item("kafka", "nothing"), json={"dataCentres": dcs("kafka")})
    assert response.status_code == 404
    assert error_names(response.json()) == {"clusterId"}


def test_a_v1_cluster_resizes_through_v2(api: Harness) -> None:
    cluster_id = api.create()  # v1: Cassandra, 3 nodes of t3-small
    api.advance(RUNNING)
    path = item("cassandra", cluster_id)
    data_centres = api.get(path).json()["dataCentres"]
    sent = [
        {
            k: dc[k]
            for k in ("name", "cloudProvider", "region", "network", "nodeSize", "numberOfNodes")
        }
        for dc in data_centres
    ]
    sent[0]["nodeSize"] = "t3.medium-v2"
    response = api.put(path, json={"dataCentres": sent})
    assert response.status_code == 202, response.text
    assert response.json()["dataCentres"][0]["nodeSize"] == "t3.medium-v2"
    assert response.json()["currentClusterOperationStatus"] == "OPERATION_IN_PROGRESS"
    assert api.details(cluster_id)["dataCentres"][0]["resizeTargetNodeSize"] == "t3.medium-v2"
    sent[0]["region"] = "US_EAST_1"
    assert error_names(api.put(path, json={"dataCentres": sent}).json()) == {
        "dataCentres[0].region"
    }
    api.advance(3 * STEP)
    assert {size for size, _ in nodes(api, "cassandra", cluster_id)} == {"t3.medium-v2"}


def test_a_v1_resize_shows_in_v2(api: Harness) -> None:
    cluster_id = api.create(create_body(nodeSize="t3.small-v2"))
    api.advance(RUNNING)
    cdc_id = api.details(cluster_id)["dataCentres"][0]["id"]
    sent = {"newNodeSize": "t3.medium-v2", "concurrentResizes": 1, "notifySupportContacts": False}
    response = api.post(f"{ROOT}/{cluster_id}/{cdc_id}/resize", json=sent)
    assert response.status_code == 202, response.text
    got = api.get(item("cassandra", cluster_id)).json()
    assert got["currentClusterOperationStatus"] == "OPERATION_IN_PROGRESS"
    assert got["dataCentres"][0]["nodeSize"] == "t3.medium-v2"
    path = f"{V2}/data-sources/cluster-data-centres/v2/{cdc_id}/resize/operations/v2"
    assert api.get(path).json()["operations"][0]["newNodeSize"] == "t3.medium-v2"
