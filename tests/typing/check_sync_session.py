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
