"""The real bodies in shared/fixtures/real, handled as their README says (simulator side).

One test per file. A new file in that folder fails :func:`test_every_fixture_is_handled`
until it gets its own test here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.simulator.support import FIXTURES, ROOT, fixture_json

if TYPE_CHECKING:
    from tests.simulator.support import Harness

HANDLED = {
    "tf_valid_create.json",
    "tf_invalid_create.json",
    "tf_invalid_firewall.json",
    "tf_null_firewall.json",
    "tf_valid_add_dc.json",
    "exporter_list_clusters.json",
    "exporter_cluster_status.json",
}


def test_every_fixture_is_handled() -> None:
    assert {p.name for p in FIXTURES.glob("*.json")} == HANDLED


def test_tf_valid_create(api: Harness) -> None:
    response = api.post(f"{ROOT}/extended/", json=fixture_json("tf_valid_create.json"))
    assert response.status_code == 202
    assert list(response.json()) == ["id"]


def test_tf_invalid_create(api: Harness) -> None:
    response = api.post(f"{ROOT}/extended/", json=fixture_json("tf_invalid_create.json"))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["clusterName"]
    assert api.sim.cluster_records() == []


def test_tf_invalid_firewall(api: Harness) -> None:
    """The id matches the documented pattern; the unknown ``rule_cidr`` is ignored."""
    path = f"{ROOT}/{api.create()}/firewallRules/"
    response = api.post(path, json=fixture_json("tf_invalid_firewall.json"))
    assert response.status_code == 202
    (entry,) = api.get(path).json()
    assert entry["securityGroupId"] == "sg-0123abcde456ffabc"
    assert "rule_cidr" not in entry


def test_tf_null_firewall(api: Harness) -> None:
    path = f"{ROOT}/{api.create()}/firewallRules/"
    response = api.post(path, json=fixture_json("tf_null_firewall.json"))
    assert response.status_code == 400
    assert "network" in response.json()["errors"]


def test_tf_valid_add_dc(api: Harness) -> None:
    """String booleans and snake_case option keys are tolerated."""
    cluster_id = api.create()
    api.advance(420)
    path = f"{ROOT}/{cluster_id}/cluster-data-centres"
    response = api.post(path, json=fixture_json("tf_valid_add_dc.json"))
    assert response.status_code == 202, response.text
    added = api.details(cluster_id)["dataCentres"][1]
    assert (added["name"], added["cdcName"], added["cdcNetwork"]) == (
        "US_WEST_1",
        "DC2",
        "10.1.0.0/16",
    )
    assert added["passwordAuthentication"] is True
    assert added["nodeCount"] == 3


def _same_json_type(ours: Any, theirs: Any) -> bool:
    if theirs is None or ours is None:
        return True  # the fixture's nulls say "may be null"
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return isinstance(theirs, bool) and isinstance(ours, bool)
    return isinstance(ours, type(theirs))


def test_exporter_list_clusters(api: Harness) -> None:
    """Our list items carry every key of that client's list items, with the same types."""
    (theirs,) = fixture_json("exporter_list_clusters.json")
    api.create()
    api.advance(420)
    (ours,) = api.listing()
    for key, value in theirs.items():
        assert key in ours, key
        assert _same_json_type(ours[key], value), key
    assert ours["nodeCount"] == ours["runningNodeCount"] == 3
    assert ours["derivedStatus"] == "RUNNING"


def test_exporter_cluster_status(api: Harness) -> None:
    """Every key that client reads is present, with its type; ``cdcNetwork`` is our one
    documented difference (a CIDR string, as Instaclustr's own clients expect)."""
    theirs = fixture_json("exporter_cluster_status.json")
    cluster_id = api.create()
    api.advance(420)
    ours = api.details(cluster_id)
    (their_dc,) = theirs["dataCentres"]
    (our_dc,) = ours["dataCentres"]
    for key, value in their_dc.items():
        assert key in our_dc, key
        if key not in ("cdcNetwork", "nodes"):
            assert _same_json_type(our_dc[key], value), key
    assert isinstance(our_dc["cdcNetwork"], str)
    for key, value in their_dc["nodes"][0].items():
        for node in our_dc["nodes"]:
            assert key in node, key
            assert _same_json_type(node[key], value), key
