"""What the engine schedules: requests as jobs, and the snapshots views read.

The engine knows nothing about HTTP or widgets: a :class:`Request` carries a
coroutine factory that performs exactly one attempt, plus the facts the scheduler
and the retry policy need (class, owner, deadline, idempotency, coalescing key).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BreakerState", "EngineSnapshot", "JobInfo", "JobKind", "Request"]


class JobKind(enum.IntEnum):
    """Priority classes, highest first."""

    #: A user's create, delete or firewall change.
    MUTATION = 0
    #: A user asked for data (a cell awaiting it, a details panel).
    READ = 1
    #: Background refresh nobody is waiting on right now.
    POLL = 2


@dataclass(frozen=True)
class Request:
    """One logical API call, as submitted to the engine."""

    #: Performs one attempt; raises :mod:`insta_nb.errors` exceptions on failure.
    call: Callable[[], Awaitable[Any]]
    kind: JobKind
    #: Shown in the queue view, e.g. ``"GET /provisioning/v1"``.
    label: str
    #: Safe to repeat: retried through errors and outages under the time budget.
    idempotent: bool = False
    #: Identical in-flight requests with the same key share one send (GETs only).
    key: Hashable | None = None
    #: Who asked (a cell id, a widget); cancelling an owner drops its queued jobs.
    owner: str | None = None
    #: Monotonic time after which the job fails instead of waiting longer.
    deadline: float | None = None
    #: A retried delete that meets 404 has succeeded (its first attempt went through).
    not_found_after_retry_ok: bool = False
    #: The asking session's own interval between a response and this send (``None``: the
    #: engine's). Sessions to one host share its budget but keep their own pace.
    pace: float | None = None
    #: The asking session's own retry budget in seconds (``None``: the engine's).
    retry_budget: float | None = None
    #: Called on the engine loop when the request is first handed to the transport, so
    #: the caller can tell "queued" from "sent" (e.g. to report an interrupted create).
    on_send: Callable[[], None] | None = field(default=None, compare=False)


@dataclass
class _Waiter:
    future: asyncio.Future[Any]
    owner: str | None
    #: What this waiter asked for (a shared GET may serve several purposes).
    label: str = ""


@dataclass(eq=False)
class Job:
    """A request inside the engine: its waiters, attempts and place in the queue."""

    id: int
    request: Request
    kind: JobKind
    seq: int
    enqueued_at: float
    enqueued_slot: int
    waiters: list[_Waiter] = field(default_factory=list)
    attempts: int = 0
    first_sent_at: float | None = None
    not_before: float = 0.0
    is_retry: bool = False
    #: An earlier attempt may have reached the server.
    maybe_applied: bool = False

    def add_waiter(self, future: asyncio.Future[Any], owner: str | None, label: str = "") -> None:
        self.waiters.append(_Waiter(future, owner, label or self.request.label))

    @property
    def label(self) -> str:
        """Every live waiter's purpose, once each: a shared list says whom it serves."""
        labels = dict.fromkeys(w.label for w in self.live_waiters() if w.label)
        return "; ".join(labels) or self.request.label

    def live_waiters(self) -> list[_Waiter]:
        return [w for w in self.waiters if not w.future.done()]


class BreakerState(enum.Enum):
    """Whether the engine believes the API is reachable."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


@dataclass(frozen=True)
class JobInfo:
    """A queued job as a view shows it."""

    id: int
    label: str
    kind: JobKind
    owner: str | None
    position: int
    #: Estimated seconds from now until it is sent.
    eta: float
    waited: float
    attempts: int
    is_retry: bool


@dataclass(frozen=True)
class EngineSnapshot:
    """Everything a queue view or banner needs, taken at one instant."""

    queued: tuple[JobInfo, ...]
    in_flight: str | None
    interval: float
    base_interval: float
    #: Seconds until the next send may start (0 when it could start now).
    next_slot_in: float
    paused_for: float
    last_429_ago: float | None
    recent_429: int
    breaker: BreakerState
    next_probe_in: float | None
    consecutive_failures: int
    sent: int
    succeeded: int
    rejected_429: int
    failed: int
    retried: int

    def queued_by_kind(self) -> dict[JobKind, tuple[JobInfo, ...]]:
        return {k: tuple(j for j in self.queued if j.kind is k) for k in JobKind}

    @property
    def outage(self) -> bool:
        return self.breaker is not BreakerState.CLOSED
