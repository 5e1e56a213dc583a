"""Every v2 endpoint the toolkit uses, over real HTTP against the served simulator.

``connect(api="v2")`` to a simulator on 127.0.0.1: clusters of all five products
(create, name search, get, list, delete), firewall rules as resources, AWS VPC peers
and resize by PUT. The simulator limits at the engine's interval and counts rejected
arrivals, so "no 429" is also the pacing check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import insta_nb
from insta_nb import ClusterStatus, ReadOnlyKeyError, Session
from insta_nb.engine import runner as runner_module
from insta_nb.models import FirewallRuleSpec
from insta_nb.peering import AwsVpcPeeringSpec
from insta_nb.simulator import Simulator, SimulatorSettings
from tests.client.v2_examples import cassandra, kafka, opensearch, postgresql, redis
from tests.loopback.conftest import INTERVAL, Served, close_runner

pytestmark = pytest.mark.loopback

#: Lifecycle speed: a cluster is RUNNING about a second after its create.
SPEED = 300.0


@pytest.fixture
def fast_served() -> Iterator[Served]:
    sim = Simulator(settings=SimulatorSettings(interval=INTERVAL, count_rejected=True, speed=SPEED))
    with sim.serve() as url:
        yield Served(sim, url)
    assert sim.app_errors == []


@pytest.fixture
def fresh_runner(
    fast_served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """A process-wide engine of this test's own, its slot file under ``tmp_path``."""
    monkeypatch.setenv("INSTA_NB_STATE_DIR", str(tmp_path / "state"))
    for name in ("USERNAME", "API_KEY", "API_URL", "READ_ONLY", "API"):
        monkeypatch.delenv(f"INSTACLUSTR_{name}", raising=False)
    monkeypatch.setattr(runner_module, "_shared", None)
    yield
    made = runner_module._shared
    if made is not None:
        close_runner(made)
    fast_served.assert_no_429()


@pytest.fixture
def v2(fast_served: Served, fresh_runner: None) -> Iterator[Session]:
    """A v2 session to the served simulator."""
    creds = fast_served.sim.credentials
    session = insta_nb.connect(
        creds.username, creds.api_key, api_url=fast_served.url, interval=INTERVAL, api="v2"
    )
    assert session.api == "v2"
    yield session
    session.close()


def test_every_product_is_created_read_listed_and_deleted(v2: Session, fast_served: Served) -> None:
    specs = [cassandra("lb-cass"), kafka("lb-kafka"), redis("lb-redis"), postgresql("lb-pg")]
    specs.append(opensearch("lb-os"))
    ids = {}
    for spec in specs:
        ids[spec.name] = v2.sync.create_cluster(spec)  # a name search, then the POST
    for name, cluster_id in ids.items():
        details = v2.sync.get_cluster(cluster_id)
        assert (details.id, details.name) == (cluster_id, name)
        assert details.data_centres[0].region == "US_EAST_1"
    assert {c.id for c in v2.sync.list_clusters()} == set(ids.values())
    for cluster_id in ids.values():
        v2.sync.delete_cluster(cluster_id)
    assert v2.sync.list_clusters() == []
    applied = {(r.method, r.path.rstrip("/")) for r in fast_served.sim.log if r.applied}
    for app in ("cassandra", "kafka", "redis", "postgresql", "opensearch"):
        assert ("POST", f"/cluster-management/v2/resources/applications/{app}/clusters/v2") in (
            applied
        )
    assert sorted(r.name for r in fast_served.sim.cluster_records()) == sorted(ids)


def test_a_v2_cluster_reaches_running_and_is_visible_to_v1(
    v2: Session, fast_served: Served
) -> None:
    cluster_id = v2.sync.create_cluster(kafka("lb-visible"))
    details = v2.sync.wait_for_status(cluster_id, timeout=60)
    assert details.status is ClusterStatus.RUNNING
    assert details.running_node_count == 3
    # One account store: the v1 list of the same simulator shows it under its name.
    assert "lb-visible" in [c.name for c in fast_served.sim.cluster_records()]


def test_firewall_rules_are_added_listed_and_removed(v2: Session) -> None:
    cluster_id = v2.sync.create_cluster(kafka("lb-rules"))
    rule = FirewallRuleSpec(("KAFKA",), network="203.0.113.7/32")
    v2.sync.add_firewall_rule(cluster_id, rule)
    listed = v2.sync.list_firewall_rules(cluster_id)
    assert [(r.network, r.rules[0].type) for r in listed] == [("203.0.113.7/32", "KAFKA")]
    v2.sync.delete_firewall_rule(cluster_id, rule)
    assert v2.sync.list_firewall_rules(cluster_id) == []


def test_an_aws_vpc_peer_is_created_read_listed_and_deleted(v2: Session) -> None:
    cluster_id = v2.sync.create_cluster(kafka("lb-peer"))
    v2.sync.wait_for_status(cluster_id, timeout=60)
    spec = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.9.0.0/16",), "US_EAST_1")
    peering_id = v2.sync.create_vpc_peering(cluster_id, spec)
    (peering,) = v2.sync.list_vpc_peerings(cluster_id)
    assert peering.id == peering_id
    assert peering.peer_vpc_id == "vpc-0a1b2c3d"
    got = v2.sync.get_vpc_peering(peering.data_centre_id, peering_id)
    assert got.peer_subnets == ("10.9.0.0/16",)
    v2.sync.delete_vpc_peering(peering.data_centre_id, peering_id)


def test_a_data_centre_is_resized_through_the_cluster_update(v2: Session) -> None:
    cluster_id = v2.sync.create_cluster(kafka("lb-resize"))
    v2.sync.wait_for_status(cluster_id, timeout=60)
    target = "KFK-DEV-t4g.medium-80"
    assert target in v2.sync.resize_sizes(cluster_id)
    v2.sync.resize_data_centre(cluster_id, target)
    deadline = time.monotonic() + 60
    targets_seen = set()
    while True:
        details = v2.sync.get_cluster(cluster_id)
        targets_seen.add(details.data_centres[0].resize_target_node_size)
        sizes = {n.size for n in details.nodes}
        if sizes == {target} and details.raw["currentClusterOperationStatus"] == "NO_OPERATION":
            break
        assert time.monotonic() < deadline, (sizes, details.raw)
        time.sleep(0.2)
    assert details.data_centres[0].resize_target_node_size is None
    assert target in targets_seen  # while nodes were replaced, the row could show it


@pytest.mark.usefixtures("fresh_runner")
def test_a_read_only_key_reads_v2_and_sends_nothing_else(fast_served: Served) -> None:
    creds = fast_served.sim.credentials
    session = insta_nb.connect(
        creds.username,
        creds.read_only_key,
        api_url=fast_served.url,
        interval=INTERVAL,
        api="v2",
        read_only=True,
    )
    try:
        assert session.sync.list_clusters() == []
        with pytest.raises(ReadOnlyKeyError):
            session.sync.create_cluster(kafka("lb-readonly"))
    finally:
        session.close()
    assert {r.method for r in fast_served.sim.log} == {"GET"}
    assert creds.read_only_key not in repr(session)


@pytest.mark.usefixtures("fresh_runner")
def test_v1_and_v2_sessions_to_one_host_share_one_budget(fast_served: Served) -> None:
    """The simulator's one limit covers both APIs, per IP: sessions of both, sending at
    once, are paced as one (``fresh_runner`` asserts every arrival kept the interval)."""
    creds = fast_served.sim.credentials
    sessions = [
        insta_nb.connect(
            creds.username, creds.api_key, api_url=fast_served.url, interval=INTERVAL, api=api
        )
        for api in ("v1", "v2")
    ]
    v1, v2 = sessions
    assert v1.service.engine is v2.service.engine

    async def both() -> tuple[Any, Any]:
        made = await asyncio.gather(
            v2.create_cluster(kafka("lb-shared-v2")),
            *(s.list_clusters() for s in sessions for _ in range(3)),
        )
        return await asyncio.gather(v1.get_cluster(made[0]), v2.get_cluster(made[0]))

    try:
        by_v1, by_v2 = asyncio.run(both())
    finally:
        for session in sessions:
            session.close()
    # Each session got its own API's answer: reads are shared within one API only.
    assert "clusterName" in by_v1.raw
    assert "kafkaVersion" in by_v2.raw
    paths = {r.path.rstrip("/") for r in fast_served.sim.log}
    assert {"/provisioning/v1", "/cluster-management/v2/data-sources/clusters/v2"} <= paths
