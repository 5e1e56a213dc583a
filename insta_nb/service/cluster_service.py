"""The cluster service: one session's view of one account, as jobs for the engine.

It composes small parts, one concern each: :mod:`.context` (shared state and the
inventory's reads), :mod:`.creates` (never duplicated), :mod:`.deletes`,
:mod:`.resources` (firewall rules, encryption keys) and :mod:`.watching` (the poller
and per-view watches). It speaks the :class:`~insta_nb.backend.Backend` seam only, and
runs on the engine's loop; views subscribe to :class:`~.events.ServiceEvent` and hop to
their own thread themselves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection

from insta_nb.backend import Backend, CreateSpec
from insta_nb.clock import Clock, SystemClock
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.engine import Engine, JobKind
from insta_nb.models import (
    ClusterDetails,
    ClusterStatus,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
)
from insta_nb.service.context import ServiceContext
from insta_nb.service.creates import Creates
from insta_nb.service.deletes import Deletes
from insta_nb.service.events import Listener, ServiceEvent
from insta_nb.service.inventory import ClusterRow, Inventory
from insta_nb.service.operations import Operation
from insta_nb.service.peerings import Peerings
from insta_nb.service.resizes import Resizes
from insta_nb.service.resources import EncryptionKeys, FirewallRules
from insta_nb.service.watching import Watch, Watcher

__all__ = ["ClusterService"]


class ClusterService:
    """Everything a user can do with clusters, paced through one engine."""

    def __init__(
        self,
        backend: Backend,
        engine: Engine,
        settings: ServiceSettings | None = None,
        *,
        pace: EngineSettings | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.ctx = ServiceContext(
            backend,
            engine,
            settings or ServiceSettings(),
            pace or engine.settings,
            clock or SystemClock(),
        )
        self.backend = backend
        self.engine = engine
        self._keys = EncryptionKeys(self.ctx)
        self._rules = FirewallRules(self.ctx)
        self._creates = Creates(self.ctx, engine.journal, lambda: self._keys.known_ids)
        self._deletes = Deletes(self.ctx, self._creates.forget)
        self._watcher = Watcher(self.ctx, rng or random.Random())
        #: VPC peerings and resizes: used through their own methods (session delegates).
        self.peerings = Peerings(self.ctx)
        self.resizes = Resizes(self.ctx)
        self._engine_unsubscribe = engine.subscribe(self._engine_changed)
        if engine.probe is None:
            engine.probe = backend.list_clusters

    def _engine_changed(self) -> None:
        self.ctx.emit(ServiceEvent(engine=True))

    # --- state ----------------------------------------------------------------------------

    @property
    def inventory(self) -> Inventory:
        return self.ctx.inventory

    @property
    def operations(self) -> list[Operation]:
        return self.ctx.operations

    @property
    def last_refresh(self) -> float | None:
        return self._watcher.last_refresh

    @property
    def last_refresh_error(self) -> str | None:
        return self._watcher.last_refresh_error

    def rows(self) -> list[ClusterRow]:
        return list(self.ctx.inventory)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on the engine loop after each change."""
        return self.ctx.bus.subscribe(listener)

    # --- reads ----------------------------------------------------------------------------

    async def list_clusters(
        self, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[ClusterSummary]:
        return await self.ctx.list_clusters(kind=kind, owner=owner)

    async def get_cluster(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> ClusterDetails:
        return await self.ctx.get_cluster(cluster_id, kind=kind, owner=owner)

    async def list_firewall_rules(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[FirewallRule]:
        return await self._rules.list(cluster_id, kind=kind, owner=owner)

    async def list_encryption_keys(self, *, owner: str | None = None) -> list[EncryptionKey]:
        return await self._keys.list(owner=owner)

    # --- mutations ------------------------------------------------------------------------

    async def create_cluster(
        self,
        spec: CreateSpec,
        *,
        force: bool = False,
        adopt: bool = False,
        owner: str | None = None,
    ) -> str:
        """Create a cluster and return its id; never creates it twice.

        Raises :class:`~insta_nb.errors.ValidationError` (nothing sent) for a spec that is
        known to be invalid, or a name that exists or that any process on the machine is
        creating (unless ``force``; ``adopt`` returns the existing cluster's id instead),
        and :class:`~insta_nb.errors.CreateNotConfirmedError` when the outcome stayed
        unknown and no cluster of that name appeared.
        """
        return await self._creates.create_cluster(spec, force=force, adopt=adopt, owner=owner)

    async def create_cluster_legacy(
        self,
        spec: LegacyClusterSpec,
        *,
        force: bool = False,
        adopt: bool = False,
        owner: str | None = None,
    ) -> str:
        """Create a cluster with the legacy request format."""
        return await self._creates.create_cluster_legacy(
            spec, force=force, adopt=adopt, owner=owner
        )

    async def delete_cluster(self, cluster_id: str, *, owner: str | None = None) -> None:
        """Delete exactly the cluster ``cluster_id``. Confirmation is the caller's job."""
        await self._deletes.delete_cluster(cluster_id, owner=owner)

    async def add_firewall_rule(
        self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None = None
    ) -> None:
        """Allow ``rule`` on the cluster; a retry that meets "already exists" succeeded."""
        await self._rules.add(cluster_id, rule, owner=owner)

    async def delete_firewall_rule(
        self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None = None
    ) -> None:
        """Remove ``rule``; a retry that meets "not found" succeeded."""
        await self._rules.remove(cluster_id, rule, owner=owner)

    async def add_encryption_key(self, alias: str, arn: str, *, owner: str | None = None) -> str:
        return await self._keys.add(alias, arn, owner=owner)

    async def delete_encryption_key(self, key_id: str, *, owner: str | None = None) -> None:
        await self._keys.delete(key_id, owner=owner)

    # --- watching -------------------------------------------------------------------------

    def watch(self, detail_ids: Collection[str] = (), period: float | None = None) -> Watch:
        """Keep the inventory fresh until the returned watch's ``stop()``."""
        return self._watcher.watch(detail_ids, period)

    def refresh_now(self) -> None:
        """Refresh at the next free slot instead of waiting for the period."""
        self._watcher.refresh_now()

    async def refresh_once(self) -> None:
        """One refresh now, as the poller makes it (tests and benchmarks)."""
        await self._watcher.refresh_once()

    @property
    def watches(self) -> list[Watch]:
        return self._watcher.watches

    async def wait_for_status(
        self,
        cluster_id: str,
        target: ClusterStatus = ClusterStatus.RUNNING,
        *,
        timeout: float = 2400.0,
        on_progress: Callable[[ClusterDetails], None] | None = None,
        owner: str | None = None,
        backoff: bool = False,
    ) -> ClusterDetails:
        """Poll one cluster until it reaches ``target``; FAILED or DEFERRED nodes end it.

        ``timeout`` defaults to the 40 minutes Instaclustr's Terraform provider allows.
        ``backoff`` stretches the period from the fast poll towards the steady one.
        """
        return await self._watcher.wait_for_status(
            cluster_id,
            target,
            timeout=timeout,
            on_progress=on_progress,
            owner=owner,
            backoff=backoff,
        )

    async def aclose(self) -> None:
        self._engine_unsubscribe()
        await self._watcher.aclose()
