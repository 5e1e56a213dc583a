"""The simulator's account: clusters, firewall rules and encryption keys.

All lookups by id are dictionary lookups. Listing walks only clusters not yet DELETED
(dropping the ones that became DELETED as it goes). Ids and passwords come from a
generator seeded by the settings, so a run is repeatable.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec, FirewallEntry, NodeRec
from insta_nb.simulator.networks import node_private_address
from insta_nb.simulator.plan import ClusterPlan, DataCentrePlan, FirewallPlan
from insta_nb.simulator.records import ClusterRecord
from insta_nb.simulator.settings import SimulatorSettings

__all__ = ["ClusterStore", "FinalStatuses", "KeyRec"]

#: Given a cluster name and a node count, the status each new node ends in (faults).
FinalStatuses = Callable[[str, int], list[ClusterStatus]]

#: Public addresses come from the documentation ranges: data that routes nowhere.
_PUBLIC_RANGES = ("192.0.2", "198.51.100", "203.0.113")
_USERNAMES = {"APACHE_CASSANDRA": "iccassandra"}


@dataclass(frozen=True)
class KeyRec:
    """A registered encryption key."""

    id: str
    alias: str
    arn: str
    provider: str


class ClusterStore:
    """Clusters and keys of the one simulated account."""

    def __init__(self, settings: SimulatorSettings, finals: FinalStatuses) -> None:
        self._settings = settings
        self._finals = finals
        self._rng = random.Random(f"insta_nb.simulator.ids:{settings.seed}")
        self._clusters: dict[str, ClusterRec] = {}
        #: Clusters not yet seen DELETED, in creation order.
        self._listed: dict[str, ClusterRec] = {}
        self._public = 0
        self.keys: dict[str, KeyRec] = {}
        #: Cluster data centre id → its cluster and itself (peerings and resizes use it).
        self._data_centres: dict[str, tuple[ClusterRec, DataCentreRec]] = {}

    def __len__(self) -> int:
        """How many clusters were ever created."""
        return len(self._clusters)

    # --- ids and addresses -----------------------------------------------------------

    def new_id(self) -> str:
        """A random (seeded) UUID4 string."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _public_address(self) -> str:
        index, self._public = self._public, self._public + 1
        block, host = divmod(index % (253 * len(_PUBLIC_RANGES)), 253)
        return f"{_PUBLIC_RANGES[block]}.{host + 1}"

    # --- clusters --------------------------------------------------------------------

    def _data_centre(
        self, plan: DataCentrePlan, cluster: ClusterPlan, start: float, *, added: bool
    ) -> DataCentreRec:
        s = self._settings
        provisioning_at = start + s.scaled(s.genesis_seconds)
        provisioned_at = provisioning_at + s.scaled(s.provisioning_seconds)
        first = provisioned_at + s.scaled(s.provisioned_seconds)
        finals = self._finals(cluster.name, len(plan.nodes))
        addons = {b.name for b in cluster.bundles[1:]}
        nodes = [
            NodeRec(
                id=self.new_id(),
                rack=node.rack,
                size=node.size,
                private_address=node_private_address(plan.network, i),
                public_address=None if plan.private_ip_only else self._public_address(),
                ready_at=first + s.scaled(s.node_seconds) * (i + 1),
                final=finals[i],
                spark_master="SPARK" in addons and i == 0,
                spark_jobserver="SPARK" in addons and i == min(1, len(plan.nodes) - 1),
                zeppelin="ZEPPELIN" in addons and i == 0,
            )
            for i, node in enumerate(plan.nodes)
        ]
        name = plan.name or f"{plan.provider}_{plan.region}"
        return DataCentreRec(
            self.new_id(), name, plan, provisioning_at, provisioned_at, nodes, added
        )

    def create(self, plan: ClusterPlan, now: float) -> ClusterRec:
        """Store a new cluster; its lifecycle starts at ``now``."""
        cluster_id = self.new_id()
        main = plan.main_bundle.name
        cluster = ClusterRec(
            id=cluster_id,
            plan=plan,
            created_at=now,
            username=_USERNAMES.get(main, "ic" + main.lower().replace("_", "")),
            password=f"{self._rng.getrandbits(64):016x}",
            data_centres=[
                self._data_centre(dc, plan, now, added=False) for dc in plan.data_centres
            ],
            two_factor_delete=plan.two_factor_delete,
        )
        for rule in plan.firewall_rules:
            self.add_rule(cluster, rule, now)
        self._clusters[cluster_id] = cluster
        self._data_centres.update((dc.id, (cluster, dc)) for dc in cluster.data_centres)
        self._listed[cluster_id] = cluster
        return cluster

    def add_data_centre(
        self, cluster: ClusterRec, plan: DataCentrePlan, now: float
    ) -> DataCentreRec:
        """Add a data centre to an existing cluster; it provisions from ``now``."""
        dc = self._data_centre(plan, cluster.plan, now, added=True)
        cluster.data_centres.append(dc)
        self._data_centres[dc.id] = (cluster, dc)
        return dc

    def data_centre(self, cdc_id: str, now: float) -> tuple[ClusterRec, DataCentreRec] | None:
        """A cluster data centre by id, with its cluster; ``None`` when its cluster is gone."""
        found = self._data_centres.get(cdc_id)
        if found is None or self.get(found[0].id, now) is None:
            return None
        return found

    def get(self, cluster_id: str, now: float) -> ClusterRec | None:
        """A cluster by id; ``None`` when unknown or DELETED longer than the retention."""
        cluster = self._clusters.get(cluster_id)
        if cluster is None or cluster.deleting_until is None:
            return cluster
        retention = self._settings.scaled(self._settings.deleted_retention)
        return cluster if now < cluster.deleting_until + retention else None

    def listed(self, now: float) -> Iterator[tuple[ClusterRec, ClusterStatus]]:
        """Clusters the list endpoint shows (not DELETED), with their status at ``now``."""
        for cluster in list(self._listed.values()):
            status = cluster.status(now)
            if status is ClusterStatus.DELETED:
                del self._listed[cluster.id]
            else:
                yield cluster, status

    def delete(self, cluster: ClusterRec, now: float) -> None:
        """Mark a cluster for deletion: DELETING from ``now``."""
        cluster.deleted_at = now
        cluster.deleting_until = now + self._settings.scaled(self._settings.deleting_seconds)

    def records(self, now: float) -> list[ClusterRecord]:
        """Every cluster ever created, in creation order."""
        return [
            ClusterRecord(c.id, c.name, c.created_at, c.deleted_at, c.status(now))
            for c in self._clusters.values()
        ]

    # --- firewall rules --------------------------------------------------------------

    def _ready(self, now: float) -> float:
        return now + self._settings.scaled(self._settings.firewall_rule_seconds)

    def add_rule(self, cluster: ClusterRec, rule: FirewallPlan, now: float) -> bool:
        """Open the rule's types to its target; ``False`` when every type was open already."""
        entry = cluster.firewall.get((rule.kind, rule.target))
        new = [t for t in rule.rule_types if entry is None or t not in entry.rules]
        if not new:
            return False
        if entry is None:
            entry = cluster.firewall[(rule.kind, rule.target)] = FirewallEntry(
                rule.kind, rule.target
            )
        ready = self._ready(now)
        entry.rules.update(dict.fromkeys(new, ready))
        return True

    def put_rule(self, cluster: ClusterRec, rule: FirewallPlan, now: float) -> None:
        """Make the target's open types exactly the rule's (kept types keep their status)."""
        old = cluster.firewall.pop((rule.kind, rule.target), None)
        kept = old.rules if old else {}
        ready = self._ready(now)
        rules = {t: kept.get(t, ready) for t in rule.rule_types}
        cluster.firewall[(rule.kind, rule.target)] = FirewallEntry(rule.kind, rule.target, rules)

    def delete_rule(self, cluster: ClusterRec, rule: FirewallPlan) -> bool:
        """Close the rule's types (all when it lists none); ``False`` when none were open."""
        entry = cluster.firewall.get((rule.kind, rule.target))
        if entry is None:
            return False
        closing = [t for t in (rule.rule_types or tuple(entry.rules)) if t in entry.rules]
        if not closing:
            return False
        for kind in closing:
            del entry.rules[kind]
        if not entry.rules:
            del cluster.firewall[(rule.kind, rule.target)]
        return True

    # --- encryption keys -------------------------------------------------------------

    def add_key(self, alias: str, arn: str, provider: str) -> KeyRec:
        """Register an encryption key."""
        key = KeyRec(self.new_id(), alias, arn, provider)
        self.keys[key.id] = key
        return key

    def delete_key(self, key_id: str, now: float) -> Literal["deleted", "missing", "in_use"]:
        """Remove a key unless a cluster that is not DELETED still uses it."""
        if key_id not in self.keys:
            return "missing"
        for cluster in self._clusters.values():
            uses = any(dc.plan.encryption_key_id == key_id for dc in cluster.data_centres)
            if uses and cluster.status(now) is not ClusterStatus.DELETED:
                return "in_use"
        del self.keys[key_id]
        return "deleted"
