"""What every v2 route holds: the shared core (store, clock, settings) and v2's registry."""

from __future__ import annotations

from insta_nb.models import ClusterStatus
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.lifecycle import ClusterRec
from insta_nb.simulator.v2.build import v2_facts_of_v1
from insta_nb.simulator.v2.registry import V2Cluster, V2Registry

__all__ = ["V2Context"]


class V2Context:
    """The shared store seen through v2."""

    def __init__(self, core: SimulatorCore) -> None:
        self.core = core
        self.store = core.store
        self.registry = V2Registry(core.settings.username)

    def now(self) -> float:
        """``clock.monotonic()``."""
        return self.core.now()

    def wall(self) -> float:
        """``clock.time()``, for timestamps in bodies."""
        return self.core.clock.time()

    def scaled(self, seconds: float) -> float:
        """Lifecycle seconds at the simulator's speed."""
        return self.core.settings.scaled(seconds)

    def facts(self, cluster: ClusterRec, now: float) -> V2Cluster | None:
        """v2 facts of a stored cluster; built afresh for a v1-created one, so that a
        data centre added through v1 shows at once (``None``: no v2 product here)."""
        return self.registry.clusters.get(cluster.id) or v2_facts_of_v1(cluster, now)

    def active(self, cluster_id: str, now: float) -> ClusterRec | None:
        """A cluster that is not DELETED (DELETING ones included)."""
        cluster = self.store.get(cluster_id, now)
        if cluster is None or cluster.status(now) is ClusterStatus.DELETED:
            return None
        return cluster
