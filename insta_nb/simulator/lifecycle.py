"""Clusters, data centres and nodes, with statuses computed lazily from the clock.

Nothing runs in the background: each record stores the clock times at which it moves
on (computed once, at creation, from the settings and the speed factor), and a status
is a few comparisons against ``now``. Reading is therefore cheap and deterministic.

A data centre goes GENESIS → PROVISIONING → PROVISIONED, then its nodes settle one by
one (RUNNING, or DEFERRED/FAILED when a fault says so). A cluster is as far along as
its least advanced original data centre; once those settled it is FAILED if a node
failed, else DEFERRED if one was deferred, else RUNNING, or JOINING while a data
centre added later is still on its way. A deleted cluster is DELETING, then DELETED.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from insta_nb.models import ClusterStatus
from insta_nb.simulator.plan import ClusterPlan, DataCentrePlan
from insta_nb.simulator.resizing import NodeResize, ResizeOp

__all__ = ["ClusterRec", "DataCentreRec", "FirewallEntry", "NodeRec"]

S = ClusterStatus
_UNSETTLED_RANK = {S.GENESIS: 0, S.PROVISIONING: 1, S.PROVISIONED: 2}


@dataclass
class NodeRec:
    """A node: where it lives and when it settles."""

    id: str
    rack: str
    size: str
    private_address: str
    public_address: str | None
    #: Clock time at which the node leaves PROVISIONED for ``final``.
    ready_at: float
    final: ClusterStatus = S.RUNNING
    spark_master: bool = False
    spark_jobserver: bool = False
    zeppelin: bool = False
    #: Resizes of this node, oldest first (see :mod:`.resizing`).
    resizes: list[NodeResize] = field(default_factory=list)

    def size_at(self, now: float) -> str:
        """The node's size: the last resize it came back from, else its original size."""
        done = [r.size for r in self.resizes if now >= r.back_at]
        return done[-1] if done else self.size

    def resizing(self, now: float) -> bool:
        """Out of service for a resize at ``now``."""
        return any(r.leaves_at <= now < r.back_at for r in self.resizes)


@dataclass
class DataCentreRec:
    """A cluster data centre and its lifecycle times."""

    id: str
    name: str
    plan: DataCentrePlan
    provisioning_at: float
    provisioned_at: float
    nodes: list[NodeRec]
    #: Added after the cluster was created (add-DC), not one of its original DCs.
    added: bool = False
    #: Resizes asked for, oldest first.
    resize_ops: list[ResizeOp] = field(default_factory=list)
    #: Sorted ``ready_at`` of the nodes that end RUNNING: running count by bisection.
    _running_at: list[float] = field(init=False, repr=False)
    _settled_at: float = field(init=False, repr=False)
    _final: ClusterStatus = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._running_at = sorted(n.ready_at for n in self.nodes if n.final is S.RUNNING)
        self._settled_at = max((n.ready_at for n in self.nodes), default=self.provisioned_at)
        finals = {n.final for n in self.nodes}
        self._final = (
            S.FAILED if S.FAILED in finals else S.DEFERRED if S.DEFERRED in finals else S.RUNNING
        )

    def status(self, now: float) -> ClusterStatus:
        """The data centre's own status (the cluster's deletion is applied by the caller)."""
        if now < self.provisioning_at:
            return S.GENESIS
        if now < self.provisioned_at:
            return S.PROVISIONING
        if now < self._settled_at:
            return S.PROVISIONED
        return self._final

    def node_status(self, node: NodeRec, now: float) -> ClusterStatus:
        """A node's status."""
        if now < self.provisioning_at:
            return S.GENESIS
        if now < self.provisioned_at:
            return S.PROVISIONING
        if now < node.ready_at:
            return S.PROVISIONED
        # A node being resized is replaced: it leaves RUNNING until it is back.
        return S.PROVISIONING if node.resizing(now) else node.final

    def running(self, now: float) -> int:
        """How many nodes are RUNNING at ``now``."""
        out = sum(1 for n in self.nodes if n.resizes and n.resizing(now)) if self.resize_ops else 0
        return bisect_right(self._running_at, now) - out

    def resize_target(self, now: float) -> str | None:
        """The size a running resize is taking the nodes to (``None``: no resize runs)."""
        active = [op for op in self.resize_ops if op.active(now)]
        return active[-1].target if active else None


@dataclass
class FirewallEntry:
    """The rule types opened to one network or security group."""

    kind: str
    target: str
    #: Rule type → clock time at which it turns RUNNING.
    rules: dict[str, float] = field(default_factory=dict)


@dataclass
class ClusterRec:
    """A cluster as the simulator stores it."""

    id: str
    plan: ClusterPlan
    created_at: float
    username: str
    password: str
    data_centres: list[DataCentreRec]
    deleted_at: float | None = None
    #: Clock time at which a deleted cluster turns DELETED.
    deleting_until: float | None = None
    #: Keyed by ``(kind, target)``.
    firewall: dict[tuple[str, str], FirewallEntry] = field(default_factory=dict)
    description: str | None = None
    two_factor_delete: bool = False

    @property
    def name(self) -> str:
        """The cluster's name."""
        return self.plan.name

    def deletion_status(self, now: float) -> ClusterStatus | None:
        """DELETING or DELETED for a deleted cluster, else ``None``."""
        if self.deleting_until is None:
            return None
        return S.DELETED if now >= self.deleting_until else S.DELETING

    def status(self, now: float) -> ClusterStatus:
        """The cluster's status (``clusterStatus`` / ``derivedStatus``)."""
        deletion = self.deletion_status(now)
        if deletion is not None:
            return deletion
        originals = [dc.status(now) for dc in self.data_centres if not dc.added]
        unsettled = [s for s in originals if s in _UNSETTLED_RANK]
        if unsettled:
            return min(unsettled, key=_UNSETTLED_RANK.__getitem__)
        if S.FAILED in originals:
            return S.FAILED
        if S.DEFERRED in originals:
            return S.DEFERRED
        if any(dc.status(now) in _UNSETTLED_RANK for dc in self.data_centres if dc.added):
            return S.JOINING
        return S.RUNNING

    def node_count(self) -> int:
        """Every node of every data centre."""
        return sum(len(dc.nodes) for dc in self.data_centres)

    def running_node_count(self, now: float) -> int:
        """Nodes RUNNING at ``now`` (none once the cluster is deleted)."""
        if self.deleted_at is not None:
            return 0
        return sum(dc.running(now) for dc in self.data_centres)
