"""The cluster inventory: what we know about each cluster, kept by id.

Rows are frozen values with a ``version`` that grows whenever the row changes, so a
view can send updates for changed rows only. Fed by list calls (every cluster's
status in one request) and by status calls (details: provider, region, nodes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from insta_nb.models import ClusterDetails, ClusterStatus, ClusterSummary, FirewallRule
from insta_nb.peering import VpcPeering

__all__ = ["ClusterRow", "Inventory"]


@dataclass(frozen=True)
class ClusterRow:
    """One cluster as the views show it."""

    id: str
    name: str
    status: ClusterStatus
    node_count: int = 0
    running_node_count: int = 0
    provider: str | None = None
    region: str | None = None
    node_size: str | None = None
    sla_tier: str | None = None
    #: Wall time the cluster was created by us, or first seen.
    since: float | None = None
    details: ClusterDetails | None = None
    firewall_rules: tuple[FirewallRule, ...] | None = None
    #: The VPC peerings of every data centre, as last read (``None``: never read).
    vpc_peerings: tuple[VpcPeering, ...] | None = None
    #: A local action in progress: "deleting", "creating", "reconciling", "resizing".
    pending: str | None = None
    #: The last error of an action on this row, in the API's words.
    error: str | None = None
    version: int = 0

    @property
    def progress(self) -> float:
        """Share of nodes RUNNING (0 when unknown)."""
        return self.running_node_count / self.node_count if self.node_count else 0.0


class Inventory:
    """Rows by id; every change bumps the row's version and is reported as changed ids."""

    def __init__(self) -> None:
        self._rows: dict[str, ClusterRow] = {}
        self.listed_at: float | None = None

    def __iter__(self) -> Iterator[ClusterRow]:
        return iter(list(self._rows.values()))

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, cluster_id: str) -> ClusterRow | None:
        return self._rows.get(cluster_id)

    def by_name(self, name: str) -> list[ClusterRow]:
        return [r for r in self._rows.values() if r.name == name]

    def put(self, row: ClusterRow) -> bool:
        """Store ``row`` if it differs from what we have; True when it changed."""
        old = self._rows.get(row.id)
        if old is not None and replace(row, version=old.version) == old:
            return False
        self._rows[row.id] = replace(row, version=(old.version + 1) if old else 1)
        return True

    def update(self, cluster_id: str, **changes: object) -> bool:
        old = self._rows.get(cluster_id)
        if old is None:
            return False
        return self.put(replace(old, **changes))  # type: ignore[arg-type]

    def remove(self, cluster_id: str) -> bool:
        return self._rows.pop(cluster_id, None) is not None

    def apply_list(self, summaries: Iterable[ClusterSummary], now: float) -> set[str]:
        """Merge a full list response; clusters missing from it are gone. Returns changed ids."""
        changed: set[str] = set()
        seen: set[str] = set()
        for s in summaries:
            seen.add(s.id)
            old = self._rows.get(s.id)
            base = old or ClusterRow(id=s.id, name=s.name, status=s.status, since=now)
            row = replace(
                base,
                name=s.name,
                status=s.status,
                node_count=s.node_count,
                running_node_count=s.running_node_count,
                sla_tier=s.sla_tier or base.sla_tier,
                pending=_pending_after(base.pending, s.status),
            )
            if self.put(row):
                changed.add(s.id)
        for gone in [i for i, r in self._rows.items() if i not in seen and r.pending != "creating"]:
            self.remove(gone)
            changed.add(gone)
        self.listed_at = now
        return changed

    def apply_details(self, d: ClusterDetails, now: float) -> bool:
        old = self._rows.get(d.id)
        base = old or ClusterRow(id=d.id, name=d.name or d.id, status=d.status, since=now)
        first_dc = d.data_centres[0] if d.data_centres else None
        sizes = [n.size for n in d.nodes if n.size]
        row = replace(
            base,
            name=d.name or base.name,
            status=d.status,
            node_count=d.node_count or base.node_count,
            running_node_count=d.running_node_count,
            provider=(first_dc.provider if first_dc else None) or base.provider,
            region=(first_dc.region if first_dc else None) or base.region,
            node_size=sizes[0] if sizes else base.node_size,
            sla_tier=d.sla_tier or base.sla_tier,
            details=d,
            pending=_pending_after(base.pending, d.status, resizing=_resizing(d)),
        )
        return self.put(row)


def _resizing(d: ClusterDetails) -> bool:
    return any(dc.resizing for dc in d.data_centres)


def _pending_after(
    pending: str | None, status: ClusterStatus, *, resizing: bool | None = None
) -> str | None:
    # A local "deleting" mark lasts until the API itself reports the deletion.
    if pending == "deleting" and status in (ClusterStatus.DELETING, ClusterStatus.DELETED):
        return None
    if pending == "creating":
        return None
    # A resize lasts until the API's details show no data centre resizing any more.
    if pending == "resizing" and resizing is False:
        return None
    return pending
