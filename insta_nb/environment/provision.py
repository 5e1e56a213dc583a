"""Provisioning an environment in order.

It runs **on the engine thread**, as a task of its own, through the session's public API
only; its teardown (:mod:`.teardown`) is another such task, so that nothing a caller
does (an interrupt, a second interrupt, a cancelled cell) can stop it half-way::

    check (nothing sent) → record → create → firewall rules
         → wait for the data centre (PROVISIONED or RUNNING: enough for peering)
         → peerings → wait RUNNING
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from insta_nb import errors
from insta_nb.environment.events import EventListener, Step
from insta_nb.environment.records import EnvironmentRecord, EnvironmentRecords
from insta_nb.environment.teardown import Made
from insta_nb.environment.validate import check_environment
from insta_nb.environment_spec import EnvironmentSpec
from insta_nb.models import ClusterDetails, ClusterStatus

if TYPE_CHECKING:
    from insta_nb.session import ServiceEvent, Session

__all__ = ["Environment", "Provisioner"]


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


class _Reached(Exception):
    """Ends a wait early: the data centre is ready for peering (never leaves this module)."""


class Provisioner(Made):
    """One environment's provisioning (and, from :class:`Made`, its teardown)."""

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
        made._recorded = True
        return made

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
        existing = self._records.claim(
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
        if existing is not None:
            # Its record is how `env down` finds it: never overwrite it.
            raise errors.ValidationError(
                {
                    "name": f"an environment named {self.name!r} is already recorded here "
                    f"({existing.state}, cluster {existing.cluster_id or existing.cluster_name})"
                    f": remove it with `insta-nb env down {self.name}` (`env list` drops it "
                    "if its cluster is gone), or choose another name — nothing was sent"
                }
            )
        self._recorded = True
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
            backoff=True,  # minutes of waiting: spend fewer of the machine's requests
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
                self.cluster_id,
                ClusterStatus.RUNNING,
                timeout=timeout,
                on_progress=check,
                backoff=True,
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
