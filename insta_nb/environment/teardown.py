"""Tearing down exactly what an environment made, whoever made it.

:class:`Made` holds what provisioning made (or a record says another process made) and
removes it, on the engine thread, as a task of its own::

    wait for provisioning to stop → find the cluster (a create whose outcome was unknown
    is looked for by name) → delete its peerings → delete the cluster

What could not be removed is listed in the :class:`TeardownReport` (and raised as
:class:`~insta_nb.errors.TeardownError` by the callers), never dropped.
:class:`~.provision.Provisioner` adds the provisioning steps.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.environment.events import EnvironmentEvent, EventListener, Step
from insta_nb.environment.records import EnvironmentRecords
from insta_nb.environment_spec import EnvironmentSpec
from insta_nb.peering import PeeringStatus

if TYPE_CHECKING:
    from insta_nb.session import Operation, ServiceEvent, Session

__all__ = ["Made", "TeardownReport"]

log = logging.getLogger("insta_nb.environment")


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


class Made:
    """What one environment made over one session, and its teardown."""

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
        #: The record is ours to update and remove (never another environment's).
        self._recorded = False

    def emit(self, step: Step, state: str, message: str = "") -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(EnvironmentEvent(self.name, step, state, message))
        except Exception:  # a broken display must not break provisioning or teardown
            log.exception("environment listener failed")

    def _save(self, **changes: object) -> None:
        if self._recorded:
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
            if self._recorded:
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
