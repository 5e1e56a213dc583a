"""What a simulator lets a test observe: every request, every cluster, and counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from insta_nb.models import ClusterStatus

__all__ = ["ClusterRecord", "RequestRecord", "SimulatorStats"]


class RequestRecord(NamedTuple):
    """One request the simulator saw."""

    #: ``clock.monotonic()`` when the request reached the API (after any latency fault).
    time: float
    client_ip: str
    method: str
    #: The path as sent (trailing slash and all), without the query string.
    path: str
    #: The status the client received; ``None`` when it received no response at all.
    status: int | None
    #: Whether the API handled the request successfully (2xx), so that its effect, if
    #: any, took place, even when the client never learnt it.
    applied: bool
    #: The fault that struck, if any: ``"outage"``, ``"storm_429"``, ``"rate_limited"``,
    #: ``"5xx"``, ``"5xx_after_apply"``, ``"drop"``, ``"drop_after_apply"`` or
    #: ``"lost_response"``.
    fault: str | None = None


class ClusterRecord(NamedTuple):
    """A cluster ever created, for assertions such as "exactly one cluster per name"."""

    id: str
    name: str
    #: ``clock.monotonic()`` at creation and at the delete request (``None``: not deleted).
    created_at: float
    deleted_at: float | None
    #: The status now.
    status: ClusterStatus


@dataclass
class SimulatorStats:
    """Counters over every request seen."""

    requests: int = 0
    #: Status code → count, over responses that reached the client.
    by_status: Counter[int] = field(default_factory=Counter)
    #: Every 429 sent, by the limiter or by a storm.
    rejected_429: int = 0
    #: 429s sent by the limiter only (a well-paced client keeps this at 0).
    rate_limited: int = 0
    #: Connections dropped without a response (including lost create responses).
    dropped: int = 0
    #: Creates applied whose response was lost on purpose.
    lost_responses: int = 0

    def count(self, record: RequestRecord) -> None:
        """Add one request."""
        self.requests += 1
        if record.status is None:
            self.dropped += 1
        else:
            self.by_status[record.status] += 1
        if record.status == 429:
            self.rejected_429 += 1
        if record.fault == "rate_limited":
            self.rate_limited += 1
        if record.fault == "lost_response":
            self.lost_responses += 1
