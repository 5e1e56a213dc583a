"""The lifecycle over simulated time: creation, nodes one by one, deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from insta_nb.models import ClusterStatus
from tests.simulator.support import ROOT, create_body

if TYPE_CHECKING:
    from tests.simulator.conftest import MakeApi
    from tests.simulator.support import Harness


def snapshot(api: Harness, cluster_id: str) -> tuple[str, list[str], int, int]:
    """(clusterStatus, node statuses, list nodeCount, list runningNodeCount)."""
    details = api.details(cluster_id)
    nodes = [n["nodeStatus"] for dc in details["dataCentres"] for n in dc["nodes"]]
    (item,) = [i for i in api.listing() if i["id"] == cluster_id]
    assert item["derivedStatus"] == details["clusterStatus"]
    return details["clusterStatus"], nodes, item["nodeCount"], item["runningNodeCount"]


def test_three_nodes_take_seven_minutes_one_by_one(api: Harness) -> None:
    cluster_id = api.create()
    timeline: list[tuple[str, list[str], int, int]] = []
    for step in (29, 1, 119, 1, 29, 1, 79, 1, 79, 1, 79, 1):
        timeline.append(snapshot(api, cluster_id))
        api.advance(step)
    timeline.append(snapshot(api, cluster_id))
    statuses = [t[0] for t in timeline]
    assert statuses[:2] == ["GENESIS", "GENESIS"]
    assert statuses[2:4] == ["PROVISIONING", "PROVISIONING"]
    assert statuses[4:12] == ["PROVISIONED"] * 8
    assert statuses[12] == "RUNNING"
    running = [t[3] for t in timeline]
    assert running == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3]
    # Nodes turn RUNNING one at a time and the details agree with the list.
    for _, nodes, count, running_count in timeline:
        assert count == 3
        assert nodes.count("RUNNING") == running_count
    assert api.clock.monotonic() - api.sim.cluster_records()[0].created_at == 420


def test_addresses_appear_once_provisioned(api: Harness) -> None:
    cluster_id = api.create()
    (node, *_) = api.details(cluster_id)["dataCentres"][0]["nodes"]
    assert node["publicAddress"] is None
    assert node["privateAddress"] is None
    api.advance(180)
    nodes = api.details(cluster_id)["dataCentres"][0]["nodes"]
    assert [n["privateAddress"] for n in nodes] == ["192.168.0.16", "192.168.0.17", "192.168.0.18"]
    assert all(n["publicAddress"].startswith("192.0.2.") for n in nodes)
    assert len({n["id"] for n in nodes}) == 3


def test_private_network_cluster_has_no_public_addresses(api: Harness) -> None:
    cluster_id = api.create(create_body(privateNetworkCluster="true"))
    api.advance(420)
    nodes = api.details(cluster_id)["dataCentres"][0]["nodes"]
    assert all(n["publicAddress"] is None and n["privateAddress"] for n in nodes)


def test_speed_factor_shortens_everything(make_api: MakeApi) -> None:
    api = make_api(speed=10)
    cluster_id = api.create()
    api.advance(41.9)
    assert snapshot(api, cluster_id)[0] == "PROVISIONED"
    api.advance(0.1)
    assert snapshot(api, cluster_id)[0] == "RUNNING"


def test_custom_timing(make_api: MakeApi) -> None:
    api = make_api(genesis_seconds=0, provisioning_seconds=0, provisioned_seconds=0, node_seconds=1)
    cluster_id = api.create(create_body(rackAllocation={"numberOfRacks": 2, "nodesPerRack": 3}))
    assert snapshot(api, cluster_id)[0] == "PROVISIONED"
    api.advance(6)
    assert snapshot(api, cluster_id)[2:] == (6, 6)


def test_delete_lifecycle(api: Harness) -> None:
    cluster_id = api.create()
    api.advance(420)
    assert api.delete(f"{ROOT}/{cluster_id}").status_code == 202
    status, nodes, _, running = snapshot(api, cluster_id)
    assert (status, set(nodes), running) == ("DELETING", {"DELETING"}, 0)
    again = api.delete(f"{ROOT}/{cluster_id}")
    assert again.status_code == 409
    api.advance(60)
    assert api.listing() == []
    assert api.get(ROOT).status_code == 404
    assert api.details(cluster_id)["clusterStatus"] == "DELETED"
    assert api.delete(f"{ROOT}/{cluster_id}").status_code == 404
    api.advance(600)
    assert api.get(f"{ROOT}/{cluster_id}").status_code == 404
    (record,) = api.sim.cluster_records()
    assert record.status is ClusterStatus.DELETED
    assert record.deleted_at == 1420.0


def test_delete_during_provisioning(api: Harness) -> None:
    cluster_id = api.create()
    api.advance(100)
    assert api.delete(f"{ROOT}/{cluster_id}").status_code == 202
    assert snapshot(api, cluster_id)[0] == "DELETING"


def test_list_only_shows_clusters_not_yet_deleted(api: Harness) -> None:
    keep = api.create(clusterName="keep")
    drop = api.create(clusterName="drop")
    api.delete(f"{ROOT}/{drop}")
    api.advance(61)
    assert [i["id"] for i in api.listing()] == [keep]


def test_cluster_records_see_duplicates_by_name(api: Harness) -> None:
    first = api.create(clusterName="same")
    second = api.create(clusterName="same")
    records = api.sim.cluster_records()
    assert [r.id for r in records] == [first, second]
    assert [r.name for r in records] == ["same", "same"]
    assert all(r.deleted_at is None and r.status is ClusterStatus.GENESIS for r in records)


def test_same_seed_same_ids(make_api: MakeApi) -> None:
    one, two, other = make_api(seed=7), make_api(seed=7), make_api(seed=8)
    ids: list[Any] = [h.create() for h in (one, two, other)]
    assert ids[0] == ids[1] != ids[2]
