"""Checked by mypy --strict in scripts/test (never run): the blocking twins are typed."""

from __future__ import annotations

from typing import assert_type

import insta_nb
from insta_nb import ClusterDetails, ClusterSpec, ClusterSummary


def typed(session: insta_nb.Session, spec: ClusterSpec) -> None:
    assert_type(session.sync.create_cluster(spec), str)
    assert_type(session.sync.create_cluster(spec, force=True, adopt=False), str)
    assert_type(session.sync.list_clusters(), list[ClusterSummary])
    assert_type(session.sync.get_cluster("id"), ClusterDetails)
    assert_type(session.sync.delete_cluster("id"), None)
    session.sync.create_cluster(spec, forse=True)  # type: ignore[call-arg]
    session.sync.get_cluster(42)  # type: ignore[arg-type]


def typed_peering_and_resize(session: insta_nb.Session, peer: insta_nb.VpcPeeringSpec) -> None:
    assert_type(session.sync.create_vpc_peering("c", peer, data_centre_id="d"), str)
    assert_type(session.sync.list_vpc_peerings("c"), list[insta_nb.VpcPeering])
    assert_type(session.sync.get_vpc_peering("d", "p"), insta_nb.VpcPeering)
    assert_type(session.sync.delete_vpc_peering("d", "p"), None)
    waited = session.sync.wait_for_vpc_peering("d", "p", until={insta_nb.PeeringStatus.ACTIVE})
    assert_type(waited, insta_nb.VpcPeering)
    assert_type(session.sync.resize_data_centre("c", "t3.medium-v2", concurrent_resizes=2), None)
    assert_type(session.sync.resize_sizes("c"), list[str])
    session.sync.resize_data_centre("c", "size", concurrency=2)  # type: ignore[call-arg]
    session.sync.create_vpc_peering("c", "vpc-1")  # type: ignore[arg-type]
