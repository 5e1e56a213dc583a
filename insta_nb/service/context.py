"""What every part of the service shares: the backend, the engine, the inventory, the
event bus and the operation log, and the two reads that keep the inventory current.

Each concern of the service (creates, deletes, firewall rules, keys, watching) is a
small class holding one :class:`ServiceContext`; :class:`~.cluster_service.ClusterService`
composes them. Everything here runs on the engine loop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from insta_nb import errors
from insta_nb.backend import Backend, Op
from insta_nb.clock import Clock
from insta_nb.config import EngineSettings, ServiceSettings
from insta_nb.engine import Engine, JobKind, Request
from insta_nb.models import ClusterDetails, ClusterSummary
from insta_nb.service.events import EventBus, ServiceEvent
from insta_nb.service.inventory import Inventory
from insta_nb.service.operations import Operation, OperationState

__all__ = ["ServiceContext"]

log = logging.getLogger("insta_nb.service")
T = TypeVar("T")
#: How many finished operations a service remembers.
_HISTORY = 200


class ServiceContext:
    """Shared state of one service (one session's view of one account)."""

    def __init__(
        self,
        backend: Backend,
        engine: Engine,
        settings: ServiceSettings,
        pace: EngineSettings,
        clock: Clock,
    ) -> None:
        self.backend = backend
        self.engine = engine
        self.settings = settings
        #: This session's own pacing and retry budget (ARCHITECTURE §2: a later
        #: ``connect()`` never changes them).
        self.pace = pace
        self.clock = clock
        self.inventory = Inventory()
        self.bus = EventBus()
        self.operations: list[Operation] = []
        #: Called with every full list, after the inventory took it (creates adopt late
        #: arrivals there).
        self.on_listed: list[Callable[[list[ClusterSummary]], None]] = []
        #: Called after a mutation: watching polls fast for a while.
        self.on_mutation: list[Callable[[], None]] = []
        #: Awaited by each background refresh with the poller's owner, so that other
        #: resources still changing (VPC peerings on their way) refresh with the rows.
        self.on_poll: list[Callable[[str], Awaitable[None]]] = []

    # --- requests -------------------------------------------------------------------------

    async def run(
        self,
        call: Callable[[], Awaitable[T]],
        kind: JobKind,
        op: Op,
        subject: str = "",
        *,
        owner: str | None = None,
        key: Any = None,
        idempotent: bool = True,
        **flags: Any,
    ) -> T:
        """Queue one backend call on the engine and wait for its result.

        ``key`` lets identical reads share one send; it is scoped to this API and account,
        since sessions of several accounts (or of v1 and v2) to one host share its engine
        and must never be handed each other's answers.
        """
        backend = self.backend
        request = Request(
            call=call,
            kind=kind,
            label=backend.label(op, subject),
            idempotent=idempotent,
            key=None if key is None else (backend.api, backend.username, key),
            owner=owner,
            pace=self.pace.interval,
            retry_budget=self.pace.retry_budget,
            **flags,
        )
        result: T = await self.engine.run(request)
        return result

    def refuse_if_read_only(self, action: str) -> None:
        if self.backend.read_only:
            raise errors.ReadOnlyKeyError(
                f"cannot {action}: the configured API key is read-only (nothing was sent)"
            )

    @staticmethod
    def refuse_invalid(problems: dict[str, str]) -> None:
        """Refuse, before anything is queued, what the backend's validation found."""
        if problems:
            raise errors.ValidationError(problems)

    def name_of(self, cluster_id: str) -> str:
        row = self.inventory.get(cluster_id)
        return row.name if row is not None else cluster_id

    # --- the inventory's reads --------------------------------------------------------------

    async def list_clusters(
        self,
        *,
        kind: JobKind = JobKind.READ,
        owner: str | None = None,
        purpose: str = "",
        shared: bool = True,
    ) -> list[ClusterSummary]:
        """Every cluster of the account (an empty list when there are none).

        ``purpose`` is added to the queue view's label (e.g. the create it checks for).
        ``shared=False`` makes a request of its own, which its owner alone can cancel.
        """
        summaries = await self.run(
            self.backend.list_clusters,
            kind,
            Op.LIST_CLUSTERS,
            purpose,
            owner=owner,
            key=("list",) if shared else None,
        )
        changed = self.inventory.apply_list(summaries, self.clock.time())
        for hook in list(self.on_listed):
            hook(summaries)
        self.bus.rows_changed(changed)
        return summaries

    async def get_cluster(
        self, cluster_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> ClusterDetails:
        """One cluster's status with its data centres and nodes."""
        self.backend.check_id(cluster_id)  # refused before it takes a slot
        details = await self.run(
            lambda: self.backend.get_cluster(cluster_id),
            kind,
            Op.GET_CLUSTER,
            self.name_of(cluster_id),
            owner=owner,
            key=("get", cluster_id),
        )
        if self.inventory.apply_details(details, self.clock.time()):
            self.bus.rows_changed({cluster_id})
        return details

    # --- the operation log ------------------------------------------------------------------

    def start(self, action: str, target: str, owner: str | None) -> Operation:
        op = Operation(action=action, target=target, owner=owner)
        self.operations.append(op)
        del self.operations[:-_HISTORY]
        self.bus.operation_changed(op)
        return op

    def advance(self, op: Operation, state: OperationState) -> None:
        op.state = state
        self.bus.operation_changed(op)

    def finish(
        self,
        op: Operation,
        state: OperationState,
        message: str | None = None,
        error: errors.InstaError | None = None,
    ) -> None:
        op.message = message
        if isinstance(error, errors.APIError | errors.ValidationError):
            op.field_errors = error.field_errors
        self.advance(op, state)

    def mutated(self) -> None:
        """A mutation went through: whoever watches should look again soon."""
        for hook in list(self.on_mutation):
            hook()

    def emit(self, event: ServiceEvent) -> None:
        self.bus.emit(event)
