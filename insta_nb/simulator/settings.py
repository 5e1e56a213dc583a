"""How a simulator behaves: credentials it accepts, its rate limit and lifecycle timing.

Stdlib only. Settings are fixed for the life of a :class:`~insta_nb.simulator.Simulator`;
what a test changes while it runs lives in :class:`~insta_nb.simulator.Faults`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_BASE_URL",
    "DEFAULT_READ_ONLY_KEY",
    "DEFAULT_USERNAME",
    "SimulatorCredentials",
    "SimulatorSettings",
]

#: The credentials a simulator accepts unless told otherwise. They are not secrets: they
#: open nothing but a simulator on this machine, and they are printed on purpose.
DEFAULT_USERNAME = "simulator"
DEFAULT_API_KEY = "sim-provisioning-key"
DEFAULT_READ_ONLY_KEY = "sim-readonly-key"
#: Base URL to pair with :meth:`Simulator.transport` (any host works in-process).
DEFAULT_BASE_URL = "http://simulator.local"


@dataclass(frozen=True)
class SimulatorCredentials:
    """The username and the two keys a simulator accepts (plain text: not secrets)."""

    username: str
    #: Full provisioning key: every method.
    api_key: str
    #: Read-only provisioning key: GET (and HEAD) only, 403 otherwise.
    read_only_key: str


@dataclass(frozen=True)
class SimulatorSettings:
    """Everything about a simulator that stays fixed while it runs.

    Durations are seconds of simulated time at ``speed`` 1; a speed of 10 makes every
    lifecycle step ten times shorter. The defaults are close to the real API: three
    nodes take 30 + 120 + 30 + 3 × 80 = 420 s (7 minutes) from create to RUNNING.
    """

    username: str = DEFAULT_USERNAME
    api_key: str = DEFAULT_API_KEY
    read_only_key: str = DEFAULT_READ_ONLY_KEY
    #: Rate limit: one request per ``interval`` seconds per client IP, by arrival time.
    #: ``None`` or 0 turns the limiter off.
    interval: float | None = 2.5
    #: Seconds to send in ``Retry-After`` with a 429 (finite, >= 0); ``None`` sends no
    #: header (the real API is not known to send one).
    retry_after: float | None = None
    #: Whether a rejected request also restarts its IP's window (a stricter limiter).
    count_rejected: bool = False
    #: Lifecycle speed factor (> 0).
    speed: float = 1.0
    #: Seeds ids, passwords and every random fault decision: same seed, same run.
    seed: int = 0
    #: A new cluster (or data centre) stays GENESIS this long...
    genesis_seconds: float = 30.0
    #: ...then PROVISIONING this long...
    provisioning_seconds: float = 120.0
    #: ...then PROVISIONED this long before the first node can turn RUNNING...
    provisioned_seconds: float = 30.0
    #: ...and the nodes turn RUNNING one by one, one every ``node_seconds``.
    node_seconds: float = 80.0
    #: A deleted cluster stays DELETING this long, then is DELETED.
    deleting_seconds: float = 60.0
    #: A deleted cluster still answers ``GET /{id}`` (as DELETED) this long, then 404.
    deleted_retention: float = 600.0
    #: A new firewall rule turns RUNNING after this long.
    firewall_rule_seconds: float = 20.0
    #: A resize replaces each batch of ``concurrentResizes`` nodes in this long (the
    #: demo client saw 6 nodes, 2 at a time, take 954 s).
    resize_node_seconds: float = 300.0
    #: A new VPC peering is ``initiating-request`` this long, then waits for the peer.
    peering_initiating_seconds: float = 5.0
    #: The peer side accepts by itself after this long, as the peer's own automation
    #: would (``None``: only when told to, by ``Simulator.peerings.accept``; a simulator
    #: served by ``insta-nb simulator`` cannot be told, so the default accepts).
    #: Rejecting works the same way and is off by default.
    peering_accept_seconds: float | None = 120.0
    peering_reject_seconds: float | None = None
    #: An unanswered request expires after this long (AWS: 7 days).
    peering_expire_seconds: float = 7 * 24 * 3600.0
    #: An accepted peering is ``provisioning`` this long, then ``active``.
    peering_provisioning_seconds: float = 30.0
    #: A deleted peering is ``deleting`` this long, then gone.
    peering_deleting_seconds: float = 20.0
    #: Larger request bodies get 413.
    max_body_bytes: int = 1_048_576
    #: What :attr:`Simulator.url` returns.
    base_url: str = DEFAULT_BASE_URL

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and self.speed > 0):
            raise ValueError(f"speed must be a positive number, not {self.speed!r}")
        if self.interval is not None and not (math.isfinite(self.interval) and self.interval >= 0):
            raise ValueError(f"interval must be None or >= 0, not {self.interval!r}")
        # Finite too: Retry-After is a whole number of seconds, and ceil(inf) raises.
        if self.retry_after is not None and not (
            math.isfinite(self.retry_after) and self.retry_after >= 0
        ):
            raise ValueError(
                f"retry_after must be None or a finite number >= 0, not {self.retry_after!r}"
            )
        durations = (
            self.genesis_seconds,
            self.provisioning_seconds,
            self.provisioned_seconds,
            self.node_seconds,
            self.deleting_seconds,
            self.deleted_retention,
            self.firewall_rule_seconds,
            self.resize_node_seconds,
            self.peering_initiating_seconds,
            self.peering_expire_seconds,
            self.peering_provisioning_seconds,
            self.peering_deleting_seconds,
            *(
                t
                for t in (self.peering_accept_seconds, self.peering_reject_seconds)
                if t is not None
            ),
        )
        if any(not (math.isfinite(d) and d >= 0) for d in durations):
            raise ValueError("lifecycle durations must be finite and >= 0")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be at least 1")
        keys = {self.api_key, self.read_only_key}
        if not self.username or len(keys) != 2 or "" in keys:
            raise ValueError("username and two different, non-empty keys are required")

    @property
    def credentials(self) -> SimulatorCredentials:
        """The credentials these settings accept."""
        return SimulatorCredentials(self.username, self.api_key, self.read_only_key)

    def scaled(self, seconds: float) -> float:
        """``seconds`` of lifecycle time at speed 1, in clock seconds at this speed."""
        return seconds / self.speed
