"""The rolling resize: ``POST …/{cdcId}/resize`` on the injected clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.simulator.conftest import MakeApi
from tests.simulator.support import ROOT, Harness, create_body

SMALL, MEDIUM = "CAS-DEV-t4g.small-5", "CAS-DEV-t4g.medium-30"
#: 30 + 120 + 30 + 3 × 80 s: three nodes RUNNING.
RUNNING_AFTER = 421
STEP = 300.0  # resize_node_seconds


def running_cluster(
    api: Harness, size: str = SMALL, racks: int = 3, per_rack: int = 1
) -> tuple[str, str]:
    body = create_body(
        nodeSize=size, rackAllocation={"numberOfRacks": racks, "nodesPerRack": per_rack}
    )
    cluster_id = api.create(body)
    api.advance(RUNNING_AFTER + 80 * (racks * per_rack - 3))
    assert api.details(cluster_id)["clusterStatus"] == "RUNNING"
    return cluster_id, api.details(cluster_id)["dataCentres"][0]["id"]


def resize(api: Harness, cluster_id: str, dc: str, **fields: Any) -> Any:
    body = {"newNodeSize": MEDIUM, "concurrentResizes": 1, "notifySupportContacts": False}
    body.update(fields)
    return api.post(f"{ROOT}/{cluster_id}/{dc}/resize", json=body)


def nodes(api: Harness, cluster_id: str) -> list[tuple[str, str]]:
    dc = api.details(cluster_id)["dataCentres"][0]
    return [(n["size"], n["nodeStatus"]) for n in dc["nodes"]]


def target(api: Harness, cluster_id: str) -> str | None:
    value = api.details(cluster_id)["dataCentres"][0]["resizeTargetNodeSize"]
    return None if value is None else str(value)


def test_nodes_leave_running_one_at_a_time_and_come_back_at_the_new_size(api: Harness) -> None:
    cluster_id, dc = running_cluster(api)
    # Terraform's body: concurrency as an int, the flag as a string.
    response = resize(api, cluster_id, dc, notifySupportContacts="false")
    assert response.status_code == 202, response.text
    assert target(api, cluster_id) == MEDIUM
    assert nodes(api, cluster_id) == [
        (SMALL, "PROVISIONING"),
        (SMALL, "RUNNING"),
        (SMALL, "RUNNING"),
    ]
    assert api.listing()[0]["runningNodeCount"] == 2
    assert api.details(cluster_id)["clusterStatus"] == "RUNNING"
    api.advance(STEP)
    assert nodes(api, cluster_id) == [
        (MEDIUM, "RUNNING"),
        (SMALL, "PROVISIONING"),
        (SMALL, "RUNNING"),
    ]
    api.advance(2 * STEP)
    assert nodes(api, cluster_id) == [(MEDIUM, "RUNNING")] * 3
    assert target(api, cluster_id) is None


def test_concurrent_resizes_replace_that_many_nodes_at_once(api: Harness) -> None:
    cluster_id, dc = running_cluster(api, racks=2, per_rack=2)
    # The demo client's body: concurrency as a numeric string.
    assert resize(api, cluster_id, dc, concurrentResizes="2").status_code == 202
    assert [s for _, s in nodes(api, cluster_id)].count("PROVISIONING") == 2
    api.advance(STEP)
    assert nodes(api, cluster_id)[:2] == [(MEDIUM, "RUNNING")] * 2
    api.advance(STEP)
    assert target(api, cluster_id) is None
    assert nodes(api, cluster_id) == [(MEDIUM, "RUNNING")] * 4


def test_a_cluster_that_is_not_ready_answers_412_with_the_precondition_body(
    api: Harness,
) -> None:
    cluster_id = api.create(create_body(nodeSize=SMALL))
    dc = api.details(cluster_id)["dataCentres"][0]["id"]
    response = resize(api, cluster_id, dc)
    assert response.status_code == 412
    body = response.json()
    assert body["cdc"] == dc
    assert body["status"] == "Pre-condition failed."
    assert "not currently in a state to support a resize" in body["reason"]
    api.advance(RUNNING_AFTER)
    assert resize(api, cluster_id, dc).status_code == 202
    # A second resize while one runs: not ready either.
    assert resize(api, cluster_id, dc).status_code == 412


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"newNodeSize": "m5xl-1600-v2"}, "newNodeSize", "cannot resize"),
        ({"newNodeSize": "KFK-DEV-t4g.small-5"}, "newNodeSize", "not a APACHE_CASSANDRA"),
        ({"newNodeSize": SMALL}, "newNodeSize", "already"),
        ({"newNodeSize": None}, "newNodeSize", "required"),
        ({"concurrentResizes": 2}, "concurrentResizes", "from 1 to 1"),
        ({"concurrentResizes": "x"}, "concurrentResizes", "whole number"),
        ({"notifySupportContacts": None}, "notifySupportContacts", "required"),
        ({"nodePurpose": "KAFKA_BROKER"}, "nodePurpose", "not part of"),
        ({"nodePurpose": "GPU"}, "nodePurpose", "not a node purpose"),
    ],
)
def test_bad_resizes_get_400_naming_the_field(
    api: Harness, fields: dict[str, Any], field: str, fragment: str
) -> None:
    cluster_id, dc = running_cluster(api)
    response = resize(api, cluster_id, dc, **fields)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["errors"][field]
    assert target(api, cluster_id) is None


def test_a_smaller_disk_is_refused_with_the_apis_words(api: Harness) -> None:
    cluster_id, dc = running_cluster(api, size=MEDIUM)
    response = resize(api, cluster_id, dc, newNodeSize=SMALL)
    assert response.status_code == 400
    assert response.json()["errors"]["newNodeSize"] == (
        "Resize operations do not support downgrading disk sizes"
    )


def test_active_resize_operations_are_listed_while_they_run(api: Harness) -> None:
    cluster_id, dc = running_cluster(api)
    path = f"{ROOT}/{cluster_id}/{dc}/resize?activeOnly=true"
    assert api.get(path).json() == []
    resize(api, cluster_id, dc, nodePurpose="CASSANDRA")
    active = api.get(path)
    assert active.status_code == 200
    [operation] = active.json()
    assert operation["cdc"] == dc
    assert operation["completedStatus"] is None
    assert operation["params"]["nodePurpose"] == "CASSANDRA"
    api.advance(3 * STEP)
    assert api.get(path).json() == []
    assert api.get(f"{ROOT}/{cluster_id}/{dc}/resize").json()[0]["completedStatus"] == "RUNNING"


def test_read_only_unknown_and_deleted(make_api: MakeApi) -> None:
    api = make_api()
    cluster_id, dc = running_cluster(api)
    body = {"newNodeSize": MEDIUM, "concurrentResizes": 1, "notifySupportContacts": False}
    path = f"{ROOT}/{cluster_id}/{dc}/resize"
    assert api.post(path, json=body, auth=api.auth_read_only).status_code == 403
    assert api.post(f"{ROOT}/{cluster_id}/no-such-dc/resize", json=body).status_code == 404
    assert api.post(f"{ROOT}/no-such-cluster/{dc}/resize", json=body).status_code == 404
    api.delete(f"{ROOT}/{cluster_id}")
    assert api.post(path, json=body).status_code == 409
    assert target(api, cluster_id) is None
