"""Fault knobs for tests and demos, and the seeded dice that apply them.

:class:`Faults` is a plain mutable dataclass: a test may change any field, or replace
``sim.faults`` entirely, between two requests. Everything is off by default. Random
decisions come from one ``random.Random`` seeded by the simulator, and a die is only
rolled when its knob is on, so a run with the same seed and knobs is repeatable.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from insta_nb.models import ClusterStatus

__all__ = ["FaultDice", "Faults"]

_FAILURE_STATUSES = (ClusterStatus.DEFERRED, ClusterStatus.FAILED)


@dataclass
class Faults:
    """What goes wrong, and how often. Windows are ``(start, end)`` in ``clock.monotonic()``.

    Order in which a request meets them: latency, outage, 429 storm, drop (before the
    API sees it), the rate limiter, injected 5xx, the API itself, then the faults that
    strike after the API applied the request (lost create response, drop, 5xx).
    """

    #: Seconds added to every request (slept on the injected clock), plus up to ``jitter``.
    latency: float = 0.0
    jitter: float = 0.0
    #: Probability that a request gets a 5xx from ``error_codes`` instead of an answer.
    error_rate_5xx: float = 0.0
    error_codes: tuple[int, ...] = (500, 502, 503, 504)
    #: Share of those 5xx that strike after the API applied the request (ambiguous).
    error_after_apply: float = 0.0
    #: Every request inside one of these windows gets 503 JSON (the API is down).
    outages: list[tuple[float, float]] = field(default_factory=list)
    #: Every request inside one of these windows gets 429 (``Retry-After`` only when the
    #: settings ask for it), whatever the limiter thinks.
    storm_429: list[tuple[float, float]] = field(default_factory=list)
    #: A successful create is applied but its response never arrives. A ``float`` is a
    #: probability; an ``int`` is a count of the next creates to lose (it counts down).
    lose_create_response: float | int = 0.0
    #: Over real HTTP, how long a lost create response is held before the connection is
    #: aborted. Set it above the client's timeout to make the client time out instead.
    lost_response_hold: float = 0.0
    #: Probability that the connection drops without a response, on any endpoint.
    drop_rate: float = 0.0
    #: Share of those drops that happen after the API applied the request.
    drop_after_apply: float = 0.5
    #: Probability that each new node ends in ``node_failure_status`` instead of RUNNING.
    node_failure_rate: float = 0.0
    #: Clusters whose name matches this regular expression (``re.search``) get their
    #: last node ending in ``node_failure_status``.
    node_failure_pattern: str | None = None
    #: ``DEFERRED`` or ``FAILED``.
    node_failure_status: ClusterStatus = ClusterStatus.DEFERRED

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` for a knob outside its range."""
        probabilities = {
            "error_rate_5xx": self.error_rate_5xx,
            "error_after_apply": self.error_after_apply,
            "drop_rate": self.drop_rate,
            "drop_after_apply": self.drop_after_apply,
            "node_failure_rate": self.node_failure_rate,
        }
        if isinstance(self.lose_create_response, float):
            probabilities["lose_create_response"] = self.lose_create_response
        elif isinstance(self.lose_create_response, bool) or self.lose_create_response < 0:
            raise ValueError("lose_create_response must be a probability or a count >= 0")
        for name, value in probabilities.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
        if self.latency < 0 or self.jitter < 0 or self.lost_response_hold < 0:
            raise ValueError("latency, jitter and lost_response_hold must be >= 0")
        if not self.error_codes or any(not 500 <= c <= 599 for c in self.error_codes):
            raise ValueError("error_codes must be a non-empty tuple of 5xx codes")
        if ClusterStatus(self.node_failure_status) not in _FAILURE_STATUSES:
            raise ValueError("node_failure_status must be DEFERRED or FAILED")
        if self.node_failure_pattern is not None:
            try:
                re.compile(self.node_failure_pattern)
            except re.error as exc:
                raise ValueError(
                    f"node_failure_pattern is not a regular expression: {exc}"
                ) from exc


def _inside(windows: Sequence[tuple[float, float]], now: float) -> bool:
    return any(start <= now < end for start, end in windows)


class FaultDice:
    """Rolls the dice of a :class:`Faults` with one seeded generator."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"insta_nb.simulator.faults:{seed}")

    def _roll(self, probability: float) -> bool:
        # No roll at all when the knob is off keeps other decisions repeatable.
        return probability > 0 and (probability >= 1 or self._rng.random() < probability)

    def delay(self, faults: Faults) -> float:
        """Seconds this request is delayed."""
        extra = self._rng.uniform(0.0, faults.jitter) if faults.jitter > 0 else 0.0
        return faults.latency + extra

    @staticmethod
    def in_outage(faults: Faults, now: float) -> bool:
        """Whether ``now`` falls in an outage window."""
        return _inside(faults.outages, now)

    @staticmethod
    def in_storm(faults: Faults, now: float) -> bool:
        """Whether ``now`` falls in a 429 storm window."""
        return _inside(faults.storm_429, now)

    def drop(self, faults: Faults) -> tuple[bool, bool]:
        """``(drop before the API, drop after the API)``: at most one is true."""
        if not self._roll(faults.drop_rate):
            return False, False
        after = self._roll(faults.drop_after_apply)
        return not after, after

    def error_5xx(self, faults: Faults) -> tuple[int | None, int | None]:
        """``(code before the API, code after the API)``: at most one is set."""
        if not self._roll(faults.error_rate_5xx):
            return None, None
        code = self._rng.choice(faults.error_codes)
        if self._roll(faults.error_after_apply):
            return None, code
        return code, None

    def lose_create(self, faults: Faults) -> bool:
        """Whether this applied create loses its response (counts a count down)."""
        knob = faults.lose_create_response
        if isinstance(knob, int) and not isinstance(knob, bool):
            if knob <= 0:
                return False
            faults.lose_create_response = knob - 1
            return True
        return self._roll(float(knob))

    def node_failures(self, faults: Faults, cluster_name: str, node_count: int) -> list[bool]:
        """Which of a new cluster's nodes fail, in node order."""
        failing = [self._roll(faults.node_failure_rate) for _ in range(node_count)]
        pattern = faults.node_failure_pattern
        if pattern is not None and node_count and re.search(pattern, cluster_name):
            failing[-1] = True
        return failing
