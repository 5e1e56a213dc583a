"""Random mixes of v1 and v2 calls on one account: never a 500, every read still answers.

Each API is tested on its own elsewhere; this drives both at once through the state
they share (clusters, data centres added through v1, resizes through either, firewall
rules, peerings, deletes) with the clock moving in between, and reads everything
through both after every step.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import ROOT, Harness, create_body
from tests.simulator.v2_support import (
    CLUSTER_LIST,
    PEER_LIST,
    PEERS,
    PRODUCTS,
    RULES,
    V2,
    body,
    collection,
    item,
)

#: A second size per product's first node group, for resizes through v2.
BIGGER = {
    "cassandra": "CAS-DEV-t4g.medium-30",
    "kafka": "KFK-DEV-t4g.medium-80",
    "redis": "t3.medium-40-r",
    "postgresql": "PGS-DEV-t4g.medium-30",
    "opensearch": "SRH-DEV-t4g.medium-80",
}
_READ_ONLY = {"id", "status", "nodes", "deletedNodes", "awsSettings"}

ACTION = st.one_of(
    st.tuples(st.just("v2_create"), st.sampled_from(PRODUCTS)),
    st.tuples(st.just("v1_create"), st.just(0)),
    st.tuples(st.just("advance"), st.sampled_from([10, 60, 300, 2000])),
    *[
        st.tuples(st.just(name), st.integers(0, 5))
        for name in (
            "v1_add_dc", "v2_resize", "v1_resize", "v2_delete", "v1_delete", "v2_rule",
            "v1_rule", "v2_rule_delete", "v2_peer", "v1_peer", "v2_peer_delete",
        )
    ],
)  # fmt: skip


class Account:
    """A simulator and what the steps created, with both APIs' reads."""

    def __init__(self) -> None:
        clock = FakeClock()
        self.api = Harness(Simulator(clock=clock, settings=SimulatorSettings(interval=None)), clock)
        self.clusters: list[tuple[str, str]] = []  # (id, product)
        self.rules: list[str] = []
        self.peers: list[str] = []

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.api.call(method, path, **kwargs)
        assert response.status_code < 500, (method, path, response.text)
        assert self.api.sim.app_errors == []
        return response.json() if response.content and response.status_code < 300 else None

    def pick(self, index: int) -> tuple[str, str] | None:
        return self.clusters[index % len(self.clusters)] if self.clusters else None

    def v2_cluster(self, index: int) -> tuple[str, str, dict[str, Any]] | None:
        picked = self.pick(index)
        got = self.call("GET", item(picked[1], picked[0])) if picked else None
        return (picked[0], picked[1], got) if picked and got else None

    def step(self, action: str, arg: Any) -> None:
        getattr(self, action)(arg)
        self.read_everything()

    # --- steps ----------------------------------------------------------------------

    def v2_create(self, product: str) -> None:
        created = self.call("POST", collection(product), json=body(product))
        self.clusters.append((created["id"], product))

    def v1_create(self, _: int) -> None:
        created = self.call("POST", f"{ROOT}/extended/", json=create_body(nodeSize="t3.small-v2"))
        self.clusters.append((created["id"], "cassandra"))

    def advance(self, seconds: int) -> None:
        self.api.advance(seconds)

    def v1_add_dc(self, index: int) -> None:
        picked = self.pick(index)
        if picked:
            sent = {
                "dataCentre": "US_WEST_2",
                "network": f"10.{100 + index}.0.0/16",
                "name": f"dc{index}",
            }
            self.call("POST", f"{ROOT}/{picked[0]}/cluster-data-centres", json=sent)

    def v2_resize(self, index: int) -> None:
        found = self.v2_cluster(index)
        if found is None:
            return
        _, product, got = found
        if product == "opensearch":
            sent: dict[str, Any] = {"dataNodes": [{"nodeSize": BIGGER[product], "nodeCount": 3}]}
        else:
            dcs = [
                {k: v for k, v in dc.items() if k not in _READ_ONLY} for dc in got["dataCentres"]
            ]
            dcs[0]["nodeSize"] = BIGGER[product]
            sent = {"dataCentres": dcs, "resizeSettings": [{"concurrency": 1}]}
        self.call("PUT", item(product, got["id"]), json=sent)

    def v1_resize(self, index: int) -> None:
        picked = self.pick(index)
        details = self.call("GET", f"{ROOT}/{picked[0]}") if picked else None
        if details:
            cdc = details["dataCentres"][0]["id"]
            sent = {
                "newNodeSize": "t3.medium-v2",
                "concurrentResizes": 1,
                "notifySupportContacts": False,
            }
            self.call("POST", f"{ROOT}/{picked[0]}/{cdc}/resize", json=sent)

    def v2_delete(self, index: int) -> None:
        picked = self.pick(index)
        if picked:
            self.call("DELETE", item(picked[1], picked[0]))

    def v1_delete(self, index: int) -> None:
        picked = self.pick(index)
        if picked:
            self.call("DELETE", f"{ROOT}/{picked[0]}")

    def v2_rule(self, index: int) -> None:
        picked = self.pick(index)
        if picked:
            sent = {"clusterId": picked[0], "network": f"203.0.113.{index}/32", "type": "CASSANDRA"}
            created = self.call("POST", RULES, json=sent)
            if created:
                self.rules.append(created["id"])

    def v1_rule(self, index: int) -> None:
        picked = self.pick(index)
        if picked:
            sent = {"network": f"203.0.113.{index}/32", "rules": [{"type": "CASSANDRA"}]}
            verb = "POST" if index % 2 else "DELETE"
            self.call(verb, f"{ROOT}/{picked[0]}/firewallRules", json=sent)

    def v2_rule_delete(self, index: int) -> None:
        if self.rules:
            self.call("DELETE", f"{RULES}/{self.rules[index % len(self.rules)]}")

    def _peer_body(self, index: int) -> tuple[str, dict[str, Any]] | None:
        found = self.v2_cluster(index)
        if found is None:
            return None
        cdc = found[2]["dataCentres"][0]["id"]
        return cdc, {
            "peerVpcId": f"vpc-0123abc{index}",
            "peerSubnets": [f"172.{16 + index}.0.0/16"],
        }

    def v2_peer(self, index: int) -> None:
        found = self._peer_body(index)
        if found:
            cdc, sent = found
            created = self.call(
                "POST", PEERS, json={**sent, "cdcId": cdc, "peerAwsAccountId": "123456789123"}
            )
            if created:
                self.peers.append(created["id"])

    def v1_peer(self, index: int) -> None:
        found = self._peer_body(index)
        if found:
            cdc, sent = found
            self.call(
                "POST", f"{ROOT}/vpc-peering/{cdc}", json={**sent, "peerAccountId": "123456789123"}
            )

    def v2_peer_delete(self, index: int) -> None:
        if self.peers:
            self.call("DELETE", f"{PEERS}/{self.peers[index % len(self.peers)]}")

    # --- reads ----------------------------------------------------------------------

    def read_everything(self) -> None:
        self.call("GET", ROOT)
        (account,) = self.call("GET", CLUSTER_LIST)
        listed = {c["id"] for c in account["clusters"]}
        self.call("GET", PEER_LIST)
        for cluster_id, product in self.clusters:
            v1 = self.call("GET", f"{ROOT}/{cluster_id}")
            v2 = self.call("GET", item(product, cluster_id))
            if v2 is not None:
                assert v1 is not None
                assert v1["clusterStatus"] == v2["status"]
                assert v2["status"] == "DELETING" or cluster_id in listed
                self.call(
                    "GET", f"{V2}/data-sources/cluster/{cluster_id}/network-firewall-rules/v2"
                )
                for dc in v2["dataCentres"]:
                    self.call(
                        "GET",
                        f"{V2}/data-sources/cluster-data-centres/v2/{dc['id']}/resize/operations/v2",
                    )
        for rule_id in self.rules:
            self.call("GET", f"{RULES}/{rule_id}")
        for peer_id in self.peers:
            self.call("GET", f"{PEERS}/{peer_id}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(ACTION, min_size=1, max_size=25))
def test_random_mixes_of_v1_and_v2_calls(actions: list[tuple[str, Any]]) -> None:
    account = Account()
    for action, arg in actions:
        account.step(action, arg)
