"""The Session's VPC peering and resize calls: refusals that never reach the API.

Round trips over HTTP are in ``tests/loopback/test_peering_resize.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

import insta_nb
from insta_nb import AwsVpcPeeringSpec, GcpVpcPeeringSpec, Session

AWS = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))
CLUSTER = "0b1c2d3e-0000-4000-8000-000000000001"


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTA_NB_STATE_DIR", str(tmp_path))


@pytest.fixture
def read_only() -> Iterator[Session]:
    session = insta_nb.connect(simulator=True, read_only=True, interval=0.01)
    yield session
    session.close()


def test_a_read_only_session_refuses_every_peering_and_resize_change_unsent(
    read_only: Session,
) -> None:
    calls = [
        lambda: read_only.sync.create_vpc_peering(CLUSTER, AWS),
        lambda: read_only.sync.delete_vpc_peering(CLUSTER, "p-1"),
        lambda: read_only.sync.resize_data_centre(CLUSTER, "t3.medium-v2"),
    ]
    for call in calls:
        with pytest.raises(insta_nb.ReadOnlyKeyError, match="nothing was sent"):
            call()
    assert read_only.simulator is not None
    assert read_only.simulator.log == []


def test_bad_arguments_are_refused_naming_the_field_unsent(read_only: Session) -> None:
    session = insta_nb.connect(simulator=True, interval=0.01)
    try:
        with pytest.raises(insta_nb.ValidationError) as caught:
            session.sync.create_vpc_peering(CLUSTER, AwsVpcPeeringSpec("vpc-x", "1"))
        assert set(caught.value.field_errors) == {"peerVpcId", "peerAccountId"}
        with pytest.raises(insta_nb.ValidationError) as caught:
            session.sync.resize_data_centre(CLUSTER, "", concurrent_resizes=0)
        assert set(caught.value.field_errors) == {"newNodeSize", "concurrentResizes"}
        with pytest.raises(insta_nb.ValidationError) as caught:
            session.sync.get_vpc_peering("../etc", "p-1")
        assert "clusterDataCentreId" in caught.value.field_errors
        assert session.simulator is not None
        assert session.simulator.log == []
    finally:
        session.close()


def test_checks_and_previews_need_no_request(read_only: Session) -> None:
    assert read_only.validate_vpc_peering(AWS) == {}
    assert "peerSubnets" in read_only.validate_vpc_peering(AWS, data_centre_network="10.1.0.0/20")
    assert read_only.preview_vpc_peering(GcpVpcPeeringSpec("my-project-1", "net")) == {
        "peerProjectId": "my-project-1",
        "peerVpcNetworkName": "net",
        "peerSubnets": [],
        "addNetworkToFirewallRules": False,
    }


def test_blocking_twins_keep_the_keyword_arguments(read_only: Session) -> None:
    assert "data_centre_id" in str(inspect.signature(read_only.sync.create_vpc_peering))
    assert "concurrent_resizes" in str(inspect.signature(read_only.sync.resize_data_centre))
    assert "until" in str(inspect.signature(read_only.sync.wait_for_vpc_peering))
