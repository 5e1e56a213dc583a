"""Client and simulator agree on which resizes to refuse.

The client judges a :class:`ResizeSpec` against the cluster's details as the API
reports them (``validate_resize``); the simulator with its own rules. Each example
gets a fresh RUNNING cluster, since an accepted resize changes it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from insta_nb import catalog
from insta_nb.backends.v1.resizing import resize_to_json, validate_resize
from insta_nb.backends.v1.wire import parse_cluster_details
from insta_nb.models import ResizeSpec
from insta_nb.simulator import Simulator, SimulatorSettings
from insta_nb.testing import FakeClock
from tests.simulator.support import ROOT, Harness, create_body

STARTS = ["t3.small-v2", "m5l-400-v2", "CAS-DEV-t4g.small-5", "CAS-DEV-t4g.medium-30", "t3-small"]


def verdicts(start: str, racks: int, per_rack: int, spec: ResizeSpec) -> tuple[dict[str, str], int]:
    clock = FakeClock()
    api = Harness(Simulator(clock=clock, settings=SimulatorSettings(interval=None)), clock)
    cluster_id = api.create(
        create_body(
            nodeSize=start, rackAllocation={"numberOfRacks": racks, "nodesPerRack": per_rack}
        )
    )
    api.advance(30 + 120 + 30 + 80 * racks * per_rack + 1)
    details = parse_cluster_details(api.details(cluster_id))
    dc = details.data_centres[0].id
    client = validate_resize(details, dc, spec)
    response = api.post(f"{ROOT}/{cluster_id}/{dc}/resize", json=resize_to_json(spec))
    assert api.sim.app_errors == []
    return client, response.status_code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.sampled_from(STARTS),
    racks=st.integers(1, 3),
    per_rack=st.integers(1, 2),
    size=st.sampled_from(
        [*catalog.node_sizes("APACHE_CASSANDRA", "AWS_VPC"), "KFK-DEV-t4g.small-5", "x"]
    ),
    concurrent=st.integers(0, 3),
    notify=st.booleans(),
    purpose=st.sampled_from([None, "CASSANDRA", "KAFKA_BROKER", "GPU"]),
)
# Each side's verdict shown at least once: accepted, and refused for each rule.
@example("t3.small-v2", 3, 1, "t3.medium-v2", 1, False, None)  # accepted
@example("m5l-400-v2", 2, 2, "m5xl-800-v2", 2, True, "CASSANDRA")  # accepted
@example("CAS-DEV-t4g.medium-30", 3, 1, "CAS-DEV-t4g.small-5", 1, False, None)  # disk
@example("t3-small", 3, 1, "t3.medium-v2", 1, False, None)  # no family
@example("t3.small-v2", 3, 1, "t3.medium-v2", 2, False, None)  # concurrency
@example("t3.small-v2", 3, 1, "t3.medium-v2", 1, False, "KAFKA_BROKER")  # purpose
def test_both_sides_refuse_the_same_resizes(
    start: str,
    racks: int,
    per_rack: int,
    size: str,
    concurrent: int,
    notify: bool,
    purpose: Any,
) -> None:
    spec = ResizeSpec(size, concurrent, notify, purpose)
    client, status = verdicts(start, racks, per_rack, spec)
    assert status in (202, 400)
    assert (status == 202) == (client == {}), (start, spec, client, status)
