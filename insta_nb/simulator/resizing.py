"""A rolling resize as clock times: which node is out of service when, and at what size.

Like the rest of the lifecycle nothing runs in the background. A resize accepted at
``t0`` takes the data centre's nodes ``concurrent`` at a time: batch ``b`` leaves
RUNNING at ``t0 + b × step`` and is back, at the new size, at ``t0 + (b + 1) × step``.
The data centre shows ``resizeTargetNodeSize`` until the last batch is back (the
reference's "returns to null when done" is inferred; the Terraform provider and the
demo client read it only while a resize runs).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NodeResize", "ResizeOp", "plan_batches"]


@dataclass(frozen=True)
class NodeResize:
    """One node's part in a resize: out of service from ``leaves_at`` until ``back_at``."""

    leaves_at: float
    back_at: float
    size: str


@dataclass(frozen=True)
class ResizeOp:
    """A resize of one data centre, as ``GET …/resize`` reports it."""

    id: str
    cdc_id: str
    target: str
    concurrent: int
    notify_support_contacts: bool
    node_purpose: str | None
    started_at: float
    done_at: float

    def active(self, now: float) -> bool:
        """Still running at ``now``."""
        return now < self.done_at


def plan_batches(
    node_count: int, concurrent: int, start: float, step: float
) -> list[tuple[float, float]]:
    """``(leaves_at, back_at)`` for each node, in node order, ``concurrent`` at a time."""
    per = max(1, concurrent)
    return [(start + (i // per) * step, start + (i // per + 1) * step) for i in range(node_count)]
