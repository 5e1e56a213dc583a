"""Provisioning an environment in order, and tearing down exactly what it made.

Both run **on the engine thread**, as tasks of their own, through the session's public
API only, so that nothing a caller does (an interrupt, a second interrupt, a cancelled
cell) can stop a teardown half-way::

    check (nothing sent) → record → create → firewall rules
         → wait for the data centre (PROVISIONED or RUNNING: enough for peering)
         → peerings → wait RUNNING

    teardown: wait for provisioning to stop → find the cluster (a create whose outcome
              was unknown is looked for by name) → delete its peerings → delete it

What teardown could not remove is listed in its :class:`TeardownReport` (and raised as
:class:`~insta_nb.errors.TeardownError` by the callers), never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.environment.events import EnvironmentEvent, EventListener, Step
from insta_nb.environment.records import EnvironmentRecord, EnvironmentRecords
from insta_nb.environment.validate import check_environment
from insta_nb.environment_spec import EnvironmentSpec
from insta_nb.models import ClusterDetails, ClusterStatus
from insta_nb.peering import PeeringStatus

if TYPE_CHECKING:
    from insta_nb.session import Operation, ServiceEvent, Session

__all__ = ["Environment", "Provisioner", "TeardownReport"]

log = logging.getLogger("insta_nb.environment")


@dataclass(frozen=True)
class Environment:
    """A provisioned environment: what ``async with session.environment(spec) as env`` gives."""

    name: str
    cluster_id: str
    data_centre_id: str
    #: The cluster as it was when it reached RUNNING.
    details: ClusterDetails
    #: Ids of the peerings made, in the spec's order.
    peering_ids: tuple[str, ...] = ()

    @property
    def contact_points(self) -> list[str]:
        """Each node's public address, else its private one."""
        return [a for n in self.details.nodes if (a := n.public_address or n.private_address)]


@dataclass
class TeardownReport:
    """What a teardown removed and what it could not."""

    environment: str
    removed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    #: Clusters that may still be running (and billed).
    clusters_left: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.left

    def error(self) -> errors.TeardownError:
        return errors.TeardownError(tuple(self.left), tuple(self.clusters_left))


class _Reached(Exception):
    """Ends a wait early: the data centre is ready for peering (never leaves this module)."""


class Provisioner:
    """One environment's provisioning and teardown, over one session."""

    def __init__(
        self,
        session: Session,
        records: EnvironmentRecords,
        *,
        name: str,
        cluster_name: str,
        spec: EnvironmentSpec | None = None,
        on_event: EventListener | None = None,
    ) -> None:
        self.session = session
        self.spec = spec
        self.name = name
        self.cluster_name = cluster_name
        self._records = records
        self._key = f"{session.backend.api_url}|{session.backend.username}"
        self._on_event = on_event
        self.cluster_id: str | None = None
        self.data_centre_id: str | None = None
        #: ``(data centre id, peering id)`` of every peering made.
        self.peerings: list[tuple[str, str]] = []
        #: A peering create whose outcome is unknown: teardown lists the cluster's peerings.
        self._peering_unsure = False
        self._create_op: Operation | None = None
        #: How the create call ended when it did not return an id.
        self._create_error: BaseException | None = None
        #: Look for the cluster by name at teardown (a record made by a process that
        #: stopped before its create's outcome was known).
        self._by_name = False
        self._up_task: asyncio.Task[object] | None = None

    @classmethod
    def from_record(
        cls,
        session: Session,
        records: EnvironmentRecords,
        record: EnvironmentRecord,
        on_event: EventListener | None = None,
    ) -> Provisioner:
        """A provisioner that can tear down what ``record`` says another process made."""
        made = cls(
            session, records, name=record.name, cluster_name=record.cluster_name, on_event=on_event
        )
        made.cluster_id = record.cluster_id
        made.peerings = list(record.peerings)
        # Whatever that process was doing when it stopped, its last peering may be unrecorded.
        made._peering_unsure = record.state != "up"
        made._by_name = record.cluster_id is None
        return made

    def emit(self, step: Step, state: str, message: str = "") -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(EnvironmentEvent(self.name, step, state, message))
        except Exception:  # a broken display must not break provisioning or teardown
            log.exception("environment listener failed")

    # --- up ---------------------------------------------------------------------------------

    async def up(self) -> Environment:
        """Provision every part in order. Run it on the engine loop (see the module doc)."""
        self._up_task = asyncio.current_task()
        spec = self.spec
        assert spec is not None
        self.emit(Step.CHECK, "started")
        check_environment(self.session, spec)
        self.emit(Step.CHECK, "done", "nothing refused; nothing sent yet")
        now = self.session.now()
        self._records.put(
            EnvironmentRecord(
                key=self._key,
                name=self.name,
                cluster_name=self.cluster_name,
                state="provisioning",
                pid=os.getpid(),
                updated=now,
                since=now,
            )
        )
        await self._create(spec)
        assert self.cluster_id is not None
        for i, rule in enumerate(spec.firewall_rules):
            self.emit(Step.FIREWALL, "started", f"{i + 1}/{len(spec.firewall_rules)}")
            await self.session.add_firewall_rule(self.cluster_id, rule)
            self.emit(Step.FIREWALL, "done", rule.network or rule.security_group_id or "")
        if spec.peerings:
            details = await self._wait_for_data_centre(spec.provisioned_timeout)
            self.data_centre_id = details.data_centres[0].id
            for i, peering in enumerate(spec.peerings):
                self.emit(Step.PEERING, "started", f"{i + 1}/{len(spec.peerings)}")
                self._peering_unsure = True
                peering_id = await self.session.create_vpc_peering(
                    self.cluster_id, peering, data_centre_id=self.data_centre_id
                )
                self.peerings.append((self.data_centre_id, peering_id))
                self._peering_unsure = False
                self._save(peerings=tuple(self.peerings))
                self.emit(Step.PEERING, "done", peering_id)
        self.emit(Step.WAIT_RUNNING, "started")
        details = await self.session.wait_for_status(
            self.cluster_id,
            ClusterStatus.RUNNING,
            timeout=spec.running_timeout,
            on_progress=self._progress(Step.WAIT_RUNNING),
        )
        self.emit(Step.WAIT_RUNNING, "done", f"{details.running_node_count} nodes RUNNING")
        self._save(state="up")
        env = Environment(
            name=self.name,
            cluster_id=self.cluster_id,
            data_centre_id=details.data_centres[0].id if details.data_centres else "",
            details=details,
            peering_ids=tuple(p for _, p in self.peerings),
        )
        self.emit(Step.READY, "done", f"cluster {self.cluster_id}")
        return env

    @property
    def create_started(self) -> bool:
        """A create was asked for (it may or may not have been sent)."""
        return self._create_op is not None

    async def _create(self, spec: EnvironmentSpec) -> None:
        self.emit(Step.CREATE, "started", self.cluster_name)
        unsubscribe = self.session.subscribe(self._watch_create)
        try:
            self.cluster_id = await self.session.create_cluster(spec.cluster)
        except BaseException as exc:
            self._create_error = exc
            raise
        finally:
            unsubscribe()
        self._save(cluster_id=self.cluster_id)
        self.emit(Step.CREATE, "done", self.cluster_id)

    def _watch_create(self, event: ServiceEvent) -> None:
        op = event.operation
        if (
            self._create_op is None
            and op is not None
            and op.action == "create"
            and op.target == self.cluster_name
        ):
            self._create_op = op

    async def _wait_for_data_centre(self, timeout: float) -> ClusterDetails:
        """Until the first data centre is PROVISIONED or the cluster RUNNING (TF's rule)."""
        assert self.cluster_id is not None
        self.emit(Step.WAIT_PROVISIONED, "started")
        show = self._progress(Step.WAIT_PROVISIONED)
        ready: list[ClusterDetails] = []

        def check(details: ClusterDetails) -> None:
            show(details)
            dcs = details.data_centres
            if dcs and dcs[0].status in (ClusterStatus.PROVISIONED, ClusterStatus.RUNNING):
                ready.append(details)
                raise _Reached

        try:
            details = await self.session.wait_for_status(
                self.cluster_id, ClusterStatus.RUNNING, timeout=timeout, on_progress=check
            )
        except _Reached:
            details = ready[-1]
        self.emit(Step.WAIT_PROVISIONED, "done", details.data_centres[0].status.value)
        return details

    def _progress(self, step: Step) -> Callable[[ClusterDetails], None]:
        def show(details: ClusterDetails) -> None:
            self.emit(
                step,
                "progress",
                f"{details.status.value}, {details.running_node_count}/"
                f"{details.node_count} nodes RUNNING",
            )

        return show

    def _save(self, **changes: object) -> None:
        self._records.update(self._key, self.name, updated=self.session.now(), **changes)

    # --- down -------------------------------------------------------------------------------

    async def down(self) -> TeardownReport:
        """Remove the peerings, then the cluster; report what could not be removed.

        Run it on the engine loop as a task of its own: it first waits for a provisioning
        task that is stopping (an interrupted create finishes its send and reports).
        """
        report = TeardownReport(self.name)
        self.emit(Step.TEARDOWN, "started")
        self._save(state="tearing down")
        if self._up_task is not None and not self._up_task.done():
            await asyncio.wait([self._up_task])
        await self._find_cluster(report)
        if self.cluster_id is not None:
            await self._delete_peerings(report)
            await self._delete_cluster(report)
        if report.complete:
            self._records.remove(self._key, self.name)
            self.emit(Step.TEARDOWN, "done", "; ".join(report.removed) or "nothing to remove")
        else:
            self._save(state="teardown incomplete", left=tuple(report.left))
            self.emit(Step.TEARDOWN, "failed", f"{len(report.left)} resource(s) left")
        return report

    async def _find_cluster(self, report: TeardownReport) -> None:
        """Our cluster's id, even when the create's outcome was unknown."""
        op = self._create_op
        if self.cluster_id is not None:
            return
        if op is None:
            if self._by_name:
                await self._look_by_name(report)
            return
        if not op.state.finished:
            await self._until_finished(op)
        if op.cluster_id is not None:
            self.cluster_id = op.cluster_id
            return
        error = self._create_error
        ambiguous = not isinstance(error, errors.InstaError) or (
            error.ambiguous or isinstance(error, errors.CreateNotConfirmedError)
        )
        if op.state.value == "cancelled" or not ambiguous:
            return  # refused, or dropped before it was sent: nothing was made
        # Sent, outcome unknown: the name was free when it was sent (the create refuses a
        # name that exists), so a cluster of that name now is ours. The list also lets
        # the service adopt it late (op.cluster_id).
        await self._look_by_name(report)
        self.cluster_id = op.cluster_id or self.cluster_id

    async def _look_by_name(self, report: TeardownReport) -> None:
        try:
            found = [c for c in await self.session.list_clusters() if c.name == self.cluster_name]
        except errors.InstaError as exc:
            report.left.append(
                f"cluster {self.cluster_name!r}: its create's outcome is unknown and the "
                f"list to look for it failed ({exc.message}); look for it by name"
            )
            return
        if found:
            self.cluster_id = found[0].id

    async def _until_finished(self, op: Operation) -> None:
        done = asyncio.Event()

        def seen(event: ServiceEvent) -> None:
            if op.state.finished:
                done.set()

        unsubscribe = self.session.subscribe(seen)
        try:
            if not op.state.finished:
                await done.wait()
        finally:
            unsubscribe()

    async def _delete_peerings(self, report: TeardownReport) -> None:
        assert self.cluster_id is not None
        targets = list(self.peerings)
        if self._peering_unsure:
            try:
                listed = await self.session.list_vpc_peerings(self.cluster_id)
            except errors.NotFoundError:
                listed = []
            except errors.InstaError as exc:
                report.left.append(
                    f"VPC peerings of cluster {self.cluster_id}: a peering request's outcome "
                    f"is unknown and listing them failed ({exc.message})"
                )
                listed = []
            gone = (PeeringStatus.DELETING, PeeringStatus.DELETED)
            for peering in listed:
                pair = (peering.data_centre_id, peering.id)
                if pair not in targets and peering.status not in gone:
                    targets.append(pair)
        for data_centre_id, peering_id in targets:
            self.emit(Step.DELETE_PEERING, "started", peering_id)
            try:
                await self.session.delete_vpc_peering(data_centre_id, peering_id)
            except errors.NotFoundError:
                pass  # already gone: removed all the same
            except errors.InstaError as exc:
                report.left.append(
                    f"VPC peering {peering_id} of data centre {data_centre_id}: {exc.message}"
                )
                self.emit(Step.DELETE_PEERING, "failed", exc.message)
                continue
            report.removed.append(f"VPC peering {peering_id}")
            self.emit(Step.DELETE_PEERING, "done", peering_id)

    async def _delete_cluster(self, report: TeardownReport) -> None:
        assert self.cluster_id is not None
        self.emit(Step.DELETE_CLUSTER, "started", self.cluster_id)
        try:
            await self.session.delete_cluster(self.cluster_id)
        except errors.NotFoundError:
            pass
        except errors.InstaError as exc:
            report.left.append(f"cluster {self.cluster_name} ({self.cluster_id}): {exc.message}")
            report.clusters_left.append(self.cluster_id)
            self.emit(Step.DELETE_CLUSTER, "failed", exc.message)
            return
        report.removed.append(f"cluster {self.cluster_name} ({self.cluster_id})")
        self.emit(Step.DELETE_CLUSTER, "done", self.cluster_id)
