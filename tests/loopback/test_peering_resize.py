"""VPC peering and resize through ``connect()`` over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import insta_nb
from insta_nb import AwsVpcPeeringSpec, ClusterStatus, PeeringStatus
from insta_nb.simulator import Simulator, SimulatorSettings
from tests.loopback.conftest import INTERVAL, Served, spec
from tests.loopback.test_session import fresh_engine  # noqa: F401 - a fixture

pytestmark = pytest.mark.loopback

#: Lifecycles a thousand times faster: RUNNING in under half a second, a resize batch in
#: 0.3 s, and the peer accepts 60 simulated seconds after the request.
SPEED = 1000.0


@pytest.fixture
def fast() -> Iterator[Served]:
    sim = Simulator(
        settings=SimulatorSettings(
            interval=INTERVAL, count_rejected=True, speed=SPEED, peering_accept_seconds=60
        )
    )
    with sim.serve() as url:
        yield Served(sim, url)
    assert sim.app_errors == []


@pytest.mark.usefixtures("fresh_engine")
def test_peering_and_resize_round_trip_without_a_429(fast: Served) -> None:
    creds = fast.sim.credentials
    session = insta_nb.connect(creds.username, creds.api_key, api_url=fast.url, interval=INTERVAL)
    try:
        cluster_id = session.sync.create_cluster(spec("loopback_peering"))
        details = session.sync.wait_for_status(cluster_id, ClusterStatus.RUNNING, timeout=60)
        dc = details.data_centres[0].id
        peering_id = session.sync.create_vpc_peering(
            cluster_id, AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))
        )
        active = session.sync.wait_for_vpc_peering(dc, peering_id, timeout=60)
        assert active.status is PeeringStatus.ACTIVE
        assert [p.id for p in session.sync.list_vpc_peerings(cluster_id)] == [peering_id]

        assert session.sync.resize_sizes(cluster_id) == ["t3.medium-v2"]
        session.sync.resize_data_centre(cluster_id, "t3.medium-v2", concurrent_resizes=1)
        seen = set()
        for _ in range(200):
            dc_now = session.sync.get_cluster(cluster_id).data_centres[0]
            seen.add(dc_now.resized_node_count)
            if not dc_now.resizing:
                break
        assert {n.size for n in dc_now.nodes} == {"t3.medium-v2"}
        assert seen & {1, 2}  # progress was visible on the way

        session.sync.delete_vpc_peering(dc, peering_id)
        # "deleting" lasts 20 simulated seconds: gone by the next paced request.
        with pytest.raises(insta_nb.NotFoundError):
            session.sync.get_vpc_peering(dc, peering_id)
        session.sync.delete_cluster(cluster_id)
    finally:
        session.close()
    fast.assert_no_429()
    posts = [r.path for r in fast.sim.log if r.method == "POST"]
    assert sum("vpc-peering" in p for p in posts) == 1
    assert sum(p.endswith("/resize") for p in posts) == 1
