"""The cluster service: the inventory, watching policy, create reconciliation and
every user action, as jobs for the engine. No ipywidgets, no pandas.

Runs on the engine's loop. Views subscribe to :class:`ServiceEvent` and must hop
to their own thread themselves (the service calls listeners on the engine loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from insta_nb import errors, validation
from insta_nb.clock import Clock, SystemClock
from insta_nb.config import ServiceSettings
from insta_nb.engine import Engine, JobKind, Request
from insta_nb.models import (
    ClusterDetails,
    ClusterSpec,
    ClusterStatus,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
)
from insta_nb.service.inventory import ClusterRow, Inventory
from insta_nb.service.operations import Operation, OperationState
from insta_nb.wire_v1 import check_path_id

if TYPE_CHECKING:
    from insta_nb.client import ApiClient

__all__ = ["ClusterService", "ServiceEvent"]

log = logging.getLogger("insta_nb.service")
#: A create answered 503 and proven absent is sent again at most this many times in all.
_MAX_REFUSED_CREATES = 5
#: Owner of background refreshes, so they can be cancelled when nobody watches.
POLLER_OWNER = "insta_nb:poller"
T = TypeVar("T")


@dataclass(frozen=True)
class ServiceEvent:
    """Something views may want to redraw."""

    #: Ids of rows that were added, changed or removed.
    rows: frozenset[str] = frozenset()
    operation: Operation | None = None
    #: The last refresh failed with this message (``None``: it worked).
    poll_error: str | None = None
    #: The engine's queue or pacing state changed.
    engine: bool = False


Listener = Callable[[ServiceEvent], None]


@dataclass
class _Watch:
    detail_ids: set[str] = field(default_factory=set)


class ClusterService:
    """Everything a user can do with clusters, paced through one engine."""

    def __init__(
        self,
        client: ApiClient,
        engine: Engine,
        settings: ServiceSettings | None = None,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.engine = engine
        self.settings = settings or ServiceSettings()
        self.clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self.inventory = Inventory()
        self.operations: list[Operation] = []
        self._listeners: list[Listener] = []
        self._watches: list[_Watch] = []
        self._poller: asyncio.Task[None] | None = None
        self._poke: asyncio.Event | None = None
        self._fast_until = float("-inf")
        self.paused = False
        #: User-chosen steady refresh period (``None``: the settings' default).
        self.refresh_interval: float | None = None
        self.last_refresh: float | None = None
        self.last_refresh_error: str | None = None
        self._known_key_ids: set[str] | None = None
        self._unconfirmed: dict[str, Operation] = {}
        #: Names with a create in progress (counts: ``force`` allows several).
        self._creating: dict[str, int] = {}
        #: Cluster ids that a create of ours adopted: never adopted twice.
        self._adopted: set[str] = set()
        self._engine_unsubscribe = engine.subscribe(lambda: self._emit(ServiceEvent(engine=True)))
        if engine.probe is None:
            engine.probe = client.list_clusters

    # --- events -----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on the engine loop after each change."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: ServiceEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # one broken view must not break the others
                log.exception("service listener failed")

    def _rows_changed(self, ids: Collection[str]) -> None:
        if ids:
            self._emit(ServiceEvent(rows=frozenset(ids)))

    def _op_changed(self, op: Operation) -> None:
        self._emit(ServiceEvent(operation=op))

    # --- reads ------------------------------------------------------------------------------

    async def _run(
        self,
        call: Callable[[], Awaitable[T]],
        kind: JobKind,
        label: str,
        *,
        owner: str | None = None,
        key: Any = None,
        idempotent: bool = True,
        **flags: Any,
    ) -> T:
        request = Request(
            call=call, kind=kind, label=label, idempotent=idempotent, key=key, owner=owner, **flags
        )
        result: T = await self.engine.run(request)
        return result

    async def list_clusters(
        self, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[ClusterSummary]:
        """Every cluster of the account (an empty list when there are none)."""
        summaries = await self._run(
            self.client.list_clusters, kind, "GET /provisioning/v1", owner=owner, key=("list",)
        )
        changed = self.inventory.apply_list(summaries, self.clock.time())
        self._adopt_late_arrivals(summaries)
        self._rows_changed(changed)
        return summaries

    async def get_cluster(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> ClusterDetails:
        """One cluster's status with its data centres and nodes."""
        check_path_id(cluster_id)  # refused before it takes a slot
        details = await self._run(
            lambda: self.client.get_cluster(cluster_id),
            kind,
            f"GET /provisioning/v1/{cluster_id}",
            owner=owner,
            key=("get", cluster_id),
        )
        if self.inventory.apply_details(details, self.clock.time()):
            self._rows_changed({cluster_id})
        return details

    async def list_firewall_rules(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[FirewallRule]:
        check_path_id(cluster_id)  # refused before it takes a slot
        rules = await self._run(
            lambda: self.client.list_firewall_rules(cluster_id),
            kind,
            f"GET …/{cluster_id}/firewallRules",
            owner=owner,
            key=("rules", cluster_id),
        )
        if self.inventory.update(cluster_id, firewall_rules=tuple(rules)):
            self._rows_changed({cluster_id})
        return rules

    async def list_encryption_keys(self, *, owner: str | None = None) -> list[EncryptionKey]:
        try:
            keys = await self._run(
                self.client.list_encryption_keys,
                JobKind.READ,
                "GET /provisioning/v1/encryption-keys",
                owner=owner,
                key=("keys",),
            )
        except errors.NotFoundError:
            keys = []  # the reference does not say how an account with no keys answers
        self._known_key_ids = {k.id for k in keys}
        return keys

    # --- mutations --------------------------------------------------------------------------

    def _refuse_if_read_only(self, action: str) -> None:
        if self.client.read_only:
            raise errors.ReadOnlyKeyError(
                f"cannot {action}: the configured API key is read-only (nothing was sent)"
            )

    def _start(self, action: str, target: str, owner: str | None) -> Operation:
        op = Operation(action=action, target=target, owner=owner)
        self.operations.append(op)
        del self.operations[:-200]  # keep a bounded history
        self._op_changed(op)
        return op

    def _finish(
        self,
        op: Operation,
        state: OperationState,
        message: str | None = None,
        error: errors.InstaError | None = None,
    ) -> None:
        op.state = state
        op.message = message
        if isinstance(error, errors.APIError | errors.ValidationError):
            op.field_errors = error.field_errors
        self._op_changed(op)

    async def create_cluster(
        self, spec: ClusterSpec, *, force: bool = False, owner: str | None = None
    ) -> str:
        """Create a cluster and return its id; never creates it twice.

        Raises :class:`~insta_nb.errors.ValidationError` (nothing sent) for a spec that is
        known to be invalid or a name that already exists or is being created (unless
        ``force``), and :class:`~insta_nb.errors.CreateNotConfirmedError` when the outcome
        stayed unknown and no cluster of that name appeared.
        """
        self._refuse_if_read_only("create a cluster")
        validation.check_spec(spec, encryption_key_ids=self._known_key_ids)
        return await self._create(
            spec.cluster_name,
            force,
            owner,
            lambda: self.client.create_cluster(spec),
            self._placeholder(spec),
        )

    async def create_cluster_legacy(
        self, spec: LegacyClusterSpec, *, owner: str | None = None
    ) -> str:
        """Create a cluster with the legacy request format."""
        self._refuse_if_read_only("create a cluster")
        validation.check_legacy_spec(spec)
        row = ClusterRow(
            id="",
            name=spec.cluster_name,
            status=ClusterStatus.GENESIS,
            provider=spec.provider,
            region=spec.data_centre,
            node_size=spec.size,
        )
        return await self._create(
            spec.cluster_name, False, owner, lambda: self.client.create_cluster_legacy(spec), row
        )

    async def _create(
        self,
        name: str,
        force: bool,
        owner: str | None,
        call: Callable[[], Awaitable[str]],
        row: ClusterRow,
    ) -> str:
        if self._creating.get(name) and not force:
            raise errors.ValidationError(
                {"clusterName": f"a create of {name!r} is already in progress"}
            )
        op = self._start("create", name, owner)
        self._creating[name] = self._creating.get(name, 0) + 1
        task: asyncio.Task[str] | None = None
        try:
            before = await self._existing_ids(name, owner)
            if before and not force:
                raise errors.ValidationError(
                    {"clusterName": f"a cluster named {name!r} already exists"}
                )
            # The send runs in its own task: if the caller goes away (a cell interrupted,
            # a widget closed) after the create was sent, it still finishes and reports.
            task = asyncio.ensure_future(self._send_create(op, name, before, call, row))
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task is not None and op.state is OperationState.QUEUED:
                task.cancel()  # never sent: drop it
                self._finish(op, OperationState.CANCELLED, "cancelled before it was sent")
            raise
        except errors.JobCancelledError as exc:
            self._finish(op, OperationState.CANCELLED, exc.message)
            raise
        except errors.InstaError as exc:
            if not op.state.finished:
                self._finish(op, OperationState.FAILED, str(exc.message), exc)
            raise
        finally:
            if task is None:
                self._done_creating(name)

    def _done_creating(self, name: str) -> None:
        left = self._creating.get(name, 0) - 1
        if left > 0:
            self._creating[name] = left
        else:
            self._creating.pop(name, None)

    def _placeholder(self, spec: ClusterSpec) -> ClusterRow:
        racks = spec.rack_allocation
        return ClusterRow(
            id="",
            name=spec.cluster_name,
            status=ClusterStatus.GENESIS,
            node_count=racks.node_count if racks else 0,
            provider=spec.provider.name,
            region=spec.data_centre,
            node_size=spec.node_size,
            sla_tier=spec.sla_tier,
        )

    async def _existing_ids(self, name: str, owner: str | None) -> set[str]:
        listed = self.inventory.listed_at
        if listed is None or self.clock.time() - listed > self.settings.fresh_for:
            await self.list_clusters(owner=owner)
        return {r.id for r in self.inventory.by_name(name)}

    async def _send_create(
        self,
        op: Operation,
        name: str,
        before: set[str],
        call: Callable[[], Awaitable[str]],
        row: ClusterRow,
    ) -> str:
        def sent() -> None:
            op.state = OperationState.SENT
            self._op_changed(op)

        try:
            for _ in range(_MAX_REFUSED_CREATES):
                try:
                    cluster_id = await self._run(
                        call,
                        JobKind.MUTATION,
                        f"POST create {name}",
                        owner=op.owner,
                        idempotent=False,
                        on_send=sent,
                    )
                except errors.InstaError as exc:
                    if not exc.ambiguous:
                        raise
                    log.warning("create of %r: outcome unknown (%s); reconciling", name, exc)
                    refused = isinstance(exc, errors.ServerError) and exc.status == 503
                    found = await self._reconcile(op, name, before, refused=refused)
                    if found is None:
                        # A 503 and a list that shows no such cluster: the API refused the
                        # work, so sending again is informed, not blind.
                        op.state = OperationState.QUEUED
                        self._op_changed(op)
                        continue
                    cluster_id = found
                self._adopt(op, cluster_id, row)
                return cluster_id
            raise errors.CreateNotConfirmedError(
                name, f"the API kept refusing the create of {name!r} (503)"
            )
        finally:
            self._done_creating(name)

    async def _reconcile(
        self, op: Operation, name: str, before: set[str], *, refused: bool
    ) -> str | None:
        """Look for the cluster by name; ``None`` when a refused create is proven absent."""
        op.state = OperationState.RECONCILING
        self._op_changed(op)
        start = self.clock.monotonic()
        end = start + self.settings.reconcile_window
        # Without one successful list nothing is proven; wait out an outage, within reason.
        give_up = end + self.engine.settings.outage_queue_limit
        listed = False
        while True:
            try:
                summaries = await self.list_clusters(owner=op.owner)
                listed = True
            except errors.InstaError as exc:
                log.info("reconciling %r: list failed (%s)", name, exc)
                summaries = []
            taken = before | self._adopted
            match = [s.id for s in summaries if s.name == name and s.id not in taken]
            if match:
                return match[0]
            if refused and listed:
                return None
            now = self.clock.monotonic()
            if listed and now >= end:
                self._unconfirmed[name] = op
                self._finish(
                    op,
                    OperationState.NOT_CREATED,
                    "no cluster of that name appeared: it was not created",
                )
                raise errors.CreateNotConfirmedError(name)
            if now >= give_up:
                self._unconfirmed[name] = op
                self._finish(
                    op,
                    OperationState.FAILED,
                    "outcome unknown: the API could not be reached to check; "
                    "the cluster is adopted if it appears later",
                )
                raise errors.CreateNotConfirmedError(
                    name, f"could not confirm whether {name!r} was created"
                )
            await self.clock.sleep(self.settings.reconcile_every)

    def _adopt(self, op: Operation, cluster_id: str, row: ClusterRow) -> None:
        op.cluster_id = cluster_id
        self._adopted.add(cluster_id)
        existing = self.inventory.get(cluster_id)
        if existing is None:
            self.inventory.put(
                replace(row, id=cluster_id, since=self.clock.time(), pending="creating")
            )
            self._rows_changed({cluster_id})
        self._finish(op, OperationState.DONE, "created")
        self._fast_until = self.clock.monotonic() + self.settings.fast_after_mutation
        self._wake_poller()

    def _adopt_late_arrivals(self, summaries: list[ClusterSummary]) -> None:
        # A create reported "not created" whose cluster shows up later is still adopted.
        for s in summaries:
            if s.id in self._adopted or s.name not in self._unconfirmed:
                continue
            op = self._unconfirmed.pop(s.name)
            if op is not None:
                self._adopted.add(s.id)
                op.cluster_id = s.id
                self._finish(op, OperationState.DONE, "created (found after reconciliation)")

    async def delete_cluster(self, cluster_id: str, *, owner: str | None = None) -> None:
        """Delete exactly the cluster ``cluster_id``. Confirmation is the caller's job."""
        check_path_id(cluster_id)  # refused before it takes a slot
        self._refuse_if_read_only("delete a cluster")
        row = self.inventory.get(cluster_id)
        op = self._start("delete", row.name if row else cluster_id, owner)
        op.cluster_id = cluster_id
        if self.inventory.update(cluster_id, pending="deleting", error=None):
            self._rows_changed({cluster_id})
        try:
            op.state = OperationState.SENT
            await self._send_delete(cluster_id, row, owner)
        except errors.InstaError as exc:
            if self.inventory.update(cluster_id, pending=None, error=exc.message):
                self._rows_changed({cluster_id})
            self._finish(op, OperationState.FAILED, exc.message, exc)
            raise
        if self.inventory.update(cluster_id, status=ClusterStatus.DELETING, pending=None):
            self._rows_changed({cluster_id})
        self._finish(op, OperationState.DONE, "marked for deletion")
        self._fast_until = self.clock.monotonic() + self.settings.fast_after_mutation
        self._wake_poller()

    async def _send_delete(
        self, cluster_id: str, row: ClusterRow | None, owner: str | None
    ) -> None:
        label = f"DELETE {row.name if row else cluster_id}"
        try:
            await self._run(
                lambda: self.client.delete_cluster(cluster_id),
                JobKind.MUTATION,
                label,
                owner=owner,
                idempotent=True,
                not_found_after_retry_ok=True,
            )
        except errors.ConflictError:
            # 409 means "already being deleted" as well as "dependencies remain": an
            # earlier attempt whose response was lost may have gone through. Ask.
            details = await self.get_cluster(cluster_id, owner=owner)
            if details.status not in (ClusterStatus.DELETING, ClusterStatus.DELETED):
                raise

    async def add_firewall_rule(
        self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None = None
    ) -> None:
        """Allow ``rule`` on the cluster; a retry that meets "already exists" succeeded."""
        await self._change_firewall(
            "add firewall rule",
            "rule added",
            cluster_id,
            rule,
            lambda: self.client.add_firewall_rule(cluster_id, rule),
            f"POST …/{cluster_id}/firewallRules",
            owner,
            conflict_after_retry_ok=True,
        )

    async def delete_firewall_rule(
        self, cluster_id: str, rule: FirewallRuleSpec, *, owner: str | None = None
    ) -> None:
        """Remove ``rule``; a retry that meets "not found" succeeded."""
        await self._change_firewall(
            "remove firewall rule",
            "rule removed",
            cluster_id,
            rule,
            lambda: self.client.delete_firewall_rule(cluster_id, rule),
            f"DELETE …/{cluster_id}/firewallRules",
            owner,
            not_found_after_retry_ok=True,
        )

    async def _change_firewall(
        self,
        action: str,
        done: str,
        cluster_id: str,
        rule: FirewallRuleSpec,
        call: Callable[[], Awaitable[None]],
        label: str,
        owner: str | None,
        **retry_flags: bool,
    ) -> None:
        check_path_id(cluster_id)  # refused before it takes a slot
        self._refuse_if_read_only("change firewall rules")
        validation.check_firewall_rule(rule)
        op = self._start(action, rule.network or rule.security_group_id or "", owner)
        op.cluster_id = cluster_id
        try:
            await self._run(
                call, JobKind.MUTATION, label, owner=owner, idempotent=True, **retry_flags
            )
        except errors.InstaError as exc:
            self._finish(op, OperationState.FAILED, exc.message, exc)
            raise
        self._finish(op, OperationState.DONE, done)

    async def add_encryption_key(self, alias: str, arn: str, *, owner: str | None = None) -> str:
        self._refuse_if_read_only("register an encryption key")
        key_id = await self._run(
            lambda: self.client.add_encryption_key(alias, arn),
            JobKind.MUTATION,
            "POST encryption-keys",
            owner=owner,
            idempotent=False,
        )
        if self._known_key_ids is not None:
            self._known_key_ids.add(key_id)
        return key_id

    async def delete_encryption_key(self, key_id: str, *, owner: str | None = None) -> None:
        check_path_id(key_id, "keyId")  # refused before it takes a slot
        self._refuse_if_read_only("delete an encryption key")
        await self._run(
            lambda: self.client.delete_encryption_key(key_id),
            JobKind.MUTATION,
            "DELETE encryption-keys",
            owner=owner,
            idempotent=True,
            not_found_after_retry_ok=True,
        )
        if self._known_key_ids is not None:
            self._known_key_ids.discard(key_id)

    # --- watching ---------------------------------------------------------------------------

    def watch(self, detail_ids: Collection[str] = ()) -> Callable[[], None]:
        """Keep the inventory fresh while the returned ``stop()`` has not been called."""
        handle = _Watch(set(detail_ids))
        self._watches.append(handle)
        self._ensure_poller()

        def stop() -> None:
            if handle in self._watches:
                self._watches.remove(handle)
            if not self._watches:
                # Nobody watches: refreshes still queued would be wasted slots.
                self.engine.cancel_owner(POLLER_OWNER)
            self._wake_poller()

        return stop

    def watch_details(self, cluster_id: str) -> Callable[[], None]:
        return self.watch({cluster_id})

    def refresh_now(self) -> None:
        """Refresh at the next free slot instead of waiting for the period."""
        self._ensure_poller()
        self._wake_poller()

    async def wait_for_status(
        self,
        cluster_id: str,
        target: ClusterStatus = ClusterStatus.RUNNING,
        *,
        timeout: float = 2400.0,
        on_progress: Callable[[ClusterDetails], None] | None = None,
        owner: str | None = None,
    ) -> ClusterDetails:
        """Poll one cluster until it reaches ``target``; FAILED or DEFERRED nodes end it.

        ``timeout`` defaults to the 40 minutes Instaclustr's Terraform provider allows.
        """
        end = self.clock.monotonic() + timeout
        while True:
            details = await self.get_cluster(cluster_id, owner=owner)
            if on_progress is not None:
                on_progress(details)
            if details.status is target:
                return details
            stuck = [
                n
                for n in details.nodes
                if n.status in (ClusterStatus.FAILED, ClusterStatus.DEFERRED)
            ]
            if details.status in (ClusterStatus.FAILED, ClusterStatus.DELETED) or stuck:
                what = stuck[0].status.value if stuck else details.status.value
                raise errors.InstaError(
                    f"cluster {cluster_id} will not reach {target.value}: a node is {what}"
                )
            if self.clock.monotonic() >= end:
                raise errors.DeadlineExceededError(
                    f"cluster {cluster_id} did not reach {target.value} within {timeout:.0f} s"
                )
            await self.clock.sleep(self.settings.fast_poll)

    def _ensure_poller(self) -> None:
        if self._poke is None:
            self._poke = asyncio.Event()
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll_loop())

    def _wake_poller(self) -> None:
        if self._poke is not None:
            self._poke.set()

    def _period(self) -> float:
        busy = self.clock.monotonic() < self._fast_until or any(
            r.status.is_transitional or r.pending for r in self.inventory
        )
        steady = self.refresh_interval or self.settings.steady_poll
        return min(self.settings.fast_poll, steady) if busy else steady

    async def _poll_loop(self) -> None:
        assert self._poke is not None
        while self._watches:
            self._poke.clear()
            if not self.paused:
                await self._refresh_once()
            period = self._period() * self._rng.uniform(0.9, 1.1)  # keep kernels apart
            sleeper = asyncio.ensure_future(self.clock.sleep(period))
            poked = asyncio.ensure_future(self._poke.wait())
            try:
                await asyncio.wait({sleeper, poked}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                poked.cancel()

    async def _refresh_once(self) -> None:
        try:
            await self.list_clusters(kind=JobKind.POLL, owner=POLLER_OWNER)
            wanted = {i for w in self._watches for i in w.detail_ids}
            for row in self.inventory:
                if row.details is None or row.status.is_transitional or row.pending:
                    wanted.add(row.id)
            wanted &= {r.id for r in self.inventory}
            await asyncio.gather(*(self._refresh_details(i) for i in wanted))
            self.last_refresh, self.last_refresh_error = self.clock.time(), None
            self._emit(ServiceEvent(poll_error=None))
        except errors.JobCancelledError:
            return  # the last watcher left; nothing to report
        except errors.InstaError as exc:
            self.last_refresh_error = exc.message
            self._emit(ServiceEvent(poll_error=exc.message))

    async def _refresh_details(self, cluster_id: str) -> None:
        try:
            await self.get_cluster(cluster_id, kind=JobKind.POLL, owner=POLLER_OWNER)
        except errors.NotFoundError:
            # Deleted between the list and this call: the list will agree next time.
            if self.inventory.remove(cluster_id):
                self._rows_changed({cluster_id})

    async def aclose(self) -> None:
        self._watches.clear()
        self._engine_unsubscribe()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller

    def rows(self) -> list[ClusterRow]:
        return list(self.inventory)
