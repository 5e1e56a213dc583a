"""What v2 adds to the one account store: per-cluster v2 facts and firewall rules.

Clusters themselves live in :class:`~insta_nb.simulator.state.ClusterStore`, shared
with v1 (one id space [C OP], facts §11); this registry only holds what v1 has no
place for: the v2 request echo, node roles, and firewall rules as resources with ids
(peerings and resizes live in the shared store, as v1 serves them too).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RuleRec", "V2Cluster", "V2Registry"]


@dataclass
class V2Cluster:
    """v2 facts about a cluster of the shared store."""

    app: str
    #: The normalised request body: what GET echoes.
    echo: dict[str, Any]
    #: Node id → roles (``nodeRoles``).
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class RuleRec:
    """A network firewall rule as a v2 resource."""

    id: str
    cluster_id: str
    network: str
    type: str
    ready_at: float
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
