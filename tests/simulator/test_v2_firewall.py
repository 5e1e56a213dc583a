"""v2 network firewall rules: resources with ids, GENESIS → RUNNING, 409, 204, one store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.simulator.support import ROOT
from tests.simulator.v2_support import RULES, V2, body, collection, error_names, item

if TYPE_CHECKING:
    from tests.simulator.support import Harness


def rule_list(cluster_id: str) -> str:
    return f"{V2}/data-sources/cluster/{cluster_id}/network-firewall-rules/v2"


def new_cluster(api: Harness, product: str = "cassandra") -> str:
    return str(api.post(collection(product), json=body(product)).json()["id"])


def rule(cluster_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "clusterId": cluster_id,
        "network": "203.0.113.7/32",
        "type": "CASSANDRA_CQL",
        **overrides,
    }


def test_rule_lifecycle_genesis_running_deleted_gone(api: Harness) -> None:
    cluster_id = new_cluster(api)
    response = api.post(RULES + "/", json=rule(cluster_id))
    assert response.status_code == 202
    created = response.json()
    assert created == {
        "id": created["id"],
        "clusterId": cluster_id,
        "network": "203.0.113.7/32",
        "type": "CASSANDRA_CQL",
        "status": "GENESIS",
        "deferredReason": None,
    }
    path = f"{RULES}/{created['id']}"
    api.advance(19)
    assert api.get(path).json()["status"] == "GENESIS"
    api.advance(1)
    assert api.get(path + "/").json()["status"] == "RUNNING"
    response = api.delete(path)
    assert response.status_code == 204
    assert response.content == b""
    # The operator skips a DELETE once it reads DELETED, and reads 404 as gone.
    assert api.get(path).json()["status"] == "DELETED"
    assert api.delete(path).status_code == 404
    api.advance(20)
    response = api.get(path)
    assert response.status_code == 404
    assert error_names(response.json()) == {"firewallRuleId"}


def test_duplicate_rule_is_409_in_the_single_shape(api: Harness) -> None:
    cluster_id = new_cluster(api)
    first = api.post(RULES, json=rule(cluster_id)).json()
    response = api.post(RULES, json=rule(cluster_id))
    assert response.status_code == 409
    assert response.json()["name"] == "Conflict"
    assert "already exists" in response.json()["message"]
    # Another type, or another network, is another rule.
    assert api.post(RULES, json=rule(cluster_id, type="CASSANDRA")).status_code == 202
    assert api.post(RULES, json=rule(cluster_id, network="198.51.100.0/24")).status_code == 202
    # Once deleted, the same rule may be asked for again, under a new id.
    api.delete(f"{RULES}/{first['id']}")
    again = api.post(RULES, json=rule(cluster_id))
    assert again.status_code == 202
    assert again.json()["id"] != first["id"]


def test_per_cluster_list(api: Harness) -> None:
    cluster_id = new_cluster(api)
    other = new_cluster(api, "kafka")
    ids = [
        api.post(RULES, json=rule(cluster_id, type=t)).json()["id"]
        for t in ("CASSANDRA", "CASSANDRA_CQL")
    ]
    api.post(RULES, json=rule(other, type="KAFKA"))
    (listed,) = api.get(rule_list(cluster_id)).json()
    assert listed["clusterId"] == cluster_id
    assert [r["id"] for r in listed["firewallRules"]] == ids
    api.delete(f"{RULES}/{ids[0]}")
    (listed,) = api.get(rule_list(cluster_id) + "/").json()
    assert [r["id"] for r in listed["firewallRules"]] == ids[1:]
    assert api.get(rule_list("no-such-cluster")).status_code == 404


def test_rules_are_shared_with_v1(api: Harness) -> None:
    cluster_id = new_cluster(api)
    created = api.post(RULES, json=rule(cluster_id)).json()
    (entry,) = api.get(f"{ROOT}/{cluster_id}/firewallRules").json()
    assert entry["network"] == "203.0.113.7/32"
    assert [r["type"] for r in entry["rules"]] == ["CASSANDRA_CQL"]
    # Opened through v1: listed by v2 with an id, and a duplicate there.
    v1_rule = {"network": "198.51.100.0/24", "rules": [{"type": "CASSANDRA"}]}
    assert api.post(f"{ROOT}/{cluster_id}/firewallRules", json=v1_rule).status_code == 202
    (listed,) = api.get(rule_list(cluster_id)).json()
    by_type = {r["type"]: r for r in listed["firewallRules"]}
    assert by_type["CASSANDRA"]["network"] == "198.51.100.0/24"
    assert by_type["CASSANDRA"]["status"] == "GENESIS"
    duplicate = rule(cluster_id, network="198.51.100.0/24", type="CASSANDRA")
    assert api.post(RULES, json=duplicate).status_code == 409
    # Closed through v1: v2 reads DELETED.
    closing = {"network": "203.0.113.7/32", "rules": [{"type": "CASSANDRA_CQL"}]}
    assert api.delete(f"{ROOT}/{cluster_id}/firewallRules", json=closing).status_code == 202
    assert api.get(f"{RULES}/{created['id']}").json()["status"] == "DELETED"


def test_rules_of_unknown_and_deleting_clusters(api: Harness) -> None:
    response = api.post(RULES, json=rule("4650aa98-e894-4675-9614-558915d5837a"))
    assert response.status_code == 404
    assert error_names(response.json()) == {"clusterId"}
    cluster_id = new_cluster(api)
    created = api.post(RULES, json=rule(cluster_id)).json()
    api.delete(item("cassandra", cluster_id))
    assert api.post(RULES, json=rule(cluster_id, type="CASSANDRA")).status_code == 409
    api.advance(60)  # the cluster is DELETED: its rules go with it
    assert api.get(f"{RULES}/{created['id']}").json()["status"] == "DELETED"
    assert api.get(rule_list(cluster_id)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"clusterId": None}, {"clusterId"}),
        ({"network": "1.2.3.4"}, {"network"}),
        ({"network": "1.2.3.4/24"}, {"network"}),
        ({"network": ["1.2.3.4/32"]}, {"network"}),
        ({"type": "TELNET"}, {"type"}),
        ({"type": "cassandra_cql"}, {"type"}),
        ({"clusterId": 5, "type": None}, {"clusterId", "type"}),
    ],
)
def test_bad_rules_are_400_naming_fields(
    api: Harness, overrides: dict[str, Any], fields: set[str]
) -> None:
    cluster_id = new_cluster(api)
    response = api.post(RULES, json=rule(cluster_id, **overrides))
    assert response.status_code == 400
    assert error_names(response.json()) == fields


def test_no_put_on_rules(api: Harness) -> None:
    cluster_id = new_cluster(api)
    created = api.post(RULES, json=rule(cluster_id)).json()
    assert api.put(f"{RULES}/{created['id']}", json=rule(cluster_id)).status_code == 405
    assert api.get(f"{RULES}/nothing").status_code == 404
