"""What v2 adds to the one account store: per-cluster v2 facts, firewall rules, peers.

Clusters themselves live in :class:`~insta_nb.simulator.state.ClusterStore`, shared
with v1 (one id space [C OP], facts §11); this registry only holds what v1 has no
place for: the v2 request echo, node roles, resize operations, firewall rules as
resources with ids, and AWS VPC peers.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PeerRec", "ResizeOp", "RuleRec", "V2Cluster", "V2Registry"]


@dataclass
class ResizeOp:
    """A rolling node-size change of one data centre: ``concurrency`` nodes at a time."""

    id: str
    cdc_id: str
    started_at: float
    #: Clock seconds each round of nodes takes.
    step: float
    concurrency: int
    new_size: str
    #: The nodes to resize, in the order they are replaced.
    node_ids: tuple[str, ...]
    old_sizes: dict[str, str]

    def node_done_at(self, node_id: str) -> float:
        """When ``node_id`` runs at the new size."""
        index = self.node_ids.index(node_id)
        return self.started_at + self.step * (index // self.concurrency + 1)

    @property
    def finished_at(self) -> float:
        """When the last node runs at the new size."""
        rounds = math.ceil(len(self.node_ids) / self.concurrency)
        return self.started_at + self.step * rounds

    def size_at(self, node_id: str, now: float) -> str | None:
        """The node's size at ``now`` (``None``: not part of this resize)."""
        if node_id not in self.old_sizes:
            return None
        return self.new_size if now >= self.node_done_at(node_id) else self.old_sizes[node_id]


@dataclass
class V2Cluster:
    """v2 facts about a cluster of the shared store."""

    app: str
    #: The normalised request body: what GET echoes.
    echo: dict[str, Any]
    #: Node id → roles (``nodeRoles``).
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    resizes: list[ResizeOp] = field(default_factory=list)

    def resizing(self, now: float) -> bool:
        """Whether a resize is still rolling at ``now``."""
        return any(now < op.finished_at for op in self.resizes)

    def node_size(self, node_id: str, created_size: str, now: float) -> str:
        """A node's size at ``now``, after every resize so far."""
        size = created_size
        for op in self.resizes:
            size = op.size_at(node_id, now) or size
        return size


@dataclass
class RuleRec:
    """A network firewall rule as a v2 resource."""

    id: str
    cluster_id: str
    network: str
    type: str
    ready_at: float
    deleted_at: float | None = None


@dataclass
class PeerRec:
    """An AWS VPC peering request."""

    id: str
    cdc_id: str
    cluster_id: str
    peer_account_id: str
    peer_vpc_id: str
    peer_subnets: list[str]
    peer_region: str
    data_centre_vpc_id: str
    pending_at: float
    deleted_at: float | None = None


class V2Registry:
    """v2's additions to one simulated account."""

    def __init__(self, username: str) -> None:
        #: The account's id in lists; derived from the username, so no seeded id is
        #: consumed and v1 ids stay what they were.
        self.account_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"insta-nb-simulator:{username}"))
        self.clusters: dict[str, V2Cluster] = {}
        self.rules: dict[str, RuleRec] = {}
        #: ``(cluster id, network, type)`` → id of the rule open now (v1-opened included).
        self.open_rules: dict[tuple[str, str, str], str] = {}
        self.peers: dict[str, PeerRec] = {}
