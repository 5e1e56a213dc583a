"""User actions in flight: what was asked, where it stands, how it ended.

Every create, delete and firewall change is an :class:`Operation`, so a view (or a
re-run cell) can report a mutation that was already sent even after its caller
went away: a sent mutation is never abandoned silently.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field

__all__ = ["Operation", "OperationState"]

_ids = itertools.count(1)


class OperationState(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    #: The create's outcome was unknown; we are looking for the cluster by name.
    RECONCILING = "reconciling"
    DONE = "done"
    FAILED = "failed"
    #: Reconciliation found no cluster: the create did not happen.
    NOT_CREATED = "not created"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in {
            OperationState.DONE,
            OperationState.FAILED,
            OperationState.NOT_CREATED,
            OperationState.CANCELLED,
        }


@dataclass
class Operation:
    """One user action and its outcome."""

    action: str
    target: str
    owner: str | None = None
    state: OperationState = OperationState.QUEUED
    cluster_id: str | None = None
    message: str | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))

    def describe(self) -> str:
        where = f" ({self.cluster_id})" if self.cluster_id else ""
        tail = f": {self.message}" if self.message else ""
        return f"{self.action} {self.target}{where} — {self.state.value}{tail}"
