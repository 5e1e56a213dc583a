"""The API's rate limit: one request per interval per client IP, judged by arrival time.

A request is accepted when at least ``interval`` seconds passed since the last accepted
arrival from the same IP. It does not matter how long earlier requests took: a client
that starts its next request when the previous one *started* plus the interval can be
rejected when latency varies; one that waits for the previous *response* cannot.
"""

from __future__ import annotations

__all__ = ["ArrivalLimiter"]


class ArrivalLimiter:
    """Per-IP arrival-time limiter. O(1) per request."""

    def __init__(self, interval: float | None, *, count_rejected: bool = False) -> None:
        self.interval = interval or 0.0
        self.count_rejected = count_rejected
        self._last: dict[str, float] = {}

    @property
    def enabled(self) -> bool:
        """Whether the limiter rejects anything at all."""
        return self.interval > 0

    def admit(self, client_ip: str, now: float) -> bool:
        """Record an arrival at ``now``; ``False`` means answer 429."""
        if not self.enabled:
            return True
        last = self._last.get(client_ip)
        # A hair of tolerance: a client that sends at exactly last + interval (the rule a
        # careful client follows) must not lose to floating-point rounding.
        if last is None or now - last >= self.interval - 1e-9:
            self._last[client_ip] = now
            return True
        if self.count_rejected:
            self._last[client_ip] = now
        return False

    def reset(self) -> None:
        """Forget every IP's window."""
        self._last.clear()
