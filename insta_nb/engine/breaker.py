"""The circuit breaker: stop sending while the API is down, probe, resume.

After ``threshold`` consecutive outage failures the breaker opens: the engine sends
nothing but one probe at a time, on a jittered schedule that grows to ``probe_cap``.
User actions stay queued with their deadlines. The first success closes it.
"""

from __future__ import annotations

import random

from insta_nb.engine.jobs import BreakerState

__all__ = ["Breaker"]


class Breaker:
    """Consecutive-failure circuit breaker with jittered, growing probe waits."""

    def __init__(
        self, *, threshold: int, first_probe: float, probe_cap: float, rng: random.Random
    ) -> None:
        self.threshold = threshold
        self.first_probe = first_probe
        self.probe_cap = probe_cap
        self._rng = rng
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.next_probe_at: float | None = None
        self._probes = 0

    def record_success(self) -> None:
        self.state = BreakerState.CLOSED
        self.failures = 0
        self.next_probe_at = None
        self._probes = 0

    def record_failure(self, now: float) -> None:
        self.failures += 1
        if self.state is BreakerState.CLOSED and self.failures < self.threshold:
            return
        # Opening, or a failed probe: wait longer before the next one.
        self.state = BreakerState.OPEN
        wait = min(self.probe_cap, self.first_probe * (2**self._probes))
        self._probes += 1
        self.next_probe_at = now + self._rng.uniform(0.5 * wait, wait)

    def may_send(self, now: float) -> bool:
        """Whether a request may go out now (a probe, when open)."""
        if self.state is BreakerState.CLOSED:
            return True
        return self.next_probe_at is not None and now >= self.next_probe_at

    def probing(self) -> None:
        """A probe is going out."""
        self.state = BreakerState.HALF_OPEN
